/**
 * The HTTP face of the emulator: a fastify app serving every operation of the contract under /api/, plus
 * the admin routes under /_emulator/.
 *
 * Request pipeline for /api/: count → rate limit → faults (latency, drop, status) → auth → lazy
 * transitions → body validation (contract zod schema) → handler → persist (non-GET) → commitThenFail /
 * commitThenDrop → answer. Everything that fails becomes the contract's error body; nothing a client
 * sends is a 500.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { z } from "zod";
import {
  CURRENCIES,
  REGIONS,
  operations,
  type Currency,
  type Firewall,
  type Image,
  type Instance,
  type OperationName,
  type Balance,
  type Script,
  type Snapshot,
  type SshKey,
  type Volume,
} from "../provider/contract";
import { tierOf } from "../provider/platform";
import { gpuModel } from "./catalog";
import { ApiError, parseOrThrow } from "./errors";
import { FaultInjector, RateLimiter, faultConfigSchema, rateLimitSchema, scriptedFaultSchema, type FaultConfig, type RateLimit, type ScriptedFault } from "./faults";
import { aiHandlers } from "./routes/ai";
import { billingHandlers } from "./routes/billing";
import { catalogHandlers } from "./routes/catalog";
import type { Ctx, Handlers, Query, Reply } from "./routes/common";
import { firewallHandlers } from "./routes/firewalls";
import { instanceHandlers } from "./routes/instances";
import { scriptHandlers } from "./routes/scripts";
import { snapshotHandlers } from "./routes/snapshots";
import { sshKeyHandlers } from "./routes/sshKeys";
import { volumeHandlers } from "./routes/volumes";
import { Clock, DEFAULT_DELAYS, Store, type Delays } from "./store";
import { SshBanners, loopbackAddresses, type SshBannerOptions } from "./sshBanner";
import { installVariants, type EmulatorVariants } from "./variants";

export interface EmulatorOptions {
  /** 0 = random; the CLI defaults to 8787, `startEmulator` to 0. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Default "barrack-emulator-key". */
  apiKey?: string;
  /** Which auth header is accepted: both (default), only `Authorization: Bearer`, or only `X-API-Key`. */
  authScheme?: "any" | "bearer" | "x-api-key";
  /** Simulated seconds per real second is 1 / timeScale (0.001 makes "~30 s" take 30 ms). Default 1. */
  timeScale?: number;
  /** Persist all state here (atomically, before each mutating answer) and load it on start. */
  stateFile?: string;
  faults?: FaultConfig;
  rateLimit?: { requests: number; windowMs: number };
  /** Default 1000. */
  balance?: number;
  /** Default "USD". */
  currency?: "USD" | "EUR" | "INR";
  /** Default true. */
  profileComplete?: boolean;
  /** region → GPU model → GPUs available (overrides the default of 16 per model and region). */
  gpuStock?: Record<string, Record<string, number>>;
  /** Log requests (fastify/pino) to stdout. */
  log?: boolean;
  /** Additive: durations of asynchronous steps in simulated seconds (see DEFAULT_DELAYS). */
  delays?: Partial<Delays>;
  /** Additive: loopback instance addresses with an SSH banner on port 22 of each, after a boot delay (emulator/sshBanner.ts). */
  sshBanner?: SshBannerOptions;
  /** Additive: deliberate departures from the contract, for testing endpoint checks (emulator/variants.ts). */
  variants?: EmulatorVariants;
}

export interface Inventory {
  instances: Instance[];
  volumes: Volume[];
  firewalls: Firewall[];
  snapshots: Snapshot[];
  images: Image[];
  sshKeys: SshKey[];
  scripts: Script[];
  balance: Balance;
  /** Current total hourly burn in the account currency. */
  costPerHour: number;
}

export const DEFAULT_API_KEY = "barrack-emulator-key";

/** Operations callable without a key (INFERRED: the pricing sample sends no auth header). */
const PUBLIC_OPERATIONS = new Set<OperationName>(["getPricing", "queryPricing"]);

const handlers: Handlers = {
  ...catalogHandlers, ...instanceHandlers, ...volumeHandlers, ...firewallHandlers, ...sshKeyHandlers,
  ...scriptHandlers, ...snapshotHandlers, ...billingHandlers, ...aiHandlers,
};

/** A request body that is not JSON; reported as a 400 after auth, not by the parser. */
class MalformedBody {
  constructor(readonly reason: string) {}
}

