/**
 * What the emulated platform sells: region locations, GPU models and prices, volume and snapshot prices,
 * OS images, AI models. Values marked CONFIRMED come from shared/docs/barrack-api.md (§2.5 pricing
 * payload, §4.6, DOC-VOL); the rest is INFERRED but plausible, and kept here so it can be corrected in one
 * place. The platform's rules (tiers and their capabilities, size ranges, GPU counts, limits, minimum
 * balance) are not restated here: they come from provider/platform.ts.
 */
import {
  CURRENCIES,
  REGIONS,
  TIERS,
  VOLUME_TYPES,
  type Currency,
  type PricingResponse,
  type Region,
  type Tier,
  type VolumeType,
} from "../provider/contract";
import { GPU_COUNTS, GPU_MODELS as PLATFORM_GPU_MODELS, TIER_CAPABILITIES, VOLUME_PRICE_UNIT, VOLUME_SIZE_GB, tierOf } from "../provider/platform";

export type Prices = Record<Currency, number>;

// ---------------------------------------------------------------------------------------------------
// Regions (tiers and capabilities: provider/platform.ts)
// ---------------------------------------------------------------------------------------------------

export const REGION_LOCATIONS: Record<Region, string> = {
  "CANADA-1": "Canada (North America)",
  "FINLAND-1": "Finland (Nordic)",
  "FINLAND-2": "Finland (Nordic)",
  "FINLAND-3": "Finland (Nordic)",
  "ICELAND-1": "Iceland (Nordic)",
};

export function regionsOfTier(tier: Tier): Region[] {
  return REGIONS.filter((r) => tierOf(r) === tier);
}

/** The tier that offers a volume type. */
export function volumeTypeTier(type: VolumeType): Tier {
  return TIERS.find((t) => TIER_CAPABILITIES[t].volumeTypes.includes(type)) as Tier;
}

export const LEGACY_REGIONS = regionsOfTier("legacy");
export const ADVANCED_REGIONS = regionsOfTier("advanced");

// ---------------------------------------------------------------------------------------------------
// GPUs (prices CONFIRMED for the four models of the P-PRICE example; A100/L40 from the old price list)
// ---------------------------------------------------------------------------------------------------

export interface GpuModelFacts {
  model: string;
  tier: Tier;
  vramGb: number;
  maxCount: number;
  /** Per GPU per hour. */
  prices: Prices;
  /** Flavor share of one GPU; a flavor for N GPUs is N times this (INFERRED, Hyperstack-like sizes). */
  perGpu: { vcpus: number; ramGb: number; diskGb: number };
}

/** Tier and GPUs per instance come from provider/platform.ts (GPU_MODELS); the rest is sold here. */
const sold = (model: string, rest: Omit<GpuModelFacts, "model" | "tier" | "maxCount">): GpuModelFacts => ({ model, ...PLATFORM_GPU_MODELS[model], ...rest });

export const GPU_MODELS: readonly GpuModelFacts[] = [
  sold("H100-PCIe-NVLink-80GB", { vramGb: 80, prices: { USD: 2.29, EUR: 2.39, INR: 199 }, perGpu: { vcpus: 28, ramGb: 180, diskGb: 750 } }),
  sold("RTX-A6000", { vramGb: 48, prices: { USD: 0.69, EUR: 0.75, INR: 49 }, perGpu: { vcpus: 14, ramGb: 45, diskGb: 200 } }),
  sold("A100-PCIe-80GB", { vramGb: 80, prices: { USD: 1.55, EUR: 1.39, INR: 135 }, perGpu: { vcpus: 28, ramGb: 120, diskGb: 750 } }),
  sold("L40", { vramGb: 48, prices: { USD: 1.19, EUR: 1.09, INR: 99 }, perGpu: { vcpus: 16, ramGb: 64, diskGb: 400 } }),
  sold("B300-262GB", { vramGb: 262, prices: { USD: 5.79, EUR: 5.99, INR: 499 }, perGpu: { vcpus: 32, ramGb: 275, diskGb: 1000 } }),
  sold("H100-SXM5-80GB", { vramGb: 80, prices: { USD: 2.49, EUR: 2.69, INR: 209 }, perGpu: { vcpus: 24, ramGb: 240, diskGb: 1000 } }),
];

