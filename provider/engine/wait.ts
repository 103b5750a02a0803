/**
 * Waiting for the API: bounded polls that survive transient failures, and first polls timed from what
 * the provider process has already seen, so that a create or delete costs as few requests as possible.
 *
 * Every wait starts after a create/delete/action answered that the object is not there yet (callers do
 * not wait for an object that is already ready), so the first poll always waits an interval first:
 * - a kind of wait seen before in this process ("Volume create") waits about as long as that kind took;
 * - a kind not seen yet is timed by one "scout": the first such wait looks once after 10 ms, then backs
 *   off from 100 ms, and the waits of the same kind that start meanwhile (a `pulumi up` starts many
 *   creates at once) hold their first poll until the scout has learned how long this kind takes, then
 *   poll once at their own start + that time. They fall back to polling on their own every
 *   BARRACK_POLL_MAX_MS, so a slow or stuck scout never holds them up for long. The early look costs one
 *   request per kind and process where objects take a while, and where they are ready at once (a fast
 *   platform, the emulator at a small time scale) it spares every wait of the kind a 100 ms sleep,
 *   which the engine's --parallel slots would otherwise queue behind;
 * - a wait of no kind backs off from 100 ms.
 * One process serves every resource of a deployment, so what the first waits learn times the rest.
 */
import { BarrackError } from "../client/errors";

/** Thrown by `poll` at the deadline; carries the last object seen. */
export class WaitTimeout<T> extends Error {
  constructor(message: string, readonly last: T) {
    super(message);
    this.name = "WaitTimeout";
  }
}

const POLL_MIN_MS = 100;
/** The scout's first look (see the module comment). */
const SCOUT_FIRST_MS = 10;
const PROGRESS_EVERY_MS = 30_000;
/** Transient failures in a row that a wait rides out (each call has already been retried by the client). */
const MAX_TRANSIENT_FAILURES = 5;

