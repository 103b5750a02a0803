/**
 * Typed errors of the Barrack client, one class per kind of failure (openai-node's shape): callers branch
 * with `instanceof` or the small predicates at the bottom.
 *
 * An error holds only plain, already-redacted values. It never keeps the axios error, request config or
 * headers (they carry the API key), so `JSON.stringify(err)` and `util.inspect(err)` are safe to log.
 */

/** Which request an error belongs to. */
export interface OperationRef {
  /** Operation name in the contract, e.g. "createVolume". */
  operation: string;
  method: string;
  /** Route template relative to the base URL, e.g. "volumes/{volume_id}/". */
  path: string;
  /** The route with its parameters filled in, e.g. "volumes/BRK-000001V/". */
  requestPath?: string;
}

export interface BarrackErrorInit extends OperationRef {
  message: string;
  status?: number;
  code?: string;
  field?: string;
  requestId?: string;
  ambiguous?: boolean;
  attempts?: number;
}

export class BarrackError extends Error {
  /** HTTP status, when the server answered. */
  readonly status?: number;
  /** The API's `error` code (e.g. "not_found"); for connection failures the system code (e.g. "ECONNRESET"). */
  readonly code?: string;
  /** The wire field the API blamed (400s). */
  readonly field?: string;
  /** The API's `request_id` (body or `X-Request-Id` header), for support tickets. */
  readonly requestId?: string;
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly requestPath?: string;
  /**
   * True when a non-idempotent call (e.g. a create POST) failed in a way that does not say whether the
   * server applied it (timeout, connection lost after sending, 5xx). The client did NOT re-send it; the
   * caller should look the resource up (by name) and adopt it if it exists.
   */
  readonly ambiguous: boolean;
  /** How many HTTP attempts were made (1 = not retried). */
  readonly attempts: number;

  constructor(init: BarrackErrorInit) {
    super(init.message);
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.field = init.field;
    this.requestId = init.requestId;
    this.operation = init.operation;
    this.method = init.method;
    this.path = init.path;
    this.requestPath = init.requestPath;
    this.ambiguous = init.ambiguous ?? false;
    this.attempts = init.attempts ?? 1;
  }

  /** `message` is not an own enumerable property of an Error; include it so JSON logs are useful. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, ...Object.fromEntries(Object.entries(this)) };
  }
}

/** 400 or 422: the request was invalid; `field` names the offending wire field when the API says. */
export class BarrackValidationError extends BarrackError {}
/** 401: missing or wrong API key (or wrong auth header scheme). */
export class BarrackAuthError extends BarrackError {}
/** 402: insufficient balance. */
export class BarrackPaymentError extends BarrackError {}
/** 403: not allowed, e.g. the account profile is incomplete. */
export class BarrackPermissionError extends BarrackError {}
/** 404: unknown id (or another account's). */
export class BarrackNotFoundError extends BarrackError {}
/** 409: wrong state, duplicate name, in use, out of stock. */
export class BarrackConflictError extends BarrackError {}

/** 429: rate limited (after the client's own retries ran out). */
export class BarrackRateLimitError extends BarrackError {
  /** The server's `Retry-After`, in seconds, when it sent one. */
  readonly retryAfterSeconds?: number;
  constructor(init: BarrackErrorInit & { retryAfterSeconds?: number }) {
    super(init);
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** 5xx. */
export class BarrackServerError extends BarrackError {}

/** No usable HTTP answer: refused, reset, DNS failure. */
export class BarrackConnectionError extends BarrackError {}
/** The request timed out (a connection error, as in openai-node). */
export class BarrackTimeoutError extends BarrackConnectionError {}

/** One schema mismatch in a response. */
export interface ResponseIssue {
  /** Path into the response body, e.g. "vm.status" or "volumes[3].size_gb". */
  path: string;
  message: string;
}

/** A 2xx response that is not JSON or does not match the contract's schema. */
export class BarrackResponseError extends BarrackError {
  readonly issues: ResponseIssue[];
  constructor(init: BarrackErrorInit & { issues?: ResponseIssue[] }) {
    super(init);
    this.issues = init.issues ?? [];
  }
}

/** The class for an HTTP error status (statuses outside the table get the base class). */
export function errorClassForStatus(status: number): typeof BarrackError {
  if (status === 400 || status === 422) return BarrackValidationError;
  if (status === 401) return BarrackAuthError;
  if (status === 402) return BarrackPaymentError;
  if (status === 403) return BarrackPermissionError;
  if (status === 404) return BarrackNotFoundError;
  if (status === 409) return BarrackConflictError;
  if (status === 429) return BarrackRateLimitError;
  if (status >= 500) return BarrackServerError;
  return BarrackError;
}

export function isBarrackError(e: unknown): e is BarrackError {
  return e instanceof BarrackError;
}
export function isNotFound(e: unknown): e is BarrackNotFoundError {
  return e instanceof BarrackNotFoundError;
}
export function isConflict(e: unknown): e is BarrackConflictError {
  return e instanceof BarrackConflictError;
}
export function isRateLimited(e: unknown): e is BarrackRateLimitError {
  return e instanceof BarrackRateLimitError;
}
export function isAuthError(e: unknown): e is BarrackAuthError {
  return e instanceof BarrackAuthError;
}
/** A non-idempotent call that may or may not have been applied: look the resource up before retrying. */
export function isAmbiguous(e: unknown): e is BarrackError {
  return e instanceof BarrackError && e.ambiguous;
}
