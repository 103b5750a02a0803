/** getPricing: hourly prices of volumes, snapshots and GPUs, per tier. */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { CURRENCIES, Currency, TIERS, Tier } from "../contract";
import { DataOptions, InputArgs, dataClient, outputForm, parseArgs } from "./common";
import type { Prices } from "./gpuSpecs";

export const PRICED_RESOURCE_TYPES = ["volumes", "snapshots", "gpus"] as const;
export type PricedResourceType = (typeof PRICED_RESOURCE_TYPES)[number];

export interface GetPricingArgs {
  /** The currency of each item's `price` (every item also has `prices` in all currencies). Default USD. */
  currency?: Currency;
  /** Only this tier's prices. */
  tier?: Tier;
  /** Only prices of this kind; the other lists are then empty. */
  resourceType?: PricedResourceType;
}

export interface VolumePrice {
  tier: string;
  volumeType: string;
  prices: Prices;
  /** In the result's `currency`. */
  price: number;
  /** Verbatim from the API, e.g. "per TB per hour". */
  unit: string;
}

export interface SnapshotPrice {
  tier: string;
  prices: Prices;
  price: number;
  unit: string;
  /** Snapshots are billed as this fixed size, whatever their real size. */
  fixedSizeGb: number;
}

export interface GpuPrice {
  tier: string;
  gpuModel: string;
  prices: Prices;
  /** Per GPU per hour, in the result's `currency`. */
  price: number;
  unit: string;
  maxCount: number;
}

export interface GetPricingResult {
  currency: Currency;
  tier?: Tier;
  resourceType?: PricedResourceType;
  volumes: VolumePrice[];
  snapshots: SnapshotPrice[];
  gpus: GpuPrice[];
  volumeMinimumSizeGb: number;
  supportedCurrencies: string[];
  supportedTiers: string[];
}

const argsSchema = z.strictObject({
  currency: z.enum(CURRENCIES, { error: `must be one of ${CURRENCIES.join(", ")}` }).optional(),
  tier: z.enum(TIERS, { error: `must be one of ${TIERS.join(", ")}` }).optional(),
  resourceType: z.enum(PRICED_RESOURCE_TYPES, { error: `must be one of ${PRICED_RESOURCE_TYPES.join(", ")}` }).optional(),
});

/** Prices, e.g. `(await getPricing({ resourceType: "gpus", currency: "EUR" })).gpus`. */
export async function getPricing(args: GetPricingArgs = {}, opts: DataOptions = {}): Promise<GetPricingResult> {
  const { currency = "USD", tier, resourceType } = parseArgs("getPricing", argsSchema, args);
  const { pricing_data: data } = await dataClient(opts).call("queryPricing", {
    body: { currency, ...(tier !== undefined ? { tier } : {}), ...(resourceType !== undefined ? { resource_type: resourceType } : {}) },
  });
  const wanted = (kind: PricedResourceType) => resourceType === undefined || resourceType === kind;
  const tiers = <T>(byTier: Record<string, T> | undefined): [string, T][] =>
    Object.entries(byTier ?? {}).filter(([t]) => tier === undefined || t === tier);
  const prices = (p: Prices): Prices => ({ USD: p.USD, EUR: p.EUR, INR: p.INR });

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

/** {@link getPricing} as an Output, for args that are Outputs themselves. */
export function getPricingOutput(args?: InputArgs<GetPricingArgs>, opts?: DataOptions): pulumi.Output<GetPricingResult> {
  return outputForm(getPricing, args, opts);
}
