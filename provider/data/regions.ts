/** getRegions: the regions, their tier and what each offers. */
import type * as pulumi from "@pulumi/pulumi";
import type { Region, Tier, VolumeType } from "../constants";
import { DataOptions, InputArgs, outputForm } from "./common";

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

/** The regions (optionally of one tier), e.g. `(await getRegions()).regions.map((r) => r.name)`. */
export async function getRegions(args: GetRegionsArgs = {}, opts: DataOptions = {}): Promise<GetRegionsResult> {
  return calls().getRegions(args, opts);
}

/** {@link getRegions} as an Output, for args that are Outputs themselves. */
export function getRegionsOutput(args?: InputArgs<GetRegionsArgs>, opts?: DataOptions): pulumi.Output<GetRegionsResult> {
  return outputForm(getRegions, args, opts);
}

/** The implementation, loaded on the first call (it brings zod and the HTTP client). */
function calls(): typeof import("./calls") {
  return require("./calls");
}
