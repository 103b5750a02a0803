/** getGpuSpecs: GPU models, their sizes (flavors), regions and prices. */
import type * as pulumi from "@pulumi/pulumi";
import type { Region, Tier } from "../constants";
import { DataOptions, InputArgs, outputForm } from "./common";

export interface GetGpuSpecsArgs {
  /** Only this GPU model. */
  gpuModel?: string;
  /** Only models of this tier. */
  tier?: Tier;
  /** Only models offered in this region. */
  region?: Region;
}

export interface Prices {
  USD: number;
  EUR: number;
  INR: number;
}

export interface GpuFlavor {
  gpuCount: number;
  vcpus: number;
  ramGb: number;
  diskGb: number;
}

export interface GpuSpecInfo {
  gpuModel: string;
  tier: Tier;
  regions: Region[];
  vramGb: number;
  /** Largest GPU count per instance. */
  maxCount: number;
  /** GPU counts an instance may have. */
  gpuCounts: number[];
  /** Instance size for each GPU count. */
  flavors: GpuFlavor[];
  /** Price per GPU per hour. */
  prices: Prices;
}

export interface GetGpuSpecsResult {
  gpuModel?: string;
  tier?: Tier;
  region?: Region;
  specs: GpuSpecInfo[];
}

/** GPU specifications, e.g. `(await getGpuSpecs({ gpuModel: "RTX-A6000" })).specs[0].flavors`. */
export async function getGpuSpecs(args: GetGpuSpecsArgs = {}, opts: DataOptions = {}): Promise<GetGpuSpecsResult> {
  return calls().getGpuSpecs(args, opts);
}

/** {@link getGpuSpecs} as an Output, for args that are Outputs themselves. */
export function getGpuSpecsOutput(args?: InputArgs<GetGpuSpecsArgs>, opts?: DataOptions): pulumi.Output<GetGpuSpecsResult> {
  return outputForm(getGpuSpecs, args, opts);
}

/** The implementation, loaded on the first call (it brings zod and the HTTP client). */
function calls(): typeof import("./calls") {
  return require("./calls");
}
