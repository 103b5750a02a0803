/**
 * The data functions' implementations: argument checks (zod) and API calls through a client given by the
 * front end that serves them: the program side (./calls.ts, from stack config) or the plugin's Invoke
 * (from its provider's settings). Results are shaped as the public modules' types say. Loads no
 * @pulumi/pulumi.
 */
import { z } from "zod";
import type { BarrackClient } from "../client";
import { CURRENCIES, TIERS } from "../contract";
import { regionSchema } from "../engine/schema";
import type { GetBalanceResult } from "./balance";
import type { GetGpuSpecsArgs, GetGpuSpecsResult, Prices } from "./gpuSpecs";
import type { GetGpuStockArgs, GetGpuStockResult } from "./gpuStock";
import type { GetOsImagesArgs, GetOsImagesResult } from "./osImages";
import { PRICED_RESOURCE_TYPES, type PricedResourceType } from "../constants";
import type { GetPricingArgs, GetPricingResult } from "./pricing";
import type { GetRegionsArgs, GetRegionsResult } from "./regions";
import type { GetVolumeTypesArgs, GetVolumeTypesResult } from "./volumeTypes";

/** Validates a data function's args, failing with every problem named (`getGpuStock: region must be …`). */
export function parseArgs<S extends z.ZodType>(fn: string, schema: S, args: unknown): z.output<S> {
  const parsed = schema.safeParse(args ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return path ? `${path} ${issue.message}` : issue.message;
  });
  throw new Error(`${fn}: ${problems.join("; ")}`);
}

const gpuModelSchema = z
  .string({ error: "must be a GPU model name such as H100-SXM5-80GB" })
  .min(1, { error: "must be a GPU model name such as H100-SXM5-80GB" });
const tierSchema = z.enum(TIERS, { error: `must be one of ${TIERS.join(", ")}` });

// ---------------------------------------------------------------------------------------------------

export async function getBalance(_args: Record<string, never>, client: BarrackClient): Promise<GetBalanceResult> {
  const { balance } = await client.call("getBalance");
  return {
    amount: balance.amount,
    currency: balance.currency,
    minimumBalance: balance.minimum_balance,
    profileComplete: balance.profile_complete,
  };
}

/** What getGpuSpecs accepts, checked before any call. */
export const gpuSpecsArgsSchema = z.strictObject({ gpuModel: gpuModelSchema.optional(), tier: tierSchema.optional(), region: regionSchema.optional() });

export async function getGpuSpecs(args: GetGpuSpecsArgs, client: BarrackClient): Promise<GetGpuSpecsResult> {
  const { gpuModel, tier, region } = parseArgs("getGpuSpecs", gpuSpecsArgsSchema, args);
  const { specs } = await client.call("listGpuSpecs", { query: { gpu_model: gpuModel, tier, region } });
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
        prices: prices(s.prices),
      })),
  };
}

/** What getGpuStock accepts, checked before any call. */
export const gpuStockArgsSchema = z.strictObject({ region: regionSchema.optional(), gpuModel: gpuModelSchema.optional() });

