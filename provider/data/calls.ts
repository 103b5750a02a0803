/**
 * The data functions as a Pulumi program calls them: the client comes from the call's options, then the
 * stack's config, then the environment. The public modules next to this one require it on a data
 * function's first call, so a program that declares resources only never loads zod, the contract or the
 * HTTP client. The implementations are ./lookups.ts, which the plugin serves too.
 */
import * as pulumi from "@pulumi/pulumi";
import type { BarrackClient } from "../client";
import { CONFIG_KEYS, sharedClient } from "../config";
import type { DataOptions } from "./common";
import { LOOKUPS, type LookupName } from "./lookups";

export { gpuSpecsArgsSchema, gpuStockArgsSchema, osImagesArgsSchema, pricingArgsSchema, regionsArgsSchema, volumeTypesArgsSchema } from "./lookups";

/** The shared client for a data call: options, then stack config, then the environment. */
export function dataClient(opts: DataOptions = {}): BarrackClient {
  return sharedClient({
    apiKey: opts.apiKey ?? stackConfig(CONFIG_KEYS.apiKey),
    endpoint: opts.endpoint ?? stackConfig(CONFIG_KEYS.endpoint),
    authScheme: stackConfig(CONFIG_KEYS.authScheme),
  });
}

/**
 * A stack config value as plain text. `pulumi.runtime.getConfig` reads it without marking it secret
 * (so results derived from it stay plain) and without a warning; outside a program it is undefined.
 */
function stackConfig(key: string): string | undefined {
  const value = pulumi.runtime.getConfig(key);
  return value !== undefined && value.trim() !== "" ? value : undefined;
}

type Lookups = typeof LOOKUPS;
/** `getRegions(args, opts)` and the others: the lookup with the program's client. */
function withProgramClient<N extends LookupName>(name: N) {
  return (args: Parameters<Lookups[N]>[0], opts: DataOptions): ReturnType<Lookups[N]> =>
    (LOOKUPS[name] as (a: unknown, c: BarrackClient) => ReturnType<Lookups[N]>)(args, dataClient(opts));
}

export const getBalance = withProgramClient("getBalance");
export const getGpuSpecs = withProgramClient("getGpuSpecs");
export const getGpuStock = withProgramClient("getGpuStock");
export const getOsImages = withProgramClient("getOsImages");
export const getPricing = withProgramClient("getPricing");
export const getRegions = withProgramClient("getRegions");
export const getVolumeTypes = withProgramClient("getVolumeTypes");
