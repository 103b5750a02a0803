/**
 * Data functions: catalogue and account lookups for Pulumi programs, each as `getX(args?, opts?)`
 * (a Promise) and `getXOutput(args?, opts?)` (an Output whose args may be Outputs). They run in the
 * program process: credentials come from `barrack:apiKey` / `barrack:endpoint` stack config, then
 * BARRACK_API_KEY / BARRACK_API_URL; `opts` may override both.
 */
export { type DataOptions, type InputArgs } from "./common";
export { getBalance, getBalanceOutput, type GetBalanceResult } from "./balance";
export { getGpuSpecs, getGpuSpecsOutput, type GetGpuSpecsArgs, type GetGpuSpecsResult, type GpuFlavor, type GpuSpecInfo, type Prices } from "./gpuSpecs";
export { getGpuStock, getGpuStockOutput, type GetGpuStockArgs, type GetGpuStockResult, type GpuStockInfo } from "./gpuStock";
export { getOsImages, getOsImagesOutput, type GetOsImagesArgs, type GetOsImagesResult, type OsImageInfo } from "./osImages";
export {
  PRICED_RESOURCE_TYPES,
  getPricing,
  getPricingOutput,
  type GetPricingArgs,
  type GetPricingResult,
  type GpuPrice,
  type PricedResourceType,
  type SnapshotPrice,
  type VolumePrice,
} from "./pricing";
export { getRegions, getRegionsOutput, type GetRegionsArgs, type GetRegionsResult, type RegionInfo } from "./regions";
export { getVolumeTypes, getVolumeTypesOutput, type GetVolumeTypesArgs, type GetVolumeTypesResult, type VolumeTypeInfo } from "./volumeTypes";
