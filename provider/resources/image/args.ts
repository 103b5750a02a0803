/** Custom image inputs and outputs. */
import { z } from "zod";
import { Image as WireImage, Region, idPattern } from "../../contract";
import { importIdSchema, timeoutsSchema } from "../../engine/crud";
import { descriptionSchema, nameSchema } from "../../engine/schema";

export const imageArgsSchema = z.strictObject({
  /** Unique within the account. Defaults to the Pulumi resource name. */
  name: nameSchema("image"),
  /** The snapshot (status SUCCESS) to make the image from. */
  snapshotId: z.string().regex(idPattern("snapshot"), { error: "must be a snapshot id such as BRK-000123S" }),
  description: descriptionSchema,
  timeouts: timeoutsSchema,
  importId: importIdSchema,
});
export type ImageArgs = z.output<typeof imageArgsSchema>;

/** Outputs: the inputs as the API reports them, plus what the API computes. */
export interface ImageOutputs extends ImageArgs {
  /** The Barrack id (`BRK-……I`), also the resource's `id`; a deploy boot source (`imageId`) in `region`. */
  imageId: string;
  /** The snapshot's region; instances can boot from the image only there. */
  region: Region;
  status: string;
  createdAt: string;
}
export const IMAGE_OUTPUT_KEYS = ["imageId", "region", "status", "createdAt"] as const;

export function imageOutputs(args: ImageArgs, image: WireImage): ImageOutputs {
  return {
    ...args,
    name: image.name,
    snapshotId: image.snapshot_id,
    description: image.description,
    imageId: image.image_id,
    region: image.region,
    status: image.status,
    createdAt: image.created_at,
  };
}
