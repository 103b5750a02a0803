/** getRegions: the regions, their tier and what each offers. */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Region, TIERS, Tier, VolumeType } from "../contract";
import { DataOptions, InputArgs, dataClient, outputForm, parseArgs } from "./common";

export interface GetRegionsArgs {
  /** Only regions of this tier ("legacy" or "advanced"). */
  tier?: Tier;
}

export interface RegionInfo {
  name: Region;
  tier: Tier;
  location: string;
  /** Volume types offered in the region. */
  volumeTypes: VolumeType[];
  bootableVolumes: boolean;
  /** Volume clone and resize. */
  volumeCloneResize: boolean;
  snapshots: boolean;
}

export interface GetRegionsResult {
  tier?: Tier;
  regions: RegionInfo[];
}

const argsSchema = z.strictObject({
  tier: z.enum(TIERS, { error: `must be one of ${TIERS.join(", ")}` }).optional(),
});

/** The regions (optionally of one tier), e.g. `(await getRegions()).regions.map((r) => r.name)`. */
export async function getRegions(args: GetRegionsArgs = {}, opts: DataOptions = {}): Promise<GetRegionsResult> {
  const { tier } = parseArgs("getRegions", argsSchema, args);
  const { regions } = await dataClient(opts).call("listRegions");
  return {
    ...(tier !== undefined ? { tier } : {}),
    regions: regions
      .filter((r) => tier === undefined || r.tier === tier)
      .map((r) => ({
        name: r.name,
        tier: r.tier,
        location: r.location,
        volumeTypes: [...r.volume_types],
        bootableVolumes: r.bootable_volumes,
        volumeCloneResize: r.volume_clone_resize,
        snapshots: r.snapshots,
      })),
  };
}

/** {@link getRegions} as an Output, for args that are Outputs themselves. */
export function getRegionsOutput(args?: InputArgs<GetRegionsArgs>, opts?: DataOptions): pulumi.Output<GetRegionsResult> {
  return outputForm(getRegions, args, opts);
}
