/** getVolumeTypes: volume types, where they exist, their size range and price. */
import type * as pulumi from "@pulumi/pulumi";
import type { Region, Tier, VolumeType } from "../constants";
import { DataOptions, InputArgs, outputForm } from "./common";
import type { Prices } from "./gpuSpecs";

export interface GetVolumeTypesArgs {
  /** Only types offered in this region. */
  region?: Region;
}

export interface VolumeTypeInfo {
  volumeType: VolumeType;
  tier: Tier;
  regions: Region[];
  minSizeGb: number;
  maxSizeGb: number;
  bootable: boolean;
  /** Volumes of this type can be cloned and resized. */
  cloneResize: boolean;
  prices: Prices;
  /** What `prices` are per, verbatim from the API (e.g. "per TB per hour"). */
  unit: string;
}

export interface GetVolumeTypesResult {
  region?: Region;
  volumeTypes: VolumeTypeInfo[];
}

/** Volume types, e.g. `(await getVolumeTypes({ region: "FINLAND-1" })).volumeTypes.map((t) => t.volumeType)`. */
export async function getVolumeTypes(args: GetVolumeTypesArgs = {}, opts: DataOptions = {}): Promise<GetVolumeTypesResult> {
  return calls().getVolumeTypes(args, opts);
}

/** {@link getVolumeTypes} as an Output, for args that are Outputs themselves. */
export function getVolumeTypesOutput(args?: InputArgs<GetVolumeTypesArgs>, opts?: DataOptions): pulumi.Output<GetVolumeTypesResult> {
  return outputForm(getVolumeTypes, args, opts);
}

/** The implementation, loaded on the first call (it brings zod and the HTTP client). */
function calls(): typeof import("./calls") {
  return require("./calls");
}
