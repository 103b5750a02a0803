/** getVolumeTypes: volume types, where they exist, their size range and price. */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Region, Tier, VolumeType } from "../contract";
import { regionSchema } from "../resources/shared/schema";
import { DataOptions, InputArgs, dataClient, outputForm, parseArgs } from "./common";
import type { Prices } from "./gpuSpecs";

export interface GetVolumeTypesArgs {
  /** Only types offered in this region. */
  region?: Region;
}

export interface VolumeTypeInfo {
  volumeType: VolumeType;
  tier: Tier;
  regions: Region[];
  minSizeGb: number;
  maxSizeGb: number;
  bootable: boolean;
  /** Volumes of this type can be cloned and resized. */
  cloneResize: boolean;
  prices: Prices;
  /** What `prices` are per, verbatim from the API (e.g. "per TB per hour"). */
  unit: string;
}

export interface GetVolumeTypesResult {
  region?: Region;
  volumeTypes: VolumeTypeInfo[];
}

const argsSchema = z.strictObject({ region: regionSchema.optional() });

/** Volume types, e.g. `(await getVolumeTypes({ region: "FINLAND-1" })).volumeTypes.map((t) => t.volumeType)`. */
export async function getVolumeTypes(args: GetVolumeTypesArgs = {}, opts: DataOptions = {}): Promise<GetVolumeTypesResult> {
  const { region } = parseArgs("getVolumeTypes", argsSchema, args);
  const { volume_types } = await dataClient(opts).call("listVolumeTypes", { query: { region } });
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
        prices: { USD: t.prices.USD, EUR: t.prices.EUR, INR: t.prices.INR },
        unit: t.unit,
      })),
  };
}

/** {@link getVolumeTypes} as an Output, for args that are Outputs themselves. */
export function getVolumeTypesOutput(args?: InputArgs<GetVolumeTypesArgs>, opts?: DataOptions): pulumi.Output<GetVolumeTypesResult> {
  return outputForm(getVolumeTypes, args, opts);
}
