import * as http from "node:http";
import * as https from "node:https";
/**
 * The typed Barrack API client. Routes, methods, body and response schemas all come from the contract
 * (`provider/contract.ts`); this file adds transport: auth, the shared limiter, retries (axios-retry with
 * the policy in `retry.ts`), response validation and error mapping.
 */
import axios, { AxiosError, type AxiosAdapter, type AxiosInstance, type AxiosResponse, type InternalAxiosRequestConfig } from "axios";
import axiosRetry from "axios-retry";
import {
  DEFAULT_BASE_URL,
  buildPath,
  operations,
  type BodyOf,
  type HttpMethod,
  type Operation,
  type OperationName,
  type PathParamsOf,
  type ResponseOf,
} from "../contract";
import {
  BarrackConnectionError,
  BarrackError,
  BarrackRateLimitError,
  BarrackResponseError,
  BarrackTimeoutError,
  errorClassForStatus,
  type OperationRef,
} from "./errors";
import { configureSharedLimiter, pauseSharedLimiter, scheduleShared, type LimiterSettings } from "./limiter";

/** One pair of keep-alive agents per process, shared like the limiter. */
const KEEP_ALIVE = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true }),
};
import { redact } from "./redact";
import { classifyFailure, isAmbiguousFailure, isRetryable, retryDelayMs, type Failure, type RetryTiming } from "./retry";
import { describeIssues } from "./validation";

export type AuthScheme = "bearer" | "x-api-key";
export type QueryParams = Record<string, string | number | boolean | undefined>;

export interface BarrackClientOptions {
  apiKey: string;
  /** Default `https://barrack.ai/api/`. Plain `http://` only to loopback (127.0.0.0/8, ::1, localhost). */
  baseUrl?: string;
  /** `bearer` (default): `Authorization: Bearer <key>`; `x-api-key`: `X-API-Key: <key>`. */
  authScheme?: AuthScheme;
  /** Per attempt. Default 30000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 4. */
  maxRetries?: number;
  /** First backoff delay; doubles per retry. Default 500. */
  retryBaseDelayMs?: number;
  /** Backoff cap. Default 30000. A server's `Retry-After` is honoured up to 60 s regardless. */
  retryMaxDelayMs?: number;
  /** Process-wide concurrency cap (shared by every client). Default 8 or `BARRACK_MAX_CONCURRENCY`. */
  maxConcurrency?: number;
  /** Process-wide minimum ms between request starts. Default 0 or `BARRACK_MIN_TIME_MS`. */
  minTimeMs?: number;
  userAgent?: string;
  /** Receives one redacted line per attempt and per retry decision. */
  logger?: (line: string) => void;
}

export interface CallArgs<N extends OperationName> {
  params?: PathParamsOf<N>;
  query?: QueryParams;
  body?: BodyOf<N>;
  /** Overrides `timeoutMs` for this call (per attempt). */
  timeoutMs?: number;
}

export interface ListAllArgs<N extends OperationName> {
  params?: PathParamsOf<N>;
  query?: QueryParams;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  maxRetries: 4,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
} as const;

/** The contract's maximum `limit`; listAll asks for full pages to make as few calls as possible. */
const LIST_PAGE_LIMIT = 100;
/** Guard against a server whose `total_pages` never ends. */
const LIST_MAX_PAGES = 10_000;

const AUTH_SCHEMES: readonly AuthScheme[] = ["bearer", "x-api-key"];

// Node's http adapter; each attempt is wrapped around it (limiter, logging).
const httpAdapter: AxiosAdapter = axios.getAdapter(axios.defaults.adapter);

/** Per-call state shared by the attempts of one `call`. */
interface CallContext extends OperationRef {
  requestPath: string;
  idempotent: boolean;
  timeoutMs: number;
  attempts: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  // WHATWG URL parsing has already normalised IPv4 forms such as "127.1" or "0x7f.0.0.1".
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Validates and normalises the base URL (trailing slash, so relative routes resolve beneath it). */
export function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`Barrack base URL "${raw}" is not a valid absolute URL (e.g. ${DEFAULT_BASE_URL})`);
  }
  if (url.username || url.password) {
    throw new Error("Barrack base URL must not contain credentials; pass the API key as apiKey");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`Barrack base URL must use https:// (got ${url.protocol}//${url.host})`);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new Error(
      `Refusing plain HTTP to ${url.host}: the API key would be sent unencrypted. ` +
        "Use https://, or http:// only to a loopback address (127.0.0.0/8, ::1, localhost).",
    );
  }
  if (url.search || url.hash) throw new Error("Barrack base URL must not have a query string or fragment");
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url.toString();
}

