/** Custom image provider: make an image from a snapshot, wait until usable, delete. Every input replaces. */
import type { BarrackClient } from "../../client";
import { Image, sameStatus } from "../../contract";
import { defineProvider } from "../../engine/crud";
import { ImageOutputs, imageArgsSchema, imageOutputs } from "./args";

async function getImage(client: BarrackClient, id: string): Promise<Image> {
  return (await client.call("getImage", { params: { image_id: id } })).image;
}

export const imageProvider = defineProvider<typeof imageArgsSchema, Image, ImageOutputs>({
  type: "Image",
  schema: imageArgsSchema,
  updatable: [],
  noDiff: ["timeouts"],
  nameKey: "name",
  nameKind: "image",
  // Images take "several minutes" (barrack-api.md §4.9): be generous.
  defaultTimeouts: { create: "60m", update: "60m", delete: "20m" },

  async create(ctx, args) {
    const { image } = await ctx.client.call("createImage", {
      body: { snapshot_id: args.snapshotId, name: args.name, description: args.description },
    });
    return image;
  },

  async findExisting(ctx, args) {
    const images = await ctx.client.listAll("listImages", "images");
    return images.find((i) => i.name === args.name);
  },

  get: getImage,
  idOf: (image) => image.image_id,
  readiness(image) {
    if (sameStatus(image.status, "ERROR")) return "failed";
    return sameStatus(image.status, "SUCCESS") || sameStatus(image.status, "available") ? "ready" : "pending";
  },
  describe: (image) => `status ${image.status}`,

  async remove(ctx, id) {
    await ctx.client.call("deleteImage", { params: { image_id: id } });
  },

  outputs: imageOutputs,
});