export function gpuModel(model: string): GpuModelFacts | undefined {
  return GPU_MODELS.find((m) => m.model === model);
}

export function gpuRegions(m: GpuModelFacts): Region[] {
  return regionsOfTier(m.tier);
}

export function gpuCountsFor(m: GpuModelFacts): number[] {
  return GPU_COUNTS.filter((c) => c <= m.maxCount);
}

export function flavorFor(m: GpuModelFacts, count: number): { vcpus: number; ram_gb: number; disk_gb: number } {
  return { vcpus: m.perGpu.vcpus * count, ram_gb: m.perGpu.ramGb * count, disk_gb: m.perGpu.diskGb * count };
}

/** Default stock: 16 GPUs of each model in each region that offers it. */
export const DEFAULT_GPUS_PER_REGION_AND_MODEL = 16;

export function defaultGpuStock(): Record<string, Record<string, number>> {
  const stock: Record<string, Record<string, number>> = {};
  for (const region of REGIONS) {
    stock[region] = {};
    for (const m of GPU_MODELS) if (m.tier === tierOf(region)) stock[region][m.model] = DEFAULT_GPUS_PER_REGION_AND_MODEL;
  }
  return stock;
}

// ---------------------------------------------------------------------------------------------------
// Storage (prices and unit strings verbatim from P-PRICE; sizes: provider/platform.ts)
// ---------------------------------------------------------------------------------------------------

export { VOLUME_PRICE_UNIT };
export const GPU_PRICE_UNIT = "per GPU per hour";
export const SNAPSHOT_PRICE_UNIT = "per hour (fixed 100GB)";
/** The pricing payload's `minimum_size_gb`: the smallest volume of any type. */
export const MINIMUM_VOLUME_SIZE_GB = Math.min(...VOLUME_TYPES.map((t) => VOLUME_SIZE_GB[t].min));

export const VOLUME_PRICES: Record<VolumeType, Prices> = {
  SSD: { USD: 0.1, EUR: 0.1, INR: 10 },
  NVMe: { USD: 0.3, EUR: 0.35, INR: 30 },
  HDD: { USD: 0.08, EUR: 0.1, INR: 8 },
};

/** Snapshots: priced per 100 GB per hour, legacy tier only (CONFIRMED P-PRICE, P-SBILL arithmetic). */
export const SNAPSHOT_PRICES: Prices = { USD: 0.1, EUR: 0.1, INR: 10 };
export const SNAPSHOT_FIXED_SIZE_GB = 100;

export { HIBERNATED_HOURLY } from "../provider/platform";

// ---------------------------------------------------------------------------------------------------
// OS images (names CONFIRMED, REPO; ids and region spread INFERRED)
// ---------------------------------------------------------------------------------------------------

export interface OsImageFacts {
  id: string;
  name: string;
  type: string;
  version: string;
  sizeGb: number;
  regions: readonly Region[];
}

export const OS_IMAGES: readonly OsImageFacts[] = [
  { id: "ubuntu-22.04-cuda-12.4", name: "Ubuntu Server 22.04 LTS R550 CUDA 12.4", type: "Ubuntu", version: "22.04", sizeGb: 30, regions: REGIONS },
  { id: "ubuntu-22.04-cuda-12.4-docker", name: "Ubuntu Server 22.04 LTS R550 CUDA 12.4 with Docker", type: "Ubuntu", version: "22.04", sizeGb: 35, regions: REGIONS },
  { id: "ubuntu-20.04-cuda-12.2", name: "Ubuntu Server 20.04 LTS R535 CUDA 12.2", type: "Ubuntu", version: "20.04", sizeGb: 30, regions: LEGACY_REGIONS },
  { id: "ubuntu-20.04-cuda-12.2-docker", name: "Ubuntu Server 20.04 LTS R535 CUDA 12.2 with Docker", type: "Ubuntu", version: "20.04", sizeGb: 35, regions: LEGACY_REGIONS },
  { id: "ubuntu-24.04-cuda-12.8", name: "Ubuntu Server 24.04 LTS R570 CUDA 12.8", type: "Ubuntu", version: "24.04", sizeGb: 30, regions: ADVANCED_REGIONS },
  // Not Ubuntu: lets clients see the "bootable volumes need an Ubuntu image" rule.
  { id: "debian-12", name: "Debian 12 (Bookworm)", type: "Debian", version: "12", sizeGb: 10, regions: LEGACY_REGIONS },
];

