/**
 * poll(): first polls timed from what the process has seen (one scout for a kind not seen yet), bounded
 * by the deadline, riding out transient failures. Real timers, short intervals; kinds are unique per test
 * (what a kind took is remembered for the life of the process).
 */
import { BarrackError } from "../../provider/client/errors";
import { WaitTimeout, expectedWaitMs, poll } from "../../provider/engine/wait";

let kindSeq = 0;
const newKind = () => `Test ${++kindSeq} create`;

/** An object that becomes ready `readyAfterMs` after it is made, counting the polls it gets. */
function object(readyAfterMs: number) {
  const made = Date.now();
  const polls: number[] = [];
  return {
    polls,
    get: async () => {
      polls.push(Date.now() - made);
      return { ready: Date.now() - made >= readyAfterMs };
    },
  };
}

function waitFor(o: ReturnType<typeof object>, kind: string | undefined, deadlineMs = 10_000) {
  return poll({
    what: "test object to be ready",
    get: o.get,
    settled: (v) => v.ready,
    describe: (v) => (v.ready ? "ready" : "pending"),
    deadline: Date.now() + deadlineMs,
    log: () => {},
    kind,
  });
}

const transient = (status?: number) => new BarrackError({ message: `status ${status ?? "none"}`, status, operation: "getVolume", method: "GET", path: "volumes/{volume_id}/" });

describe("poll timing", () => {
  const savedMax = process.env.BARRACK_POLL_MAX_MS;
  afterEach(() => {
    if (savedMax === undefined) delete process.env.BARRACK_POLL_MAX_MS;
    else process.env.BARRACK_POLL_MAX_MS = savedMax;
  });

  it("waits an interval before the first poll, even of an untimed wait", async () => {
    const o = object(0);
    await waitFor(o, undefined);
    expect(o.polls).toHaveLength(1);
    expect(o.polls[0]).toBeGreaterThanOrEqual(95);
  });

  it("times the first poll of a known kind from what it took before: one poll", async () => {
    const kind = newKind();
    await waitFor(object(250), kind);
    const learned = expectedWaitMs(kind)!;
    expect(learned).toBeGreaterThanOrEqual(250);
    const o = object(250);
    await waitFor(o, kind);
    expect(o.polls).toHaveLength(1);
    expect(o.polls[0]).toBeGreaterThanOrEqual(learned - 5);
  });

  it("lets one scout time a new kind while the waits started meanwhile poll about once", async () => {
    const kind = newKind();
    const objects = Array.from({ length: 20 }, () => object(250));
    await Promise.all(objects.map((o) => waitFor(o, kind)));
    const polls = objects.reduce((n, o) => n + o.polls.length, 0);
    // The scout looks after 10 ms, then backs off from 100 ms (10, 110, 310: 3 polls); each follower polls
    // once at its start + what the scout learned.
    expect(polls).toBeLessThanOrEqual(20 + 3);
    expect(expectedWaitMs(kind)).toBeGreaterThanOrEqual(250);
  });

  it("does not hold followers for a stuck scout longer than BARRACK_POLL_MAX_MS at a time", async () => {
    process.env.BARRACK_POLL_MAX_MS = "200";
    const kind = newKind();
    const stuck = waitFor(object(Number.POSITIVE_INFINITY), kind, 1500).catch((e: unknown) => e);
    const started = Date.now();
    await Promise.all(Array.from({ length: 3 }, () => waitFor(object(50), kind)));
    expect(Date.now() - started).toBeLessThan(700);
    expect(await stuck).toBeInstanceOf(WaitTimeout);
  });

  it("never polls past the deadline: WaitTimeout with the last object seen", async () => {
    const o = object(Number.POSITIVE_INFINITY);
    const started = Date.now();
    const error = await waitFor(o, newKind(), 400).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeout);
    expect((error as WaitTimeout<{ ready: boolean }>).last).toEqual({ ready: false });
    expect(Date.now() - started).toBeLessThan(400 + 250);
  });
});

describe("poll failures", () => {
  it("rides out transient failures (5xx, 429, connection) and settles", async () => {
    const failures = [transient(503), transient(429), transient(undefined)];
    let calls = 0;
    const value = await poll({
      what: "x",
      get: async () => {
        calls++;
        const failure = failures.shift();
        if (failure) throw failure;
        return "ready";
      },
      settled: (v) => v === "ready",
      describe: String,
      deadline: Date.now() + 10_000,
      log: () => {},
    });
    expect(value).toBe("ready");
    expect(calls).toBe(4);
  });

  it("gives up after too many transient failures in a row", async () => {
    const savedMax = process.env.BARRACK_POLL_MAX_MS;
    process.env.BARRACK_POLL_MAX_MS = "150";
    let calls = 0;
    const error = await poll({
      what: "x",
      get: async () => {
        calls++;
        throw transient(502);
      },
      settled: () => true,
      describe: String,
      deadline: Date.now() + 60_000,
      log: () => {},
    })
      .catch((e: unknown) => e)
      .finally(() => {
        if (savedMax === undefined) delete process.env.BARRACK_POLL_MAX_MS;
        else process.env.BARRACK_POLL_MAX_MS = savedMax;
      });
    expect(error).toBeInstanceOf(BarrackError);
    expect(calls).toBe(6);
  });

  it("throws a non-transient failure at once", async () => {
    let calls = 0;
    const error = await poll({
      what: "x",
      get: async () => {
        calls++;
        throw new BarrackError({ message: "forbidden", status: 403, operation: "getVolume", method: "GET", path: "volumes/{volume_id}/" });
      },
      settled: () => true,
      describe: String,
      deadline: Date.now() + 60_000,
      log: () => {},
      kind: newKind(),
    }).catch((e: unknown) => e);
    expect((error as BarrackError).status).toBe(403);
    expect(calls).toBe(1);
  });

  it("hands the scout's role on when the scout fails", async () => {
    const kind = newKind();
    const failing = poll({
      what: "x",
      get: async () => {
        throw new BarrackError({ message: "forbidden", status: 403, operation: "getVolume", method: "GET", path: "volumes/{volume_id}/" });
      },
      settled: () => true,
      describe: String,
      deadline: Date.now() + 10_000,
      log: () => {},
      kind,
    }).catch(() => undefined);
    const o = object(150);
    const started = Date.now();
    await waitFor(o, kind);
    await failing;
    // Without a hand-over it would have waited BARRACK_POLL_MAX_MS (5 s) for its first poll.
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