function positiveNumber(name: string, v: number | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min) throw new Error(`${name} must be a number >= ${min}, got ${String(v)}`);
  return v;
}

function compactQuery(query: QueryParams | undefined): Record<string, string | number | boolean> | undefined {
  if (!query) return undefined;
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(query)) if (v !== undefined) out[k] = v;
  return out;
}

/** request_id from a body (raw JSON text at adapter level, parsed later) or the `X-Request-Id` header. */
function requestIdOf(data: unknown, headers: unknown): string | undefined {
  let body = data;
  if (typeof body === "string" && body.length < 65_536) {
    try {
      body = JSON.parse(body);
    } catch {
      body = undefined;
    }
  }
  const fromBody = isRecord(body) ? str(body.request_id) : undefined;
  const fromHeader = isRecord(headers) ? str(headers["x-request-id"]) : undefined;
  return fromBody ?? fromHeader;
}

function describeFailure(f: Failure | undefined): string {
  if (!f) return "error";
  return f.kind === "status" ? String(f.status) : f.code;
}

/** The error axios makes for a status it rejects (as its `settle` does), for a 404 it let through. */
function statusError(response: AxiosResponse<unknown>): AxiosError {
  return new AxiosError(`Request failed with status code ${response.status}`, AxiosError.ERR_BAD_REQUEST, response.config, response.request, response);
}

function parseAuthScheme(raw: string, source: string): AuthScheme {
  const v = raw.trim().toLowerCase();
  if (v === "bearer" || v === "x-api-key") return v;
  throw new Error(`${source} must be one of ${AUTH_SCHEMES.join(", ")}, got "${raw}"`);
}

export class BarrackClient {
  /** Normalised base URL, always ending in `/`. */
  readonly baseUrl: string;
  readonly authScheme: AuthScheme;
  // Private (#) so the key and the axios instance (whose configs carry the header) stay out of
  // util.inspect/JSON output of the client.
  readonly #apiKey: string;
  readonly #http: AxiosInstance;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #timing: RetryTiming;
  readonly #logger?: (line: string) => void;

  constructor(options: BarrackClientOptions) {
    if (!isRecord(options)) throw new Error("BarrackClient needs an options object with apiKey");
    const apiKey = options.apiKey;
    if (typeof apiKey !== "string" || apiKey.trim() === "") {
      throw new Error("Barrack API key is empty: set apiKey (or BARRACK_API_KEY / the `barrack:apiKey` config key)");
    }
    // A control character would be rejected by Node's header check later with a less clear error.
    if (/[\u0000-\u001f\u007f]/.test(apiKey)) throw new Error("Barrack API key contains control characters (a stray newline?)");
    this.#apiKey = apiKey;
    this.baseUrl = normalizeBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
    this.authScheme = options.authScheme === undefined ? "bearer" : parseAuthScheme(options.authScheme, "authScheme");
    this.#timeoutMs = positiveNumber("timeoutMs", options.timeoutMs, DEFAULTS.timeoutMs, 1);
    const maxRetries = positiveNumber("maxRetries", options.maxRetries, DEFAULTS.maxRetries, 0);
    if (!Number.isInteger(maxRetries)) throw new Error(`maxRetries must be an integer, got ${maxRetries}`);
    this.#maxRetries = maxRetries;
    this.#timing = {
      baseDelayMs: positiveNumber("retryBaseDelayMs", options.retryBaseDelayMs, DEFAULTS.retryBaseDelayMs, 0),
      maxDelayMs: positiveNumber("retryMaxDelayMs", options.retryMaxDelayMs, DEFAULTS.retryMaxDelayMs, 0),
    };
    this.#logger = options.logger;

    const limiter: Partial<LimiterSettings> = {};
    if (options.maxConcurrency !== undefined) limiter.maxConcurrency = options.maxConcurrency;
    if (options.minTimeMs !== undefined) limiter.minTimeMs = options.minTimeMs;
    configureSharedLimiter(limiter); // also creates the limiter (reading env) on first use

