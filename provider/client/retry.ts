/**
 * Retry policy: which failures are retried, which are ambiguous, and how long to wait.
 *
 * The rule that matters: a non-idempotent call (a create POST) is re-sent only when the server certainly
 * did not act on it: a 429, or a connection that failed before the request was sent. After a timeout, a
 * connection lost mid-request or a 5xx it may exist server-side, so re-sending could create a duplicate
 * (an orphan GPU VM outside state, cf. terraform-provider-aws#1496). Those failures are thrown with
 * `ambiguous: true` for the resource layer to look the resource up and adopt it.
 */
import { isAxiosError } from "axios";

/** A failed attempt, reduced to what the policy needs (never the axios error itself). */
export type Failure =
  /** The server answered with a non-2xx status. */
  | { kind: "status"; status: number; retryAfterMs?: number; requestId?: string }
  /** No answer in time: the server may have acted on the request. */
  | { kind: "timeout"; code: string }
  /** The connection failed before the request was sent (refused, DNS): nothing reached the server. */
  | { kind: "not_sent"; code: string }
  /** The connection broke after (or while) sending: the server may have acted on the request. */
  | { kind: "connection"; code: string }
  | { kind: "canceled"; code: string };

/** System error codes that mean no byte of the request reached the server. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ECONNABORTED", "ESOCKETTIMEDOUT"]);

/** Longest `Retry-After` honoured; a longer one is clamped (openai-node caps at 60 s too). */
export const MAX_RETRY_AFTER_MS = 60_000;

export interface RetryTiming {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** `Retry-After` is delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns ms from `nowMs`, clamped. */
export function parseRetryAfter(value: unknown, nowMs: number = Date.now()): number | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const text = String(value).trim();
  if (text === "") return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    ms = date - nowMs;
  }
  return Math.min(Math.max(0, Math.ceil(ms)), MAX_RETRY_AFTER_MS);
}

/** Reduces whatever an attempt threw to a `Failure`; `undefined` for errors that are not HTTP failures. */
export function classifyFailure(err: unknown): Failure | undefined {
  if (!isAxiosError(err)) return undefined;
  const response = err.response;
  if (response) {
    const headers = response.headers as Record<string, unknown>;
    const retryAfterMs = parseRetryAfter(headers["retry-after"]);
    const headerId = headers["x-request-id"];
    const requestId = typeof headerId === "string" ? headerId : undefined;
    return { kind: "status", status: response.status, retryAfterMs, requestId };
  }
  const code = err.code ?? "UNKNOWN";
  if (code === "ERR_CANCELED") return { kind: "canceled", code };
  if (TIMEOUT_CODES.has(code)) return { kind: "timeout", code };
  // Node sets the system code on the cause for some wrapped errors; check both.
  const causeCode = (err.cause as { code?: unknown } | undefined)?.code;
  if (NOT_SENT_CODES.has(code) || (typeof causeCode === "string" && NOT_SENT_CODES.has(causeCode))) {
    return { kind: "not_sent", code: NOT_SENT_CODES.has(code) ? code : String(causeCode) };
  }
  return { kind: "connection", code };
}

/** Could the server have acted on the request although the client saw no success? */
function mayHaveBeenApplied(f: Failure): boolean {
  switch (f.kind) {
    case "timeout":
    case "connection":
      return true;
    case "status":
      return f.status >= 500;
    default:
      return false;
  }
}

/** Should this failed attempt be re-sent (retry budget aside)? */
export function isRetryable(f: Failure, idempotent: boolean): boolean {
  switch (f.kind) {
    case "not_sent":
      return true; // nothing reached the server
    case "timeout":
    case "connection":
      return idempotent;
    case "status":
      if (f.status === 429) return true; // rejected before any work was done
      if (f.status >= 500 && f.status !== 501) return idempotent; // 501: retrying cannot help
      return false;
    case "canceled":
      return false;
  }
}

/** True when a non-idempotent call failed without saying whether it was applied (see file comment). */
export function isAmbiguousFailure(f: Failure, idempotent: boolean): boolean {
  return !idempotent && mayHaveBeenApplied(f);
}

/**
 * Wait before retry number `retryNumber` (1-based). A `Retry-After` wins (plus ≤10% jitter so that many
 * waiters do not return in lockstep); otherwise exponential backoff base·2^(n-1), capped, minus ≤25%
 * jitter (openai-node's shape).
 */
export function retryDelayMs(retryNumber: number, f: Failure, timing: RetryTiming, random: () => number = Math.random): number {
  if (f.kind === "status" && f.retryAfterMs !== undefined) {
    return Math.round(f.retryAfterMs * (1 + 0.1 * random()));
  }
  const exp = Math.min(timing.baseDelayMs * 2 ** Math.max(0, retryNumber - 1), timing.maxDelayMs);
  return Math.round(exp * (1 - 0.25 * random()));
}
