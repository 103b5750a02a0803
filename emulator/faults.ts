/**
 * Chaos for clients under test: random faults (error rate, latency, dropped connections, "applied but
 * answered 500", "applied but the answer was lost"), scripted faults for deterministic tests, and a
 * fixed-window rate limit.
 */
import { randomInt } from "node:crypto";
import { z } from "zod";

export interface FaultConfig {
  /** Probability (0–1) of answering with one of `errorStatuses` without doing anything. */
  errorRate?: number;
  /** Statuses for `errorRate` (default 500, 502, 503). */
  errorStatuses?: number[];
  /** Added to every API request. */
  latencyMs?: number;
  /** Probability of destroying the connection without an answer (nothing is applied). */
  dropRate?: number;
  /** Probability of applying the request and then answering 500. */
  commitThenFailRate?: number;
  /** Probability of applying (and persisting) the request and then destroying the connection without an answer. */
  commitThenDropRate?: number;
}

/**
 * "status": answer `status` without applying; "drop": destroy the connection without applying;
 * "commitThenFail": apply, then answer `status`; "commitThenDrop": apply and persist, then destroy the
 * connection (the response is lost after the server committed); "latency": delay the answer.
 */
export const SCRIPTED_FAULT_KINDS = ["status", "drop", "commitThenFail", "commitThenDrop", "latency"] as const;

export interface ScriptedFault {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Route template relative to /api/ ("vms/", "vms/{vm_id}/stop/") or a concrete path; any when absent. */
  path?: string;
  kind: (typeof SCRIPTED_FAULT_KINDS)[number];
  /** For "status" (default 503) and "commitThenFail" (default 500). */
  status?: number;
  /** How many matching requests it affects (default 1). */
  count?: number;
  /** For "latency" (default 1000). */
  latencyMs?: number;
  /** Sets `Retry-After` on the answer. */
  retryAfterSeconds?: number;
}

const rate = z.number().min(0).max(1);
const status = z.number().int().min(400).max(599);

export const faultConfigSchema = z.object({
  errorRate: rate.optional(),
  errorStatuses: z.array(status).min(1).optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  dropRate: rate.optional(),
  commitThenFailRate: rate.optional(),
  commitThenDropRate: rate.optional(),
}).strict();

export const scriptedFaultSchema = z.object({
  method: z.string().optional(),
  path: z.string().optional(),
  kind: z.enum(SCRIPTED_FAULT_KINDS),
  status: status.optional(),
  count: z.number().int().min(1).optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
}).strict();

/** What to do to one request. */
export interface FaultDecision {
  latencyMs: number;
  /** Answer this instead of handling the request. */
  failStatus?: number;
  drop?: boolean;
  /** Handle the request, then answer this status. */
  commitThenFailStatus?: number;
  /** Handle the request, then destroy the connection without an answer. */
  commitThenDrop?: boolean;
  retryAfterSeconds?: number;
}

/** Normalises "/api/vms/{vm_id}/stop" and "vms/{vm_id}/stop/" alike. */
export function normalizePath(path: string): string {
  let p = path.split("?")[0].replace(/^\/+/, "");
  if (p.startsWith("api/")) p = p.slice(4);
  p = p.replace(/:(\w+)/g, "{$1}");
  return p === "" || p.endsWith("/") ? p : `${p}/`;
}

export class FaultInjector {
  private config: FaultConfig;
  private scripted: Array<Required<Pick<ScriptedFault, "kind" | "count">> & ScriptedFault> = [];

  constructor(config: FaultConfig = {}, private readonly random: () => number = () => randomInt(0, 1_000_000) / 1_000_000) {
    this.config = { ...config };
  }

  setConfig(config: FaultConfig): void {
    this.config = { ...config };
  }

  inject(fault: ScriptedFault): void {
    this.scripted.push({ ...fault, count: fault.count ?? 1, path: fault.path === undefined ? undefined : normalizePath(fault.path) });
  }

  clear(config: FaultConfig = {}): void {
    this.scripted = [];
    this.config = { ...config };
  }

  /** Decides for one request: the first matching scripted fault wins, else the random ones. */
  decide(method: string, template: string, concretePath: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: this.config.latencyMs ?? 0 };
    const concrete = normalizePath(concretePath);
    const idx = this.scripted.findIndex((f) =>
      (f.method === undefined || f.method.toUpperCase() === method.toUpperCase()) &&
      (f.path === undefined || f.path === template || f.path === concrete));
    if (idx >= 0) {
      const f = this.scripted[idx];
      if (--f.count <= 0) this.scripted.splice(idx, 1);
      decision.retryAfterSeconds = f.retryAfterSeconds;
      switch (f.kind) {
        case "latency": decision.latencyMs += f.latencyMs ?? 1000; break;
        case "drop": decision.drop = true; break;
        case "status": decision.failStatus = f.status ?? 503; break;
        case "commitThenFail": decision.commitThenFailStatus = f.status ?? 500; break;
        case "commitThenDrop": decision.commitThenDrop = true; break;
      }
      return decision;
    }
    const c = this.config;
    if (c.dropRate && this.random() < c.dropRate) decision.drop = true;
    else if (c.errorRate && this.random() < c.errorRate) {
      const statuses = c.errorStatuses?.length ? c.errorStatuses : [500, 502, 503];
      decision.failStatus = statuses[Math.floor(this.random() * statuses.length)];
    } else if (c.commitThenFailRate && this.random() < c.commitThenFailRate) decision.commitThenFailStatus = 500;
    else if (c.commitThenDropRate && this.random() < c.commitThenDropRate) decision.commitThenDrop = true;
    return decision;
  }
}

export interface RateLimit {
  requests: number;
  windowMs: number;
}

export const rateLimitSchema = z.object({ requests: z.number().int().min(1), windowMs: z.number().int().min(1) }).strict();

/** A fixed window: at most `requests` per `windowMs`; answers how long to wait when over. */
export class RateLimiter {
  private windowStart = 0;
  private used = 0;
  constructor(private limit: RateLimit | null) {}

  set(limit: RateLimit | null): void {
    this.limit = limit;
    this.reset();
  }

  get current(): RateLimit | null {
    return this.limit;
  }

  reset(): void {
    this.windowStart = 0;
    this.used = 0;
  }

  /** Returns seconds to wait (≥ 1) when the request is over the limit, else null. */
  take(now: number = Date.now()): number | null {
    if (!this.limit) return null;
    if (now - this.windowStart >= this.limit.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used < this.limit.requests) {
      this.used++;
      return null;
    }
    return Math.max(1, Math.ceil((this.windowStart + this.limit.windowMs - now) / 1000));
  }
}
