/**
 * Where credentials and the endpoint come from. In the provider process: stack config passed to the
 * dynamic provider's `configure()` (`barrack:apiKey` — set it with `--secret` — `barrack:endpoint`,
 * `barrack:authScheme`), else the environment (`BARRACK_API_KEY`, `BARRACK_API_URL`,
 * `BARRACK_AUTH_SCHEME`). Nothing here is ever captured into the serialized provider or state.
 */
import { BarrackClient } from "./client";
import { DEFAULT_BASE_URL } from "./contract";
import { nonBlank } from "./resources/shared/values";

export type AuthScheme = "bearer" | "x-api-key";

export interface ProviderSettings {
  apiKey?: string;
  endpoint?: string;
  authScheme?: string;
  /** The most the account may burn per hour after a plan, in its currency (text, as config holds it). */
  maxHourlySpend?: string;
}

/** Stack config keys, namespaced as Pulumi passes them to `configure()`. */
export const CONFIG_KEYS = {
  apiKey: "barrack:apiKey",
  endpoint: "barrack:endpoint",
  authScheme: "barrack:authScheme",
  maxHourlySpend: "barrack:maxHourlySpend",
} as const;

/** Every `barrack:*` setting of a stack's config, as `configure()` receives it. */
export function settingsFromConfig(config: { get(key: string): string | undefined }): ProviderSettings {
  return Object.fromEntries(Object.entries(CONFIG_KEYS).map(([setting, key]) => [setting, config.get(key)])) as ProviderSettings;
}

/** Retries after the first attempt, for the provider process's client. */
const PROVIDER_MAX_RETRIES = 6;

let configured: ProviderSettings = {};
let cached: { fingerprint: string; client: BarrackClient } | undefined;

/** Records stack config from `configure()`; blank values fall back to the environment. */
export function setProviderSettings(settings: ProviderSettings): void {
  configured = {
    apiKey: nonBlank(settings.apiKey),
    endpoint: nonBlank(settings.endpoint),
    authScheme: nonBlank(settings.authScheme),
    maxHourlySpend: nonBlank(settings.maxHourlySpend),
  };
}

/**
 * `barrack:maxHourlySpend` (else BARRACK_MAX_HOURLY_SPEND) as a number; undefined when unset. Throws,
 * saying what is wanted, when it is not a non-negative number.
 */
export function maxHourlySpend(): number | undefined {
  const text = configured.maxHourlySpend ?? nonBlank(process.env.BARRACK_MAX_HOURLY_SPEND);
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  if (!Number.isFinite(value) || value < 0 || text.trim() === "") {
    throw new Error(`barrack:maxHourlySpend must be a number of the account's currency per hour, such as 25, not "${text.slice(0, 40)}"`);
  }
  return value;
}

export function resolveSettings(overrides: ProviderSettings = {}): { apiKey: string; baseUrl: string; authScheme: AuthScheme } {
  const apiKey = nonBlank(overrides.apiKey) ?? configured.apiKey ?? nonBlank(process.env.BARRACK_API_KEY);
  if (!apiKey) {
    throw new Error(
      "No Barrack API key: set it with `pulumi config set barrack:apiKey --secret <key>` or the BARRACK_API_KEY environment variable",
    );
  }
  const baseUrl = nonBlank(overrides.endpoint) ?? configured.endpoint ?? nonBlank(process.env.BARRACK_API_URL) ?? DEFAULT_BASE_URL;
  const scheme = nonBlank(overrides.authScheme) ?? configured.authScheme ?? nonBlank(process.env.BARRACK_AUTH_SCHEME) ?? "bearer";
  if (scheme !== "bearer" && scheme !== "x-api-key") {
    throw new Error(`barrack:authScheme must be "bearer" or "x-api-key", not "${scheme}"`);
  }
  return { apiKey, baseUrl, authScheme: scheme };
}

/** One client per process and settings: every resource of a `pulumi up` shares it (and its limiter). */
export function sharedClient(overrides: ProviderSettings = {}): BarrackClient {
  const settings = resolveSettings(overrides);
  const fingerprint = `${settings.baseUrl}\u0000${settings.authScheme}\u0000${settings.apiKey}`;
  if (!cached || cached.fingerprint !== fingerprint) {
    // More retries than the client's default: one failed call fails a whole `pulumi up` or `destroy`, and
    // a deployment makes hundreds (at 20 % faults, 7 attempts fail 1 call in 78 000).
    cached = { fingerprint, client: new BarrackClient({ ...settings, userAgent: "pulumi-barrack", maxRetries: PROVIDER_MAX_RETRIES }) };
  }
  return cached.client;
}

/** True when credentials are available (preview-time lookups are skipped without them). */
export function hasCredentials(): boolean {
  return Boolean(configured.apiKey ?? nonBlank(process.env.BARRACK_API_KEY));
}

