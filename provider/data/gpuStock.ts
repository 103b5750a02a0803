/** getGpuStock: how many GPUs of each model are free now, per region. */
import type * as pulumi from "@pulumi/pulumi";
import type { Region } from "../constants";
import { DataOptions, InputArgs, outputForm } from "./common";

export interface GetGpuStockArgs {
  /** Only this region. */
  region?: Region;
  /** Only this GPU model (e.g. "H100-SXM5-80GB"). */
  gpuModel?: string;
}

export interface GpuStockInfo {
  region: Region;
  gpuModel: string;
  /** GPUs of this model free in the region now. */
  availableGpus: number;
  /** GPU count ("1x", "2x", …) → how many instances of that size can be started now. */
  configurations: Record<string, number>;
}

export interface GetGpuStockResult {
  region?: Region;
  gpuModel?: string;
  stocks: GpuStockInfo[];
  /** Sum of `availableGpus` over `stocks`. */
  totalAvailableGpus: number;
}

/** GPU stock now, e.g. `(await getGpuStock({ region: "FINLAND-1" })).stocks`. Stock changes: read it at deploy time. */
export async function getGpuStock(args: GetGpuStockArgs = {}, opts: DataOptions = {}): Promise<GetGpuStockResult> {
  return calls().getGpuStock(args, opts);
}

/** {@link getGpuStock} as an Output, for args that are Outputs themselves. */
export function getGpuStockOutput(args?: InputArgs<GetGpuStockArgs>, opts?: DataOptions): pulumi.Output<GetGpuStockResult> {
  return outputForm(getGpuStock, args, opts);
}

/** The implementation, loaded on the first call (it brings zod and the HTTP client). */
function calls(): typeof import("./calls") {
  return require("./calls");
}
