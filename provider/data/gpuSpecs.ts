/** getGpuSpecs: GPU models, their sizes (flavors), regions and prices. */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Region, TIERS, Tier } from "../contract";
import { regionSchema } from "../resources/shared/schema";
import { DataOptions, InputArgs, dataClient, outputForm, parseArgs } from "./common";

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

const argsSchema = z.strictObject({
  gpuModel: z.string({ error: "must be a GPU model name such as H100-SXM5-80GB" }).min(1, { error: "must be a GPU model name such as H100-SXM5-80GB" }).optional(),
  tier: z.enum(TIERS, { error: `must be one of ${TIERS.join(", ")}` }).optional(),
  region: regionSchema.optional(),
});

/** GPU specifications, e.g. `(await getGpuSpecs({ gpuModel: "RTX-A6000" })).specs[0].flavors`. */
export async function getGpuSpecs(args: GetGpuSpecsArgs = {}, opts: DataOptions = {}): Promise<GetGpuSpecsResult> {
  const { gpuModel, tier, region } = parseArgs("getGpuSpecs", argsSchema, args);
  const { specs } = await dataClient(opts).call("listGpuSpecs", { query: { gpu_model: gpuModel, tier, region } });
  return {
    ...(gpuModel !== undefined ? { gpuModel } : {}),
    ...(tier !== undefined ? { tier } : {}),
    ...(region !== undefined ? { region } : {}),
    specs: specs
      .filter((s) => (gpuModel === undefined || s.gpu_model === gpuModel) && (tier === undefined || s.tier === tier) && (region === undefined || s.regions.includes(region)))
      .map((s) => ({
        gpuModel: s.gpu_model,
        tier: s.tier,
        regions: [...s.regions],
        vramGb: s.vram_gb,
        maxCount: s.max_count,
        gpuCounts: [...s.gpu_counts],
        flavors: s.flavors.map((f) => ({ gpuCount: f.gpu_count, vcpus: f.vcpus, ramGb: f.ram_gb, diskGb: f.disk_gb })),
        prices: { USD: s.prices.USD, EUR: s.prices.EUR, INR: s.prices.INR },
      })),
  };
}

/** {@link getGpuSpecs} as an Output, for args that are Outputs themselves. */
export function getGpuSpecsOutput(args?: InputArgs<GetGpuSpecsArgs>, opts?: DataOptions): pulumi.Output<GetGpuSpecsResult> {
  return outputForm(getGpuSpecs, args, opts);
}