export function osImage(id: string): OsImageFacts | undefined {
  return OS_IMAGES.find((i) => i.id === id);
}

// ---------------------------------------------------------------------------------------------------
// AI chat (INFERRED: OpenAI-style; prices per 1k tokens per currency)
// ---------------------------------------------------------------------------------------------------

export interface AiModelFacts {
  id: string;
  name: string;
  input: Prices;
  output: Prices;
}

export const AI_MODELS: readonly AiModelFacts[] = [
  { id: "llama-3.1-8b-instruct", name: "Llama 3.1 8B Instruct", input: { USD: 0.0002, EUR: 0.0002, INR: 0.017 }, output: { USD: 0.0006, EUR: 0.0006, INR: 0.05 } },
  { id: "llama-3.3-70b-instruct", name: "Llama 3.3 70B Instruct", input: { USD: 0.0009, EUR: 0.0009, INR: 0.075 }, output: { USD: 0.0009, EUR: 0.0009, INR: 0.075 } },
  { id: "qwen2.5-coder-32b-instruct", name: "Qwen2.5 Coder 32B Instruct", input: { USD: 0.0008, EUR: 0.0008, INR: 0.067 }, output: { USD: 0.0008, EUR: 0.0008, INR: 0.067 } },
];

// ---------------------------------------------------------------------------------------------------
// Pricing payload (CONFIRMED shape, P-PRICE)
// ---------------------------------------------------------------------------------------------------

export function pricingData(auth: { authenticatedUser: string; authenticationType: string; timestamp: number }): PricingResponse["pricing_data"] {
  const volumePricing: Record<string, Record<string, { prices: Prices; unit: string }>> = {};
  for (const type of VOLUME_TYPES) {
    (volumePricing[volumeTypeTier(type)] ??= {})[type] = { prices: { ...VOLUME_PRICES[type] }, unit: VOLUME_PRICE_UNIT };
  }
  const gpuPricing: Record<string, Record<string, { prices: Prices; unit: string; max_count: number }>> = {};
  for (const m of GPU_MODELS) {
    (gpuPricing[m.tier] ??= {})[m.model] = { prices: { ...m.prices }, max_count: m.maxCount, unit: GPU_PRICE_UNIT };
  }
  return {
    volumes: {
      pricing: volumePricing,
      minimum_size_gb: MINIMUM_VOLUME_SIZE_GB,
      description: "Volume pricing by tier and volume type",
    },
    snapshots: {
      pricing: { legacy: { prices: { ...SNAPSHOT_PRICES }, fixed_size_gb: SNAPSHOT_FIXED_SIZE_GB, unit: SNAPSHOT_PRICE_UNIT } },
      description: "Snapshots are priced as a fixed 100GB per snapshot and are available in the legacy tier only",
    },
    gpus: {
      pricing: gpuPricing,
      description: "GPU pricing by tier and GPU model",
    },
    metadata: {
      supported_currencies: [...CURRENCIES],
      supported_tiers: [...TIERS],
      volume_minimum_size_gb: MINIMUM_VOLUME_SIZE_GB,
      authenticated_user: auth.authenticatedUser,
      authentication_type: auth.authenticationType,
      timestamp: auth.timestamp,
    },
  };
}