    this.#http = axios.create({
      baseURL: this.baseUrl,
      // Reuse connections: a `pulumi up` makes many small calls (mostly status polls) to one host.
      httpAgent: KEEP_ALIVE.http,
      httpsAgent: KEEP_ALIVE.https,
      // Never follow redirects: the auth header could be forwarded to another host.
      maxRedirects: 0,
      // A 404 resolves, and call() throws it as BarrackNotFoundError: waiting for a deletion ends in one
      // per object, and each rejected request costs axios two stack traces (source-mapped, in a Pulumi
      // provider process). Never retried either way.
      validateStatus: (s) => (s >= 200 && s < 300) || s === 404,
      responseType: "json",
      transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: true },
      headers: {
        Accept: "application/json",
        "User-Agent": options.userAgent ?? `pulumi-barrack (node ${process.version})`,
      },
    });
    // Per-call settings (retry count, condition, delay) travel in each request's config.
    axiosRetry(this.#http, { retries: 0 });
  }

  /**
   * From env: BARRACK_API_KEY (required unless overridden), BARRACK_API_URL, BARRACK_AUTH_SCHEME;
   * overrides win. `env` is for tests.
   */
  static fromEnv(overrides: Partial<BarrackClientOptions> = {}, env: NodeJS.ProcessEnv = process.env): BarrackClient {
    const fromEnv: Partial<BarrackClientOptions> = {};
    const key = env.BARRACK_API_KEY?.trim();
    if (key) fromEnv.apiKey = key;
    const url = env.BARRACK_API_URL?.trim();
    if (url) fromEnv.baseUrl = url;
    const scheme = env.BARRACK_AUTH_SCHEME?.trim();
    if (scheme) fromEnv.authScheme = parseAuthScheme(scheme, "BARRACK_AUTH_SCHEME");
    const merged: Partial<BarrackClientOptions> = { ...fromEnv };
    for (const [k, v] of Object.entries(overrides) as [keyof BarrackClientOptions, unknown][]) {
      if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
    }
    if (!merged.apiKey) {
      throw new Error(
        "Barrack API key not found: set the BARRACK_API_KEY environment variable or the `barrack:apiKey` " +
          "Pulumi config key (pulumi config set --secret barrack:apiKey <key>).",
      );
    }
    return new BarrackClient({ ...merged, apiKey: merged.apiKey });
  }

  /** Calls one contract operation; the response is validated against the contract's schema. */
  async call<N extends OperationName>(name: N, args: CallArgs<N> = {}): Promise<ResponseOf<N>> {
    const op: Operation | undefined = operations[name];
    if (!op) throw new Error(`unknown Barrack operation "${String(name)}"`);
    const ctx: CallContext = {
      operation: name,
      method: op.method,
      path: op.path,
      requestPath: buildPath(op.path, args.params as Record<string, string> | undefined),
      idempotent: op.idempotent,
      timeoutMs: positiveNumber("timeoutMs", args.timeoutMs, this.#timeoutMs, 1),
      attempts: 0,
    };
    let response: AxiosResponse<unknown>;
    try {
      response = await this.#http.request<unknown>({
        method: op.method,
        url: ctx.requestPath,
        params: compactQuery(args.query),
        // Bodied methods always send JSON (`{}` when there is no body), never axios' form-urlencoded default.
        data: op.method === "POST" || op.method === "PUT" ? (args.body ?? {}) : undefined,
        headers: this.#requestHeaders(op.method),
        timeout: ctx.timeoutMs,
        adapter: (config) => this.#attempt(config, ctx),
        "axios-retry": {
          retries: this.#maxRetries,
          shouldResetTimeout: true,
          retryCondition: (err) => {
            const f = classifyFailure(err);
            return f !== undefined && isRetryable(f, ctx.idempotent);
          },
          retryDelay: (retryNumber, err) => {
            const f = classifyFailure(err) ?? { kind: "connection", code: "UNKNOWN" };
            const ms = retryDelayMs(retryNumber, f, this.#timing);
            this.#log(
              `barrack: retry ${ctx.method} ${ctx.requestPath} (${ctx.operation}) after ${describeFailure(f)} ` +
                `in ${ms}ms (attempt ${retryNumber + 1} of ${this.#maxRetries + 1})`,
            );
            return ms;
          },
        },
      });
    } catch (err) {
      throw this.#toError(err, ctx);
    }
    if (response.status === 404) throw this.#toError(statusError(response), ctx);
    return this.#parse(op, ctx, response) as ResponseOf<N>;
  }

  /**
   * Walks every page of a paginated list operation and returns all items under `key`
   * (e.g. listAll("listVolumes", "volumes", { query: { region } })).
   */
  async listAll<N extends OperationName, K extends keyof ResponseOf<N>>(
    name: N,
    key: K,
    args: ListAllArgs<N> = {},
  ): Promise<ResponseOf<N>[K]> {
    const op: Operation | undefined = operations[name];
    if (!op?.paginated) throw new Error(`listAll: "${String(name)}" is not a paginated list operation`);
    const limit = args.query?.limit ?? LIST_PAGE_LIMIT;
    const first = Number(args.query?.page ?? 1);
    const items: unknown[] = [];
    for (let page = first; page < first + LIST_MAX_PAGES; page++) {
      const res = await this.call(name, { params: args.params, query: { ...args.query, page, limit } });
      const chunk: unknown = res[key];
      if (!Array.isArray(chunk)) {
        throw new BarrackResponseError({
          operation: name, method: op.method, path: op.path,
          message: `${op.method} ${op.path}: response field "${String(key)}": expected array, got ${typeof chunk}`,
          issues: [{ path: String(key), message: "expected array" }],
        });
      }
      items.push(...chunk);
      const totalPages = (res as { total_pages?: unknown }).total_pages;
      if (chunk.length === 0 || typeof totalPages !== "number" || page >= totalPages) break;
    }
    return items as ResponseOf<N>[K];
  }

  #requestHeaders(method: HttpMethod): Record<string, string> {
    const headers: Record<string, string> =
      this.authScheme === "x-api-key" ? { "X-API-Key": this.#apiKey } : { Authorization: `Bearer ${this.#apiKey}` };
    if (method === "POST" || method === "PUT") headers["Content-Type"] = "application/json";
    return headers;
  }

  #log(line: string): void {
    if (!this.#logger) return;
    try {
      this.#logger(redact(line, [this.#apiKey]));
    } catch {
      // A failing logger must not fail the request.
    }
  }

  /** One HTTP attempt: waits for the shared limiter, sends, logs, and pauses everyone on a 429. */
  async #attempt(config: InternalAxiosRequestConfig, ctx: CallContext): Promise<AxiosResponse> {
    const attempt = ++ctx.attempts;
    const queuedAt = Date.now();
    let startedAt = queuedAt;
    // The request id is read from the raw body only for a log line: not at all without a logger.
    const line = (outcome: string, response: AxiosResponse | undefined) => {
      if (!this.#logger) return;
      const requestId = response ? requestIdOf(response.data, response.headers) : undefined;
      const now = Date.now();
      const queued = startedAt - queuedAt;
      this.#log(
        `barrack: ${ctx.method} ${ctx.requestPath} (${ctx.operation}) -> ${outcome} attempt=${attempt} ` +
          `duration=${now - startedAt}ms${queued >= 10 ? ` queued=${queued}ms` : ""}` +
          (requestId ? ` request_id=${requestId}` : ""),
      );
    };
    try {
      const res = await scheduleShared(() => {
        startedAt = Date.now();
        return httpAdapter(config);
      });
      line(String(res.status), res);
      return res;
    } catch (err) {
      const f = classifyFailure(err);
      if (f?.kind === "status" && f.status === 429 && f.retryAfterMs !== undefined) pauseSharedLimiter(f.retryAfterMs);
      line(describeFailure(f), axios.isAxiosError(err) ? err.response : undefined);
      throw err;
    }
  }

  #base(ctx: CallContext): OperationRef & { attempts: number } {
    return { operation: ctx.operation, method: ctx.method, path: ctx.path, requestPath: ctx.requestPath, attempts: ctx.attempts };
  }

  #suffix(ctx: CallContext, ambiguous: boolean): string {
    let s = ctx.attempts > 1 ? ` (after ${ctx.attempts} attempts)` : "";
    if (ambiguous) {
      s += `. The request may have been applied; it was not re-sent because ${ctx.operation} is not idempotent. ` +
        "Look the resource up before retrying.";
    }
    return s;
  }

  /** Maps whatever the request threw to a BarrackError holding only redacted, plain values. */
  #toError(err: unknown, ctx: CallContext): BarrackError {
    if (err instanceof BarrackError) return err;
    const secrets = [this.#apiKey];
    const prefix = `${ctx.method} ${ctx.path}`;
    const f = classifyFailure(err);
    const rawMessage = err instanceof Error ? err.message : String(err);
    if (!f) {
      return new BarrackError({ ...this.#base(ctx), message: redact(`${prefix}: ${rawMessage}`, secrets) });
    }
    const ambiguous = isAmbiguousFailure(f, ctx.idempotent);
    const suffix = this.#suffix(ctx, ambiguous);
    switch (f.kind) {
      case "timeout":
        return new BarrackTimeoutError({
          ...this.#base(ctx), code: f.code, ambiguous,
          message: redact(`${prefix}: timed out after ${ctx.timeoutMs}ms${suffix}`, secrets),
        });
      case "not_sent":
      case "connection":
      case "canceled":
        return new BarrackConnectionError({
          ...this.#base(ctx), code: f.code, ambiguous,
          message: redact(`${prefix}: connection failed (${rawMessage})${suffix}`, secrets),
        });
      case "status": {
        const response = axios.isAxiosError(err) ? err.response : undefined;
        const data: unknown = response?.data;
        const body = isRecord(data) ? data : undefined;
        const code = str(body?.error);
        const field = str(body?.field);
        const requestId = str(body?.request_id) ?? f.requestId;
        let detail = str(body?.message) ?? code;
        if (!detail && f.status >= 300 && f.status < 400) {
          const location = isRecord(response?.headers) ? str(response.headers["location"]) : undefined;
          detail = `unexpected redirect${location ? ` to ${location}` : ""} (redirects are not followed)`;
        }
        if (!detail && typeof data === "string" && data.trim()) detail = data.replace(/\s+/g, " ").trim().slice(0, 200);
        detail ??= response?.statusText || "no error message";
        const message =
          `${prefix}: HTTP ${f.status}${code ? ` ${code}` : ""}: ${detail}` +
          (field ? ` (field "${field}")` : "") +
          (requestId ? ` [request_id ${requestId}]` : "") +
          suffix;
        const init = {
          ...this.#base(ctx),
          status: f.status,
          code: code === undefined ? undefined : redact(code, secrets),
          field: field === undefined ? undefined : redact(field, secrets),
          requestId,
          ambiguous,
          message: redact(message, secrets),
        };
        if (f.status === 429) {
          const retryAfterSeconds = f.retryAfterMs === undefined ? undefined : f.retryAfterMs / 1000;
          return new BarrackRateLimitError({ ...init, retryAfterSeconds });
        }
        const Cls = errorClassForStatus(f.status);
        return new Cls(init);
      }
    }
  }

  /** Validates a 2xx body against the operation's schema (unknown fields are stripped, not errors). */
  #parse(op: Operation, ctx: CallContext, response: AxiosResponse<unknown>): unknown {
    const secrets = [this.#apiKey];
    const data = response.data;
    const prefix = `${op.method} ${op.path}`;
    const requestId = requestIdOf(data, response.headers);
    // The server answered 2xx, so a create DID happen; if we cannot read the answer the caller must
    // look the resource up, exactly as after an ambiguous failure.
    const ambiguous = !op.idempotent;
    const base = { ...this.#base(ctx), status: response.status, requestId, ambiguous };
    if (!isRecord(data)) {
      const contentType = isRecord(response.headers) ? str(response.headers["content-type"]) : undefined;
      return this.#throwResponse({
        ...base,
        message: `${prefix}: response is not a JSON object (HTTP ${response.status}, content-type ${contentType ?? "none"})`,
      }, secrets);
    }
    const parsed = op.response.safeParse(data);
    if (parsed.success) return parsed.data;
    if (data.success === false) {
      const detail = str(data.message) ?? str(data.error) ?? "success: false";
      return this.#throwResponse({
        ...base, code: str(data.error), field: str(data.field),
        message: `${prefix}: HTTP ${response.status} with an error body: ${detail}`,
      }, secrets);
    }
    const issues = describeIssues(parsed.error.issues, data);
    const [first] = issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more: ${issues.slice(1, 6).map((i) => i.path).join(", ")})` : "";
    return this.#throwResponse({
      ...base, issues,
      message: `${prefix}: response field "${first?.path}": ${first?.message}${more}`,
    }, secrets);
  }

  #throwResponse(init: ConstructorParameters<typeof BarrackResponseError>[0], secrets: string[]): never {
    throw new BarrackResponseError({
      ...init,
      message: redact(init.message, secrets),
      issues: init.issues?.map((i) => ({ path: i.path, message: redact(i.message, secrets) })),
    });
  }
}
