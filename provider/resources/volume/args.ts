/** Volume inputs and outputs. */
import { z } from "zod";
import { VOLUME_TYPES, Volume as WireVolume } from "../../contract";
import { BOOTABLE_IMAGE_PREFIX, REGION_TIER, VOLUME_SIZE_GB, capabilitiesOf, regionsWhere } from "../../platform";
import { CheckFailure, importIdSchema, timeoutsSchema } from "../../engine/crud";
import { nameSchema, regionSchema } from "../../engine/schema";
import { hourlyCost } from "../../engine/values";

export const volumeArgsSchema = z.strictObject({
  /** Unique within the region. Defaults to the Pulumi resource name. */
  name: nameSchema("volume"),
  region: regionSchema,
  /** SSD in the legacy tier (CANADA-1); NVMe or HDD in the advanced tier. */
  type: z.enum(VOLUME_TYPES, { error: `must be one of ${VOLUME_TYPES.join(", ")}` }),
  sizeGb: z.number({ error: "must be a whole number of GB" }).int({ error: "must be a whole number of GB" }),
  /** Legacy tier only, with an Ubuntu `imageId`. */
  bootable: z.boolean().default(false),
  /** OS image of a bootable volume. */
  imageId: z.string().optional(),
  /** Id of a volume to clone (advanced tier). The clone starts with the source's contents and size. */
  cloneFrom: z.string().optional(),
  timeouts: timeoutsSchema,
  /** The id of an existing object to adopt instead of creating one. */
  importId: importIdSchema,
});
export type VolumeArgs = z.output<typeof volumeArgsSchema>;

/** Outputs: the inputs as the API reports them, plus what the API computes. */
export interface VolumeOutputs extends VolumeArgs {
  volumeId: string;
  tier: string;
  status: string;
  attachedTo?: string;
  /** Estimated cost per hour while the volume exists, in `currency`. */
  costPerHour?: number;
  currency?: string;
  createdAt: string;
}
export const VOLUME_OUTPUT_KEYS = ["volumeId", "tier", "status", "attachedTo", "costPerHour", "currency", "createdAt"] as const;

/** Preview-time rules: tier capabilities, size ranges, grow-only resize. */
export function validateVolume(news: VolumeArgs, olds: Partial<VolumeArgs> | undefined): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const caps = capabilitiesOf(news.region);
  const tier = REGION_TIER[news.region];
  if (!caps.volumeTypes.includes(news.type)) {
    failures.push({ property: "type", reason: `${news.region} (${tier} tier) offers ${caps.volumeTypes.join(" or ")} volumes, not ${news.type}` });
  }
  const range = VOLUME_SIZE_GB[news.type];
  if (news.sizeGb < range.min || news.sizeGb > range.max) {
    failures.push({ property: "sizeGb", reason: `${news.type} volumes are ${range.min}–${range.max} GB, not ${news.sizeGb}` });
  }
  if (news.bootable && !caps.bootableVolumes) {
    failures.push({ property: "bootable", reason: `bootable volumes exist only in ${regionsWhere((c) => c.bootableVolumes).join(", ")}, not ${news.region}` });
  }
  if (news.bootable && !news.imageId?.toLowerCase().startsWith(BOOTABLE_IMAGE_PREFIX)) {
    failures.push({ property: "imageId", reason: "a bootable volume needs an Ubuntu OS image id (see getOsImages())" });
  }
  if (!news.bootable && news.imageId !== undefined) {
    failures.push({ property: "imageId", reason: "only bootable volumes take an image; set bootable: true or remove imageId" });
  }
  if (news.cloneFrom !== undefined && !caps.volumeCloneResize) {
    failures.push({ property: "cloneFrom", reason: `cloning is available only in ${regionsWhere((c) => c.volumeCloneResize).join(", ")}, not ${news.region}` });
  }
  if (news.cloneFrom !== undefined && news.bootable) {
    failures.push({ property: "cloneFrom", reason: "bootable volumes cannot be cloned" });
  }
  // An in-place resize (nothing else that forces a replacement changes) must grow an advanced-tier volume.
  const inPlace = olds !== undefined && olds.region === news.region && olds.type === news.type && olds.cloneFrom === news.cloneFrom && Boolean(olds.bootable) === news.bootable;
  if (inPlace && olds.sizeGb !== undefined && news.sizeGb !== olds.sizeGb) {
    if (!caps.volumeCloneResize) {
      failures.push({ property: "sizeGb", reason: `volumes in ${news.region} (${tier} tier) cannot be resized; resizing is available in ${regionsWhere((c) => c.volumeCloneResize).join(", ")}` });
    } else if (news.sizeGb < olds.sizeGb) {
      failures.push({ property: "sizeGb", reason: `volumes can only grow: ${olds.sizeGb} GB cannot shrink to ${news.sizeGb} GB (create a new volume to shrink)` });
    }
  }
  return failures;
}

export function volumeOutputs(args: VolumeArgs, volume: WireVolume): VolumeOutputs {
  return {
    ...args,
    name: volume.name,
    region: volume.region,
    type: volume.volume_type,
    sizeGb: volume.size_gb,
    bootable: volume.bootable,
    imageId: volume.image_id ?? undefined,
    volumeId: volume.volume_id,
    tier: volume.tier,
    status: volume.status,
    attachedTo: volume.attached_to ?? undefined,
    costPerHour: hourlyCost(volume.per_minute_rate),
    currency: volume.currency,
    createdAt: volume.created_at,
  };
}