const configSchema = z.object({
  timeScale: z.number().positive().optional(),
  rateLimit: rateLimitSchema.nullable().optional(),
  balance: z.number().optional(),
  profileComplete: z.boolean().optional(),
  gpuStock: z.record(z.string(), z.record(z.string(), z.number().int().min(0))).optional(),
}).strict();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const requestId = (): string => randomBytes(4).toString("hex");

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class EmulatorServer {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly faults: FaultInjector;
  readonly limiter: RateLimiter;
  /** Set with the `sshBanner` option. */
  readonly sshBanners?: SshBanners;
  private counts: Record<string, number> = {};
  readonly apiKey: string;
  private readonly authScheme: "any" | "bearer" | "x-api-key";

  constructor(private readonly options: EmulatorOptions = {}) {
    this.apiKey = options.apiKey ?? DEFAULT_API_KEY;
    this.authScheme = options.authScheme ?? "any";
    const timeScale = options.timeScale ?? 1;
    if (!(timeScale > 0)) throw new Error(`timeScale must be a positive number (got ${timeScale})`);
    const currency: Currency = options.currency ?? "USD";
    if (!CURRENCIES.includes(currency)) throw new Error(`currency must be one of ${CURRENCIES.join(", ")}`);
    for (const [region, models] of Object.entries(options.gpuStock ?? {})) {
      for (const [model, gpus] of Object.entries(models)) checkStock(region, model, gpus);
    }
    this.store = new Store(
      { balance: options.balance ?? 1000, currency, profileComplete: options.profileComplete ?? true, gpuStock: options.gpuStock },
      { ...DEFAULT_DELAYS, ...options.delays },
      new Clock(timeScale),
      options.stateFile,
    );
    this.store.load();
    this.faults = new FaultInjector(parseOrThrowPlain(faultConfigSchema, options.faults ?? {}, "faults"));
    this.limiter = new RateLimiter(options.rateLimit ? parseOrThrowPlain(rateLimitSchema, options.rateLimit, "rateLimit") : null);
    if (options.sshBanner) {
      this.sshBanners = new SshBanners(options.sshBanner);
      this.store.addressFor = loopbackAddresses();
    }
    this.app = this.buildApp();
  }

  // -- programmatic controls ----------------------------------------------------------------------

  counters(): Record<string, number> {
    return { ...this.counts };
  }
  resetCounters(): void {
    this.counts = {};
  }

  /** Back to the initial state: objects, balance, stock, counters, faults (time scale and rate limit stay). */
  reset(): Promise<void> {
    this.store.reset();
    this.sshBanners?.sync(this.store.state.instances);
    this.counts = {};
    this.faults.clear(this.options.faults ?? {});
    this.limiter.reset();
    return this.store.persist();
  }

  setGpuStock(region: string, model: string, gpus: number): Promise<void> {
    checkStock(region, model, gpus);
    this.store.tick();
    (this.store.state.stock[region] ??= {})[model] = gpus;
    return this.store.persist();
  }

  inventory(): Inventory {
    const s = this.store;
    s.tick();
    return {
      instances: Object.values(s.state.instances).map((r) => s.instanceWire(r)),
      volumes: Object.values(s.state.volumes).map((r) => s.volumeWire(r)),
      firewalls: Object.values(s.state.firewalls).map((r) => s.firewallWire(r)),
      snapshots: Object.values(s.state.snapshots).map((r) => s.snapshotWire(r)),
      images: Object.values(s.state.images).map((r) => s.imageWire(r)),
      sshKeys: Object.values(s.state.sshKeys).map((r) => s.sshKeyWire(r)),
      scripts: Object.values(s.state.scripts).map((r) => s.scriptWire(r)),
      balance: s.balanceWire(),
      costPerHour: s.costPerHour(),
    };
  }

  injectFault(f: ScriptedFault): void {
    this.faults.inject(parseOrThrowPlain(scriptedFaultSchema, f, "fault") as ScriptedFault);
  }

  setFaults(f: FaultConfig): void {
    this.faults.setConfig(parseOrThrowPlain(faultConfigSchema, f, "faults"));
  }

  setTimeScale(scale: number): void {
    if (!(scale > 0)) throw new Error(`timeScale must be a positive number (got ${scale})`);
    // Bring billing and transitions up to date at the old rate first.
    this.store.tick();
    this.store.clock.setTimeScale(scale);
  }

  /** Applies `POST /_emulator/config` fields. */
  async configure(body: z.infer<typeof configSchema>): Promise<void> {
    if (body.gpuStock) {
      for (const [region, models] of Object.entries(body.gpuStock)) {
        for (const [model, gpus] of Object.entries(models)) checkStock(region, model, gpus, "gpuStock");
      }
    }
    this.store.tick();
    if (body.timeScale !== undefined) this.setTimeScale(body.timeScale);
    if (body.rateLimit !== undefined) this.limiter.set(body.rateLimit);
    if (body.balance !== undefined) this.store.state.balance = body.balance;
    if (body.profileComplete !== undefined) this.store.state.profileComplete = body.profileComplete;
    for (const [region, models] of Object.entries(body.gpuStock ?? {})) {
      for (const [model, gpus] of Object.entries(models)) (this.store.state.stock[region] ??= {})[model] = gpus;
    }
    await this.store.persist();
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.sshBanners?.close();
    await this.store.flush();
  }

  // -- the app ------------------------------------------------------------------------------------

  private buildApp(): FastifyInstance {
    const app = Fastify({
      logger: this.options.log ? { level: "info" } : false,
      routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
      exposeHeadRoutes: false,
      bodyLimit: 1024 * 1024,
    });
    installVariants(app, this.options.variants);

    // Every body is read as text and parsed here, so malformed JSON is our 400 (after auth), whatever
    // the content type says.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "string" }, (_req, text, done) => {
      const raw = typeof text === "string" ? text : text.toString("utf8");
      if (raw.trim() === "") return done(null, undefined);
      try {
        done(null, JSON.parse(raw));
      } catch (e) {
        done(null, new MalformedBody((e as Error).message));
      }
    });

    for (const name of Object.keys(operations) as OperationName[]) {
      const op = operations[name];
      app.route({
        method: op.method,
        url: `/api/${op.path.replace(/\{(\w+)\}/g, ":$1")}`,
        handler: (req, reply) => this.serve(name, req, reply),
      });
    }
    this.adminRoutes(app);

    app.setNotFoundHandler((req, reply) => {
      const known = req.url.startsWith("/api/") ? "; routes are listed in provider/contract.ts (operations)" : "; the API lives under /api/";
      this.sendError(reply, new ApiError(404, `no route ${req.method} ${req.url.split("?")[0]}${known}`), requestId());
    });
    app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) req.log.error(err);
      const message = status === 413 ? "request body is too large (the limit is 1 MB)"
        : status === 415 ? "unsupported Content-Type: send the body as application/json"
        : status === 500 ? "internal emulator error" : err.message;
      this.sendError(reply, new ApiError(status, message, status < 500 ? "body" : undefined, status === 413 ? { code: "payload_too_large" } : {}), requestId());
    });
    return app;
  }

  private authenticate(req: FastifyRequest): { ok: boolean; reason: string } {
    const authz = req.headers.authorization;
    const xKey = req.headers["x-api-key"];
    const bearer = typeof authz === "string" ? /^Bearer\s+(.+)$/i.exec(authz.trim())?.[1] : undefined;
    const headerKey = typeof xKey === "string" ? xKey.trim() : undefined;
    const candidates: string[] = [];
    if (this.authScheme !== "x-api-key" && bearer !== undefined) candidates.push(bearer);
    if (this.authScheme !== "bearer" && headerKey !== undefined) candidates.push(headerKey);
    if (candidates.some((k) => safeEqual(k, this.apiKey))) return { ok: true, reason: "" };
    const how = this.authScheme === "bearer" ? "an Authorization: Bearer <key> header"
      : this.authScheme === "x-api-key" ? "an X-API-Key: <key> header"
      : "an Authorization: Bearer <key> or X-API-Key: <key> header";
    return { ok: false, reason: candidates.length === 0 ? `missing API key: send ${how}` : `invalid API key: send a valid key in ${how}` };
  }

  private requireAuth(req: FastifyRequest): void {
    const auth = this.authenticate(req);
    if (!auth.ok) throw new ApiError(401, auth.reason);
  }

  private async serve(name: OperationName, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const op = operations[name];
    const id = requestId();
    const key = `${op.method} ${op.path}`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
    try {
      const wait = this.limiter.take();
      if (wait !== null) {
        const l = this.limiter.current as RateLimit;
        throw new ApiError(429, `rate limit exceeded (${l.requests} requests per ${l.windowMs / 1000}s); retry after ${wait}s`, undefined, { retryAfterSeconds: wait });
      }
      const fault = this.faults.decide(op.method, op.path, req.url);
      if (fault.latencyMs > 0) await sleep(fault.latencyMs);
      if (fault.drop) return dropConnection(req, reply);
      if (fault.failStatus !== undefined) {
        throw new ApiError(fault.failStatus, `injected fault: answered ${fault.failStatus} without applying the request`, undefined, { retryAfterSeconds: fault.retryAfterSeconds });
      }
      const auth = this.authenticate(req);
      if (!auth.ok && !PUBLIC_OPERATIONS.has(name)) throw new ApiError(401, auth.reason);

      this.store.tick();
      this.sshBanners?.sync(this.store.state.instances);
      if (req.body instanceof MalformedBody) throw new ApiError(400, `request body is not valid JSON (${req.body.reason})`, "body");
      const body = op.body ? parseOrThrow(op.body, req.body) : undefined;
      const ctx = { params: (req.params ?? {}) as Record<string, string>, query: (req.query ?? {}) as Query, body, store: this.store, authenticated: auth.ok };
      const handler = handlers[name] as unknown as (c: Ctx<OperationName>) => Reply<OperationName>;
      const result = handler(ctx as Ctx<OperationName>);
      this.sshBanners?.sync(this.store.state.instances);
      // Persist before answering, so an acknowledged change survives even kill -9.
      if (op.method !== "GET") await this.store.persist();
      if (fault.commitThenDrop) return dropConnection(req, reply);
      if (fault.commitThenFailStatus !== undefined) {
        throw new ApiError(fault.commitThenFailStatus, `injected fault: the request was applied but answered ${fault.commitThenFailStatus}`, undefined, { retryAfterSeconds: fault.retryAfterSeconds });
      }
      void reply.code(result.status ?? 200).send({ success: true, message: result.message, ...result.data, request_id: id });
    } catch (e) {
      this.sendError(reply, e, id, req);
    }
  }

  private sendError(reply: FastifyReply, e: unknown, id: string, req?: FastifyRequest): void {
    let err: ApiError;
    if (e instanceof ApiError) err = e;
    else {
      req?.log.error(e);
      err = new ApiError(500, "internal emulator error");
    }
    if (err.extra.retryAfterSeconds !== undefined) void reply.header("Retry-After", String(err.extra.retryAfterSeconds));
    if (err.status === 401) void reply.header("WWW-Authenticate", 'Bearer realm="barrack"');
    void reply.code(err.status).send(err.body(id));
  }

  private adminRoutes(app: FastifyInstance): void {
    const admin = (method: "GET" | "POST", url: string, run: (req: FastifyRequest) => Promise<unknown> | unknown): void => {
      app.route({
        method,
        url: `/_emulator/${url}`,
        handler: async (req, reply) => {
          const id = requestId();
          try {
            this.requireAuth(req);
            if (req.body instanceof MalformedBody) throw new ApiError(400, `request body is not valid JSON (${req.body.reason})`, "body");
            const out = await run(req);
            void reply.code(200).send(out ?? { success: true, message: "ok", request_id: id });
          } catch (e) {
            this.sendError(reply, e, id, req);
          }
        },
      });
    };
    admin("GET", "inventory", () => this.inventory());
    admin("GET", "counters", () => this.counters());
    admin("POST", "reset", () => this.reset());
    admin("POST", "counters/reset", () => this.resetCounters());
    admin("POST", "faults", (req) => this.faults.setConfig(parseOrThrow(faultConfigSchema, req.body ?? {})));
    admin("POST", "inject", (req) => this.faults.inject(parseOrThrow(scriptedFaultSchema, req.body) as ScriptedFault));
    admin("POST", "config", (req) => this.configure(parseOrThrow(configSchema, req.body ?? {})));
  }
}

/** Ends the request with no answer at all: the client sees the connection close (a network failure). */
function dropConnection(req: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  req.raw.socket.destroy();
}

/** Checks a stock setting: a known region, a GPU model offered there, a whole number of GPUs. */
function checkStock(region: string, model: string, gpus: number, field = "gpuStock"): void {
  if (!(REGIONS as readonly string[]).includes(region)) throw new ApiError(400, `${field}: region must be one of ${REGIONS.join(", ")} (got ${JSON.stringify(region)})`, field);
  const m = gpuModel(model);
  if (!m || m.tier !== tierOf(region as (typeof REGIONS)[number])) {
    throw new ApiError(400, `${field}: ${JSON.stringify(model)} is not a GPU model offered in ${region}`, field);
  }
  if (!Number.isInteger(gpus) || gpus < 0) throw new ApiError(400, `${field}: GPUs must be a whole number ≥ 0 (got ${gpus})`, field);
}

/** Like parseOrThrow, for options given in code: a plain Error naming the option. */
function parseOrThrowPlain<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  try {
    return parseOrThrow(schema, input, what);
  } catch (e) {
    throw new Error(`invalid ${what} option: ${(e as Error).message}`);
  }
}
