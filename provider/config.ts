/**
 * Where credentials and the endpoint come from. In the provider process: stack config passed to the
 * dynamic provider's `configure()` (`barrack:apiKey` — set it with `--secret` — `barrack:endpoint`,
 * `barrack:authScheme`), else the environment (`BARRACK_API_KEY`, `BARRACK_API_URL`,
 * `BARRACK_AUTH_SCHEME`). Nothing here is ever captured into the serialized provider or state.
 */
import { BarrackClient } from "./client";
import { normalizeBaseUrl } from "./client/client";
import { DEFAULT_BASE_URL } from "./contract";
import { nonBlank } from "./engine/values";

export type AuthScheme = "bearer" | "x-api-key";

export interface ProviderSettings {
  apiKey?: string;
  endpoint?: string;
  authScheme?: string;
  /** The most the account may burn per hour after a plan, in its currency (text, as config holds it). */
  maxHourlySpend?: string;
}

/**
 * Every provider setting, once: its stack config key (`barrack:<name>`, and the explicit provider's input
 * of that name), environment variable, default and meaning. The plugin's schema (and so each SDK's
 * documentation) is generated from this list.
 */
export const PROVIDER_SETTINGS = [
  { name: "apiKey", environment: "BARRACK_API_KEY", type: "string", secret: true, description: "API key from the Barrack dashboard (required). Set it with `pulumi config set barrack:apiKey --secret <key>`." },
  { name: "endpoint", environment: "BARRACK_API_URL", type: "string", default: DEFAULT_BASE_URL, description: "API base URL (plain HTTP only to a loopback address, e.g. the emulator)." },
  { name: "authScheme", environment: "BARRACK_AUTH_SCHEME", type: "string", default: "bearer", description: "How the key is sent: `bearer` (`Authorization: Bearer`) or `x-api-key` (`X-API-Key`); `barrack doctor` says which the API wants." },
  { name: "maxHourlySpend", environment: "BARRACK_MAX_HOURLY_SPEND", type: "number", description: "Ceiling on the account's hourly burn after a plan, in its currency: a preview whose plan would pass it fails, naming the resources that cost the most." },
] as const satisfies readonly { name: keyof ProviderSettings; environment: string; type: "string" | "number"; secret?: boolean; default?: string; description: string }[];

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

/** The endpoint this process's provider was configured with (not the environment's): which provider it is. */
export function configuredEndpoint(): string | undefined {
  return configured.endpoint;
}

/**
 * `barrack:maxHourlySpend` (else BARRACK_MAX_HOURLY_SPEND) as a number; undefined when unset. Throws,
 * saying what is wanted, when it is not a non-negative number.
 */
export function maxHourlySpend(): number | undefined {
  const text = configured.maxHourlySpend ?? nonBlank(process.env.BARRACK_MAX_HOURLY_SPEND);
  return text === undefined ? undefined : spendLimit(text);
}

function spendLimit(text: string): number {
  const value = Number(text.trim());
  if (!Number.isFinite(value) || value < 0 || text.trim() === "") {
    throw new Error(`barrack:maxHourlySpend must be a number of the account's currency per hour, such as 25, not "${text.slice(0, 40)}"`);
  }
  return value;
}

function authSchemeOf(text: string): AuthScheme {
  if (text !== "bearer" && text !== "x-api-key") throw new Error(`barrack:authScheme must be "bearer" or "x-api-key", not "${text.slice(0, 40)}"`);
  return text;
}

export function resolveSettings(overrides: ProviderSettings = {}): { apiKey: string; baseUrl: string; authScheme: AuthScheme } {
  const apiKey = nonBlank(overrides.apiKey) ?? configured.apiKey ?? nonBlank(process.env.BARRACK_API_KEY);
  if (!apiKey) {
    throw new Error(
      "No Barrack API key: set it with `pulumi config set barrack:apiKey --secret <key>` or the BARRACK_API_KEY environment variable",
    );
  }
  const baseUrl = nonBlank(overrides.endpoint) ?? configured.endpoint ?? nonBlank(process.env.BARRACK_API_URL) ?? DEFAULT_BASE_URL;
  const scheme = authSchemeOf(nonBlank(overrides.authScheme) ?? configured.authScheme ?? nonBlank(process.env.BARRACK_AUTH_SCHEME) ?? "bearer");
  return { apiKey, baseUrl, authScheme: scheme };
}

/**
 * What is wrong with a provider's own settings (the plugin's CheckConfig: a `barrack.Provider`'s
 * arguments, or the stack's `barrack:*` config), each naming the setting, never echoing the key. The
 * rules are the ones `resolveSettings`, `maxHourlySpend` and the client apply when the settings are used.
 */
export function checkSettings(settings: ProviderSettings): { property: string; reason: string }[] {
  const failures: { property: string; reason: string }[] = [];
  const attempt = (property: string, rule: () => unknown) => {
    try {
      rule();
    } catch (error) {
      failures.push({ property, reason: (error as Error).message });
    }
  };
  const scheme = nonBlank(settings.authScheme);
  if (scheme !== undefined) attempt("authScheme", () => authSchemeOf(scheme));
  const endpoint = nonBlank(settings.endpoint);
  if (endpoint !== undefined) attempt("endpoint", () => normalizeBaseUrl(endpoint.slice(0, 2048)));
  const limit = nonBlank(settings.maxHourlySpend);
  if (limit !== undefined) attempt("maxHourlySpend", () => spendLimit(limit));
  return failures;
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

