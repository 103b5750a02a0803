/**
 * The Barrack API client: typed calls over the contract in `../contract.ts`.
 *
 *   const client = BarrackClient.fromEnv();                       // BARRACK_API_KEY, BARRACK_API_URL, ...
 *   const { volume } = await client.call("getVolume", { params: { volume_id } });
 *   const all = await client.listAll("listVolumes", "volumes", { query: { region } });
 *
 * Failures are `BarrackError` subclasses (by status; connection/timeout; schema mismatch). Reads and
 * idempotent operations are retried on 429, 5xx, timeouts and connection errors. A non-idempotent call
 * (create) is retried only on 429 and on connections refused before sending; after a timeout, a lost
 * connection, a 5xx or an unreadable 2xx it is NOT re-sent and the error has `ambiguous: true`: look
 * the resource up by name and adopt it. All clients in a process share one limiter (see limiter.ts).
 */
export {
  BarrackClient,
  type AuthScheme,
  type BarrackClientOptions,
  type CallArgs,
  type ListAllArgs,
  type QueryParams,
} from "./client";
export {
  BarrackError,
  BarrackValidationError,
  BarrackAuthError,
  BarrackPaymentError,
  BarrackPermissionError,
  BarrackNotFoundError,
  BarrackConflictError,
  BarrackRateLimitError,
  BarrackServerError,
  BarrackConnectionError,
  BarrackTimeoutError,
  BarrackResponseError,
  errorClassForStatus,
  isBarrackError,
  isNotFound,
  isConflict,
  isRateLimited,
  isAuthError,
  isAmbiguous,
  type BarrackErrorInit,
  type OperationRef,
  type ResponseIssue,
} from "./errors";
export {
  configureSharedLimiter,
  limiterSettingsFromEnv,
  pauseSharedLimiter,
  sharedLimiterPauseRemainingMs,
  sharedLimiterSettings,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MIN_TIME_MS,
  type LimiterSettings,
} from "./limiter";
export {
  MAX_RETRY_AFTER_MS,
  classifyFailure,
  isAmbiguousFailure,
  isRetryable,
  parseRetryAfter,
  retryDelayMs,
  type Failure,
  type RetryTiming,
} from "./retry";
export { redact, REDACTED } from "./redact";
