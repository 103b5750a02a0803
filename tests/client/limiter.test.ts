/**
 * The process-wide limiter on its own (transport.test.ts covers it under the client): first come, first
 * served, the concurrency cap, start spacing, failures passed through, and a raised cap taking effect at once.
 */
import { configureSharedLimiter, scheduleShared } from "../../provider/client/limiter";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => configureSharedLimiter({ maxConcurrency: 8, minTimeMs: 0 }));

describe("shared limiter", () => {
  it("starts jobs in the order they were scheduled, never more than the cap at once", async () => {
    configureSharedLimiter({ maxConcurrency: 3, minTimeMs: 0 });
    const started: number[] = [];
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        scheduleShared(async () => {
          started.push(i);
          most = Math.max(most, ++inFlight);
          await sleep(5);
          inFlight--;
        }),
      ),
    );
    expect(started).toEqual([...Array(12).keys()]);
    expect(most).toBe(3);
  });

  it("spaces starts by minTimeMs", async () => {
    configureSharedLimiter({ maxConcurrency: 8, minTimeMs: 40 });
    const at: number[] = [];
    await Promise.all(Array.from({ length: 3 }, () => scheduleShared(async () => void at.push(Date.now()))));
    expect(at[2] - at[0]).toBeGreaterThanOrEqual(75);
  });

  it("passes results and failures (thrown or rejected) through, and frees the slot either way", async () => {
    configureSharedLimiter({ maxConcurrency: 1, minTimeMs: 0 });
    await expect(scheduleShared(async () => 42)).resolves.toBe(42);
    await expect(scheduleShared(async () => Promise.reject(new Error("rejected")))).rejects.toThrow("rejected");
    await expect(
      scheduleShared((() => {
        throw new Error("thrown");
      }) as () => Promise<never>),
    ).rejects.toThrow("thrown");
    await expect(scheduleShared(async () => "still running")).resolves.toBe("still running");
  });

  it("a raised cap lets queued jobs start at once", async () => {
    configureSharedLimiter({ maxConcurrency: 1, minTimeMs: 0 });
    let release!: () => void;
    const blocker = scheduleShared(() => new Promise<void>((resolve) => (release = resolve)));
    let ran = false;
    const queued = scheduleShared(async () => void (ran = true));
    await sleep(20);
    expect(ran).toBe(false);
    configureSharedLimiter({ maxConcurrency: 2 });
    await queued;
    expect(ran).toBe(true);
    release();
    await blocker;
  });
});