function pollMaxMs(): number {
  const configured = Number(process.env.BARRACK_POLL_MAX_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : 5000;
}

/** What the process knows about one kind of wait. */
interface KindState {
  /** How long waits of this kind took (a slow-moving average), once one has settled. */
  expected?: number;
  /** The wait timing this kind for the others, while none has settled yet. */
  scout?: symbol;
  /** Waits holding their first poll for the scout: called when it learns or gives up. */
  listeners: Set<() => void>;
}

/**
 * How long waits of each kind (e.g. "Volume create") took in this process. Kept per process, so it is
 * tuned by the plan being applied (one provider process serves every resource of a `pulumi up`).
 */
const kinds = new Map<string, KindState>();

function stateOf(kind: string): KindState {
  let state = kinds.get(kind);
  if (state === undefined) {
    state = { listeners: new Set() };
    kinds.set(kind, state);
  }
  return state;
}

export function expectedWaitMs(kind: string): number | undefined {
  return kinds.get(kind)?.expected;
}

function learn(state: KindState, elapsedMs: number): void {
  const before = state.expected;
  // A slow-moving average: one slow resource must not make every later one wait long.
  state.expected = Math.max(1, before === undefined ? Math.round(elapsedMs) : Math.round(before * 0.7 + elapsedMs * 0.3));
  notify(state);
}

function notify(state: KindState): void {
  const listeners = [...state.listeners];
  state.listeners.clear();
  for (const listener of listeners) listener();
}

export interface PollOptions<T> {
  /** What is awaited, for progress lines and errors ("BRK-000001V to be ready"). */
  what: string;
  get: () => Promise<T>;
  settled: (value: T) => boolean;
  describe: (value: T) => string;
  deadline: number;
  log: (message: string) => void;
  /** Names the kind of wait for first-poll timing ("Volume create"); untimed when absent. */
  kind?: string;
}

type Role =
  /** First poll at start + what this kind took before; then a quarter of that, backing off. */
  | "timed"
  /** Times a kind not seen yet: looks after SCOUT_FIRST_MS, then backs off from POLL_MIN_MS. */
  | "scout"
  /** Waits for the scout (polling on its own every BARRACK_POLL_MAX_MS meanwhile). */
  | "follower"
  /** No kind: backs off from POLL_MIN_MS. */
  | "untimed";

/**
 * Polls `get` until `settled` says done. The first poll waits an interval first: what this kind of wait
 * has taken before, else (see the module comment) a scout's back-off from 100 ms or the scout's finding;
 * later polls back off up to BARRACK_POLL_MAX_MS. A transient API failure (429, 5xx, connection) is
 * ridden out a few times in a row. Never waits past the deadline: throws a `WaitTimeout` there.
 */
export async function poll<T>(options: PollOptions<T>): Promise<T> {
  const { what, get, settled, describe, deadline, log, kind } = options;
  const started = Date.now();
  const state = kind === undefined ? undefined : stateOf(kind);
  const token = Symbol(what);
  let role: Role;
  let expected: number | undefined;
  let interval: number;
  if (state === undefined) {
    role = "untimed";
    interval = POLL_MIN_MS;
  } else if (state.expected !== undefined) {
    role = "timed";
    expected = state.expected;
    interval = expected;
  } else if (state.scout === undefined) {
    role = "scout";
    state.scout = token;
    interval = SCOUT_FIRST_MS;
  } else {
    role = "follower";
    interval = pollMaxMs();
  }
  let nextAt = started + interval;
  let polls = 0;
  let lastState = "";
  let lastProgress = started;
  let lastPendingAt: number | undefined;
  let transient = 0;

  /** A follower hears from its scout: poll at start + what the kind takes, or scout itself. */
  const hear = (): void => {
    if (role !== "follower" || state === undefined) return;
    if (state.expected !== undefined) {
      role = "timed";
      expected = state.expected;
      nextAt = Math.min(nextAt, Math.max(Date.now(), started + expected));
    } else if (state.scout === undefined) {
      role = "scout";
      state.scout = token;
      interval = SCOUT_FIRST_MS;
      nextAt = Math.min(nextAt, Date.now() + SCOUT_FIRST_MS);
    }
  };

  try {
    for (;;) {
      nextAt = Math.min(nextAt, deadline);
      while (Date.now() < nextAt) {
        if (role === "follower" && state !== undefined) {
          await sleepOrHear(nextAt - Date.now(), state);
          hear();
        } else {
          await sleep(nextAt - Date.now());
        }
      }
      const sentAt = Date.now();
      let value: T;
      try {
        value = await get();
        transient = 0;
      } catch (error) {
        if (!isTransient(error) || ++transient > MAX_TRANSIENT_FAILURES || Date.now() >= deadline) throw error;
        log(`waiting for ${what}: the API failed for now (${(error as Error).message}); trying again`);
        interval = nextInterval(role, polls + 1, interval, expected);
        nextAt = Date.now() + interval;
        continue;
      }
      polls++;
      const now = Date.now();
      if (settled(value)) {
        if (state !== undefined) learn(state, elapsedEstimate(started, sentAt, lastPendingAt));
        return value;
      }
      lastPendingAt = sentAt;
      const description = describe(value);
      if (description !== lastState || now - lastProgress >= PROGRESS_EVERY_MS) {
        log(`waiting for ${what}: ${description} (${Math.round((now - started) / 1000)}s elapsed)`);
        lastState = description;
        lastProgress = now;
      }
      if (now >= deadline) {
        throw new WaitTimeout(`gave up waiting for ${what} after ${Math.round((now - started) / 1000)}s (last seen: ${description}); raise the resource's deadline to wait longer (its \`timeouts\` input, or \`customTimeouts\` with the plugin)`, value);
      }
      interval = nextInterval(role, polls, interval, expected);
      nextAt = now + interval;
      if (role === "follower" && state !== undefined) hear(); // the scout may have learned during the call
    }
  } finally {
    if (state !== undefined && state.scout === token) {
      state.scout = undefined;
      notify(state); // learned, or gave up: either way the followers re-plan
    }
  }
}

/**
 * The time this wait took, for the next waits' first poll: when the object was first seen settled (the
 * sending of that poll, an upper bound), or, after a pending poll, most of the way from that one to it.
 */
function elapsedEstimate(started: number, settledSentAt: number, lastPendingAt: number | undefined): number {
  if (lastPendingAt === undefined) return settledSentAt - started;
  return lastPendingAt - started + 0.75 * (settledSentAt - lastPendingAt);
}

function nextInterval(role: Role, polls: number, previous: number, expected: number | undefined): number {
  const max = pollMaxMs();
  // Timed, and the first poll came too early: poll again soon (a quarter of what the kind takes).
  if (role === "timed" && polls === 1 && expected !== undefined) return Math.min(max, Math.max(POLL_MIN_MS, Math.round(expected / 4)));
  if (role === "follower") return max;
  // The scout's early look found it pending: back off from POLL_MIN_MS, as an untimed wait does.
  if (role === "scout" && polls === 1) return Math.min(POLL_MIN_MS, max);
  return Math.min(Math.max(POLL_MIN_MS, previous * 2), max);
}

/** Sleeps `ms`, or less when the kind's scout learns something or gives up. */
function sleepOrHear(ms: number, state: KindState): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      state.listeners.delete(done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    state.listeners.add(done);
  });
}

function isTransient(error: unknown): boolean {
  if (!(error instanceof BarrackError)) return false;
  const status = error.status;
  return status === undefined || status === 429 || status >= 500;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
