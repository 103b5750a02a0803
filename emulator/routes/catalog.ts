/** Account and catalogue: balance, GPU stock and specs, regions, pricing, OS images, volume types. */
import { REGIONS, VOLUME_TYPES, pricingRequestSchema, type Region } from "../../provider/contract";
import { TIER_CAPABILITIES, VOLUME_SIZE_GB, capabilitiesOf, tierOf } from "../../provider/platform";
import {
  GPU_MODELS,
  OS_IMAGES,
  REGION_LOCATIONS,
  VOLUME_PRICES,
  VOLUME_PRICE_UNIT,
  flavorFor,
  gpuCountsFor,
  gpuModel,
  gpuRegions,
  pricingData,
  regionsOfTier,
  volumeTypeTier,
} from "../catalog";
import { badRequest, parseOrThrow } from "../errors";
import type { Ctx, Handlers, Query } from "./common";
import { queryRegion, queryValue } from "./common";

function queryGpuModel(query: Query): string | undefined {
  const model = queryValue(query, "gpu_model");
  if (model !== undefined && !gpuModel(model)) {
    badRequest("gpu_model", `gpu_model must be one of ${GPU_MODELS.map((m) => m.model).join(", ")} (got ${JSON.stringify(model)})`);
  }
  return model;
}

/**
 * Pricing filters come as query parameters and/or a JSON body (the confirmed sample sends both). They are
 * validated, but the answer is always the whole table: the confirmed example answers a `resource_type:
 * "volumes"` request with volumes, snapshots and GPUs alike.
 */
function pricing(ctx: Ctx<"getPricing"> | Ctx<"queryPricing">): ReturnType<Handlers["getPricing"]> {
  const fromQuery: Record<string, unknown> = {};
  for (const name of Object.keys(pricingRequestSchema.shape)) {
    const v = queryValue(ctx.query, name);
    if (v === undefined) continue;
    fromQuery[name] = /^-?\d+(\.\d+)?$/.test(v) && (name === "volume_size_gb" || name === "gpu_count") ? Number(v) : v;
  }
  parseOrThrow(pricingRequestSchema, fromQuery, "query");
  const body = ctx.body ?? {};
  const filters = { ...fromQuery, ...body } as { volume_size_gb?: number; gpu_count?: number };
  if (filters.volume_size_gb !== undefined && filters.volume_size_gb < 0) badRequest("volume_size_gb", "volume_size_gb must be a non-negative integer");
  if (filters.gpu_count !== undefined && filters.gpu_count < 0) badRequest("gpu_count", "gpu_count must be a non-negative integer");
  return {
    message: "Pricing information retrieved successfully",
    data: {
      pricing_data: pricingData({
        authenticatedUser: ctx.authenticated ? "api_key_user" : "anonymous",
        authenticationType: ctx.authenticated ? "api_key" : "none",
        timestamp: Math.floor(ctx.store.now() / 1000),
      }),
    },
  };
}

export const catalogHandlers = {
  getBalance: ({ store }) => ({ message: "Balance retrieved successfully", data: { balance: store.balanceWire() } }),

  listGpuStocks: ({ store, query }) => {
    const region = queryRegion(query);
    const model = queryGpuModel(query);
    const stocks = [];
    for (const m of GPU_MODELS) {
      if (model !== undefined && m.model !== model) continue;
      for (const r of gpuRegions(m)) {
        if (region !== undefined && r !== region) continue;
        const available = store.available(r, m.model);
        const configurations: Record<string, number> = {};
        for (const c of gpuCountsFor(m)) configurations[`${c}x`] = Math.floor(available / c);
        stocks.push({ region: r, gpu_model: m.model, available_gpus: available, configurations });
      }
    }
    return { message: "GPU stock retrieved successfully", data: { stocks } };
  },

  listGpuSpecs: ({ query }) => {
    const region = queryRegion(query);
    const model = queryGpuModel(query);
    const specs = GPU_MODELS.filter((m) => (model === undefined || m.model === model) && (region === undefined || gpuRegions(m).includes(region))).map((m) => ({
      gpu_model: m.model,
      tier: m.tier,
      regions: gpuRegions(m),
      vram_gb: m.vramGb,
      max_count: m.maxCount,
      gpu_counts: gpuCountsFor(m),
      flavors: gpuCountsFor(m).map((c) => ({ gpu_count: c, ...flavorFor(m, c) })),
      prices: { ...m.prices },
    }));
    return { message: "GPU specifications retrieved successfully", data: { specs } };
  },

  listRegions: ({ query }) => {
    const only = queryRegion(query);
    const regions = REGIONS.filter((r) => only === undefined || r === only).map((name: Region) => {
      const caps = capabilitiesOf(name);
      return {
        name, tier: tierOf(name), location: REGION_LOCATIONS[name], volume_types: [...caps.volumeTypes],
        bootable_volumes: caps.bootableVolumes, volume_clone_resize: caps.volumeCloneResize, snapshots: caps.snapshots,
      };
    });
    return { message: "Regions retrieved successfully", data: { regions } };
  },

  getPricing: (ctx) => pricing(ctx),
  queryPricing: (ctx) => pricing(ctx),

  listOsImages: ({ query }) => {
    const region = queryRegion(query);
    const images = OS_IMAGES.flatMap((i) => i.regions.filter((r) => region === undefined || r === region).map((r) => ({
      id: i.id, name: i.name, region: r, type: i.type, version: i.version, size_gb: i.sizeGb,
    })));
    return { message: "OS images retrieved successfully", data: { images } };
  },

  listVolumeTypes: ({ query }) => {
    const region = queryRegion(query);
    const volume_types = VOLUME_TYPES
      .filter((type) => region === undefined || capabilitiesOf(region).volumeTypes.includes(type))
      .map((type) => {
        const tier = volumeTypeTier(type);
        return {
          volume_type: type,
          tier,
          regions: regionsOfTier(tier),
          min_size_gb: VOLUME_SIZE_GB[type].min,
          max_size_gb: VOLUME_SIZE_GB[type].max,
          bootable: TIER_CAPABILITIES[tier].bootableVolumes,
          clone_resize: TIER_CAPABILITIES[tier].volumeCloneResize,
          prices: { ...VOLUME_PRICES[type] },
          unit: VOLUME_PRICE_UNIT,
        };
      });
    return { message: "Volume types retrieved successfully", data: { volume_types } };
  },
} satisfies Partial<Handlers>;
