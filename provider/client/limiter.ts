/**
 * The process-wide request limiter. One Pulumi provider process serves every resource of a `pulumi up`,
 * so every client instance and every call share ONE limiter: a concurrency cap (default 8), an optional
 * minimum spacing between request starts, and a pause gate that a 429 with `Retry-After` closes for
 * everyone (octokit/plugin-throttling's shape) instead of letting the other callers hit the limit too.
 *
 * Each HTTP attempt (retries included) is scheduled separately, so a request waiting out its backoff
 * does not hold a slot.
 *
 * The limiter is a small FIFO queue of its own rather than Bottleneck (which it replaces, with the same
 * settings and order): Bottleneck yields to the event loop with timers several times per job, one job at
 * a time, so 8 concurrent callers waited ~20 ms per request for it on an idle machine, more under load
 * (a `pulumi destroy` of 100 volumes spent ~0.7 s there), and it allocated ~60 KB per job.
 */
export const DEFAULT_MAX_CONCURRENCY = 8;
export const DEFAULT_MIN_TIME_MS = 0;

export interface LimiterSettings {
  maxConcurrency: number;
  minTimeMs: number;
}

/** What the shared state's limiter does (Bottleneck's method names: an older copy of this module may share it). */
interface Limiter {
  schedule<T>(fn: () => Promise<T>): Promise<T>;
  updateSettings(settings: { maxConcurrent?: number; minTime?: number }): void;
}

/** Runs jobs first come, first served: at most `maxConcurrent` at once, starts `minTime` ms apart. */
class QueueLimiter implements Limiter {
  #running = 0;
  #nextStartAt = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #queue: (() => void)[] = [];

  constructor(
    private maxConcurrent: number,
    private minTime: number,
  ) {}

  schedule<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push(() => {
        let job: Promise<T>;
        try {
          job = fn();
        } catch (error) {
          job = Promise.reject(error);
        }
        job.then(resolve, reject).finally(() => {
          this.#running--;
          this.#drain();
        });
      });
      this.#drain();
    });
  }

  updateSettings(settings: { maxConcurrent?: number; minTime?: number }): void {
    if (settings.maxConcurrent !== undefined) this.maxConcurrent = settings.maxConcurrent;
    if (settings.minTime !== undefined) this.minTime = settings.minTime;
    this.#drain();
  }

  #drain(): void {
    while (this.#queue.length > 0 && this.#running < this.maxConcurrent) {
      const wait = this.#nextStartAt - Date.now();
      if (wait > 0) {
        this.#timer ??= setTimeout(() => {
          this.#timer = undefined;
          this.#drain();
        }, wait);
        return;
      }
      this.#running++;
      this.#nextStartAt = Date.now() + this.minTime;
      this.#queue.shift()!();
    }
  }
}

interface SharedState {
  limiter: Limiter;
  settings: LimiterSettings;
  /** Epoch ms until which no new request may start. */
  pausedUntil: number;
}

// Kept on globalThis under a registered symbol, so two copies of this module in one process (e.g. the
// package loaded from two paths) still share one limiter.
const STATE_KEY = Symbol.for("pulumi-barrack.client.sharedLimiter");
type GlobalWithState = typeof globalThis & { [STATE_KEY]?: SharedState };

function parseEnvInt(name: string, min: number, env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return n;
}

/** Limiter settings from `BARRACK_MAX_CONCURRENCY` and `BARRACK_MIN_TIME_MS` (unset ones are omitted). */
export function limiterSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<LimiterSettings> {
  const out: Partial<LimiterSettings> = {};
  const maxConcurrency = parseEnvInt("BARRACK_MAX_CONCURRENCY", 1, env);
  const minTimeMs = parseEnvInt("BARRACK_MIN_TIME_MS", 0, env);
  if (maxConcurrency !== undefined) out.maxConcurrency = maxConcurrency;
  if (minTimeMs !== undefined) out.minTimeMs = minTimeMs;
  return out;
}

function state(): SharedState {
  const g = globalThis as GlobalWithState;
  let s = g[STATE_KEY];
  if (!s) {
    const settings: LimiterSettings = {
      maxConcurrency: DEFAULT_MAX_CONCURRENCY,
      minTimeMs: DEFAULT_MIN_TIME_MS,
      ...limiterSettingsFromEnv(),
    };
    s = {
      limiter: new QueueLimiter(settings.maxConcurrency, settings.minTimeMs),
      settings,
      pausedUntil: 0,
    };
    g[STATE_KEY] = s;
  }
  return s;
}

/**
 * Changes the shared limiter's settings for the whole process. Clients call this only for options they
 * were given explicitly, so precedence is: explicit option > env > default (last explicit one wins).
 */
export function configureSharedLimiter(settings: Partial<LimiterSettings>): void {
  const s = state();
  if (settings.maxConcurrency !== undefined) {
    if (!Number.isInteger(settings.maxConcurrency) || settings.maxConcurrency < 1) {
      throw new Error(`maxConcurrency must be an integer >= 1, got ${settings.maxConcurrency}`);
    }
    s.settings.maxConcurrency = settings.maxConcurrency;
  }
  if (settings.minTimeMs !== undefined) {
    if (!Number.isFinite(settings.minTimeMs) || settings.minTimeMs < 0) {
      throw new Error(`minTimeMs must be a number >= 0, got ${settings.minTimeMs}`);
    }
    s.settings.minTimeMs = settings.minTimeMs;
  }
  s.limiter.updateSettings({ maxConcurrent: s.settings.maxConcurrency, minTime: s.settings.minTimeMs });
}

export function sharedLimiterSettings(): LimiterSettings {
  return { ...state().settings };
}

/** Stops new requests from starting for `ms` (extends, never shortens, a pause already in force). */
export function pauseSharedLimiter(ms: number): void {
  const s = state();
  s.pausedUntil = Math.max(s.pausedUntil, Date.now() + Math.max(0, ms));
}

/** Milliseconds left in the current pause (0 if none). */
export function sharedLimiterPauseRemainingMs(): number {
  return Math.max(0, state().pausedUntil - Date.now());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs one HTTP attempt under the shared limiter. The pause is checked inside the slot because a 429 may
 * arrive while the attempt is queued.
 */
export async function scheduleShared<T>(fn: () => Promise<T>): Promise<T> {
  const s = state();
  return s.limiter.schedule(async () => {
    for (let left = s.pausedUntil - Date.now(); left > 0; left = s.pausedUntil - Date.now()) {
      await sleep(left);
    }
    return fn();
  });
}
