/** Volume provider: create (or clone), grow in place, delete. */
import { BarrackClient, BarrackNotFoundError } from "../../client";
import { Volume, sameStatus } from "../../contract";
import { defineProvider } from "../../engine/crud";
import { VolumeOutputs, validateVolume, volumeArgsSchema, volumeOutputs } from "./args";

class CloneSourceMissing extends Error {}

/** The words for a resize below the volume's size now (it grew outside Pulumi), or undefined. */
function shrinkProblem(id: string, nowGb: number, wantedGb: number): string | undefined {
  if (wantedGb >= nowGb) return undefined;
  return `property sizeGb: volume ${id} is now ${nowGb} GB (it changed outside Pulumi; a refresh saw it), ` +
    `and volumes only grow: set sizeGb to at least ${nowGb}`;
}

/** The volume a clone copies; a missing one is an error naming `cloneFrom`, not a bare 404. */
async function cloneSource(client: BarrackClient, id: string): Promise<Volume> {
  try {
    return (await client.call("getVolume", { params: { volume_id: id } })).volume;
  } catch (error) {
    if (error instanceof BarrackNotFoundError) throw new CloneSourceMissing(`cloneFrom ${id}: no such volume`);
    throw error;
  }
}

export const volumeProvider = defineProvider<typeof volumeArgsSchema, Volume, VolumeOutputs>({
  type: "Volume",
  schema: volumeArgsSchema,
  updatable: ["sizeGb"],
  noDiff: ["timeouts"],
  nameKey: "name",
  nameKind: "volume",
  defaultTimeouts: { create: "15m", update: "15m", delete: "15m" },
  validate: validateVolume,

  // check() sees the old inputs only: a volume that grew outside Pulumi shows in the stored outputs.
  changeProblem(olds, news) {
    return typeof olds.sizeGb === "number" && typeof news.sizeGb === "number" ? shrinkProblem(String(olds.volumeId ?? ""), olds.sizeGb, news.sizeGb) : undefined;
  },

  async create(ctx, args) {
    if (args.cloneFrom === undefined) {
      const { volume } = await ctx.client.call("createVolume", {
        body: {
          name: args.name,
          region: args.region,
          size_gb: args.sizeGb,
          volume_type: args.type,
          ...(args.bootable ? { bootable: true, image_id: args.imageId } : {}),
        },
      });
      return volume;
    }
    const source = await cloneSource(ctx.client, args.cloneFrom);
    const mismatch = source.region !== args.region ? `region ${source.region}` : source.volume_type !== args.type ? `type ${source.volume_type}` : undefined;
    if (mismatch) throw new Error(`cloneFrom ${args.cloneFrom} has ${mismatch}; a clone keeps its source's region and type, so set them to match`);
    if (args.sizeGb < source.size_gb) {
      throw new Error(`sizeGb ${args.sizeGb} is smaller than cloneFrom ${args.cloneFrom} (${source.size_gb} GB); a clone can only keep or grow its source's size`);
    }
    const { volume: clone } = await ctx.client.call("cloneVolume", { params: { volume_id: args.cloneFrom }, body: { name: args.name } });
    if (args.sizeGb === source.size_gb) return clone;
    // The clone starts at the source's size: grow it once it is ready.
    const ready = await ctx.waitFor(`clone ${clone.volume_id} to be ready`, () => this.get(ctx.client, clone.volume_id), (v) => this.readiness(v) !== "pending", (v) => this.describe(v));
    const { volume } = await ctx.client.call("resizeVolume", { params: { volume_id: ready.volume_id }, body: { new_size_gb: args.sizeGb } });
    return volume;
  },

  // Preview cannot fail on a lookup, but it can say that the create will: with a kept name, the old
  // volume is deleted before the new one is created.
  async warnings(news, previous, client) {
    if (news.cloneFrom === undefined || previous?.cloneFrom === news.cloneFrom) return [];
    try {
      await cloneSource(client, news.cloneFrom);
      return [];
    } catch (error) {
      return error instanceof CloneSourceMissing ? [`Volume "${news.name}": ${error.message}; creating it will fail`] : [];
    }
  },

  async findExisting(ctx, args) {
    const volumes = await ctx.client.listAll("listVolumes", "volumes", { query: { region: args.region } });
    return volumes.find((v) => v.name === args.name && v.region === args.region);
  },

  async get(client, id) {
    return (await client.call("getVolume", { params: { volume_id: id } })).volume;
  },
  idOf: (volume) => volume.volume_id,
  readiness(volume) {
    if (sameStatus(volume.status, "error")) return "failed";
    return sameStatus(volume.status, "available") || sameStatus(volume.status, "in-use") ? "ready" : "pending";
  },
  describe: (volume) => `status ${volume.status}, ${volume.size_gb} GB`,

  async update(ctx, id, _olds, news) {
    // Only sizeGb is updatable; check() has already refused shrinking and legacy-tier resizes.
    const current = await this.get(ctx.client, id);
    const shrink = shrinkProblem(id, current.size_gb, news.sizeGb);
    if (shrink !== undefined) throw new Error(shrink);
    if (current.attached_to) {
      // The API resizes detached volumes only (as comparable clouds do: the VM would have to be off).
      throw new Error(
        `volume ${id} cannot grow to ${news.sizeGb} GB while attached to instance ${current.attached_to}: remove it from that ` +
          "instance's volumeIds (which needs the instance stopped: powerState \"stopped\" or allowStopForUpdate), " +
          "grow it, then attach it again",
      );
    }
    const { volume } = await ctx.client.call("resizeVolume", { params: { volume_id: id }, body: { new_size_gb: news.sizeGb } });
    return volume;
  },

  async remove(ctx, id) {
    await ctx.client.call("deleteVolume", { params: { volume_id: id } });
  },

  outputs: volumeOutputs,
});