export async function getGpuStock(args: GetGpuStockArgs, client: BarrackClient): Promise<GetGpuStockResult> {
  const { region, gpuModel } = parseArgs("getGpuStock", gpuStockArgsSchema, args);
  const { stocks } = await client.call("listGpuStocks", { query: { region, gpu_model: gpuModel } });
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

/** What getOsImages accepts, checked before any call. */
export const osImagesArgsSchema = z.strictObject({ region: regionSchema.optional() });

export async function getOsImages(args: GetOsImagesArgs, client: BarrackClient): Promise<GetOsImagesResult> {
  const { region } = parseArgs("getOsImages", osImagesArgsSchema, args);
  const { images } = await client.call("listOsImages", { query: { region } });
  return {
    ...(region !== undefined ? { region } : {}),
    images: images
      .filter((i) => region === undefined || i.region === region)
      .map((i) => ({ id: i.id, name: i.name, region: i.region, type: i.type, version: i.version, sizeGb: i.size_gb })),
  };
}

/** What getPricing accepts, checked before any call. */
export const pricingArgsSchema = z.strictObject({
  currency: z.enum(CURRENCIES, { error: `must be one of ${CURRENCIES.join(", ")}` }).optional(),
  tier: tierSchema.optional(),
  resourceType: z.enum(PRICED_RESOURCE_TYPES, { error: `must be one of ${PRICED_RESOURCE_TYPES.join(", ")}` }).optional(),
});

export async function getPricing(args: GetPricingArgs, client: BarrackClient): Promise<GetPricingResult> {
  const { currency = "USD", tier, resourceType } = parseArgs("getPricing", pricingArgsSchema, args);
  const { pricing_data: data } = await client.call("queryPricing", {
    body: { currency, ...(tier !== undefined ? { tier } : {}), ...(resourceType !== undefined ? { resource_type: resourceType } : {}) },
  });
  const wanted = (kind: PricedResourceType) => resourceType === undefined || resourceType === kind;
  const tiers = <T>(byTier: Record<string, T> | undefined): [string, T][] =>
    Object.entries(byTier ?? {}).filter(([t]) => tier === undefined || t === tier);

  return {
    currency,
    ...(tier !== undefined ? { tier } : {}),
    ...(resourceType !== undefined ? { resourceType } : {}),
    volumes: !wanted("volumes") ? [] : tiers(data.volumes?.pricing).flatMap(([t, byType]) =>
      Object.entries(byType).map(([volumeType, leaf]) => ({ tier: t, volumeType, prices: prices(leaf.prices), price: leaf.prices[currency], unit: leaf.unit }))),
    snapshots: !wanted("snapshots") ? [] : tiers(data.snapshots?.pricing).map(([t, leaf]) =>
      ({ tier: t, prices: prices(leaf.prices), price: leaf.prices[currency], unit: leaf.unit, fixedSizeGb: leaf.fixed_size_gb })),
    gpus: !wanted("gpus") ? [] : tiers(data.gpus?.pricing).flatMap(([t, byModel]) =>
      Object.entries(byModel).map(([gpuModel, leaf]) => ({ tier: t, gpuModel, prices: prices(leaf.prices), price: leaf.prices[currency], unit: leaf.unit, maxCount: leaf.max_count }))),
    volumeMinimumSizeGb: data.volumes?.minimum_size_gb ?? data.metadata.volume_minimum_size_gb,
    supportedCurrencies: [...data.metadata.supported_currencies],
    supportedTiers: [...data.metadata.supported_tiers],
  };
}

/** What getRegions accepts, checked before any call. */
export const regionsArgsSchema = z.strictObject({ tier: tierSchema.optional() });

export async function getRegions(args: GetRegionsArgs, client: BarrackClient): Promise<GetRegionsResult> {
  const { tier } = parseArgs("getRegions", regionsArgsSchema, args);
  const { regions } = await client.call("listRegions");
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

/** What getVolumeTypes accepts, checked before any call. */
export const volumeTypesArgsSchema = z.strictObject({ region: regionSchema.optional() });

export async function getVolumeTypes(args: GetVolumeTypesArgs, client: BarrackClient): Promise<GetVolumeTypesResult> {
  const { region } = parseArgs("getVolumeTypes", volumeTypesArgsSchema, args);
  const { volume_types } = await client.call("listVolumeTypes", { query: { region } });
  return {
    ...(region !== undefined ? { region } : {}),
    volumeTypes: volume_types
      .filter((t) => region === undefined || t.regions.includes(region))
      .map((t) => ({
        volumeType: t.volume_type,
        tier: t.tier,
        regions: [...t.regions],
        minSizeGb: t.min_size_gb,
        maxSizeGb: t.max_size_gb,
        bootable: t.bootable,
        cloneResize: t.clone_resize,
        prices: prices(t.prices),
        unit: t.unit,
      })),
  };
}

function prices(p: Prices): Prices {
  return { USD: p.USD, EUR: p.EUR, INR: p.INR };
}

/** Every data function by name, as the plugin's Invoke finds them (`barrack:index:<name>`). */
export const LOOKUPS = { getBalance, getGpuSpecs, getGpuStock, getOsImages, getPricing, getRegions, getVolumeTypes } as const;
export type LookupName = keyof typeof LOOKUPS;
