/** getGpuStock: how many GPUs of each model are free now, per region. */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Region } from "../contract";
import { regionSchema } from "../resources/shared/schema";
import { DataOptions, InputArgs, dataClient, outputForm, parseArgs } from "./common";

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

const argsSchema = z.strictObject({
  region: regionSchema.optional(),
  gpuModel: z.string({ error: "must be a GPU model name such as H100-SXM5-80GB" }).min(1, { error: "must be a GPU model name such as H100-SXM5-80GB" }).optional(),
});

/** GPU stock now, e.g. `(await getGpuStock({ region: "FINLAND-1" })).stocks`. Stock changes: read it at deploy time. */
export async function getGpuStock(args: GetGpuStockArgs = {}, opts: DataOptions = {}): Promise<GetGpuStockResult> {
  const { region, gpuModel } = parseArgs("getGpuStock", argsSchema, args);
  const { stocks } = await dataClient(opts).call("listGpuStocks", { query: { region, gpu_model: gpuModel } });
  const items = stocks
    .filter((s) => (region === undefined || s.region === region) && (gpuModel === undefined || s.gpu_model === gpuModel))
    .map((s) => ({ region: s.region, gpuModel: s.gpu_model, availableGpus: s.available_gpus, configurations: { ...s.configurations } }));
  return {
    ...(region !== undefined ? { region } : {}),
    ...(gpuModel !== undefined ? { gpuModel } : {}),
    stocks: items,
    totalAvailableGpus: items.reduce((sum, s) => sum + s.availableGpus, 0),
  };
}

/** {@link getGpuStock} as an Output, for args that are Outputs themselves. */
export function getGpuStockOutput(args?: InputArgs<GetGpuStockArgs>, opts?: DataOptions): pulumi.Output<GetGpuStockResult> {
  return outputForm(getGpuStock, args, opts);
}
