/** getPricing: hourly prices of volumes, snapshots and GPUs, per tier. */
import type * as pulumi from "@pulumi/pulumi";
import type { Currency, Tier } from "../constants";
import { DataOptions, InputArgs, outputForm } from "./common";
import type { Prices } from "./gpuSpecs";
import { PRICED_RESOURCE_TYPES, type PricedResourceType } from "../constants";

export { PRICED_RESOURCE_TYPES, type PricedResourceType };

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

/** Prices, e.g. `(await getPricing({ resourceType: "gpus", currency: "EUR" })).gpus`. */
export async function getPricing(args: GetPricingArgs = {}, opts: DataOptions = {}): Promise<GetPricingResult> {
  return calls().getPricing(args, opts);
}

/** {@link getPricing} as an Output, for args that are Outputs themselves. */
export function getPricingOutput(args?: InputArgs<GetPricingArgs>, opts?: DataOptions): pulumi.Output<GetPricingResult> {
  return outputForm(getPricing, args, opts);
}

/** The implementation, loaded on the first call (it brings zod and the HTTP client). */
function calls(): typeof import("./calls") {
  return require("./calls");
}
