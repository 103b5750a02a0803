/**
 * Speed and memory figures, printed against their targets (`npm run bench`; builds first).
 * Timed tests are flaky on shared CI machines, so targets are checked here instead: the script prints
 * every figure and exits 1 if one misses its target.
 *
 * What it measures, all against the in-process emulator (time scale 0.001):
 * - preview cost: `check` and `diff` per call (they run for every resource on every preview);
 * - a `pulumi up`-shaped burst: N volumes created concurrently through the provider methods, sharing
 *   one client and its process-wide limiter, then deleted; wall time and peak memory;
 * - the client: GET latency percentiles through retries, limiter and response validation;
 * - the serialized provider size per resource type (stored twice per resource in state).
 */
import * as pulumi from "@pulumi/pulumi";
import { startEmulator } from "../emulator";
import { BarrackClient } from "../provider/client";
import { setProviderSettings } from "../provider/config";
import { provider } from "../provider/resources/impl";
import { ResourceTypeName, makeShim } from "../provider/dynamic/shim";

interface Figure {
  name: string;
  value: number;
  unit: string;
  target: number;
  /** "max": the value must not exceed the target; "min": must reach it. */
  kind: "max" | "min";
}

const figures: Figure[] = [];
function record(name: string, value: number, unit: string, target: number, kind: "max" | "min" = "max"): void {
  figures.push({ name, value, unit, target, kind });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function timeEach(count: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const burst = Number(process.env.BENCH_VOLUMES ?? 100);
  const emulator = await startEmulator({ port: 0, timeScale: 0.001, rateLimit: undefined });
  process.env.BARRACK_POLL_MAX_MS = "20";
  setProviderSettings({ apiKey: emulator.apiKey, endpoint: emulator.url });
  const volumes = provider("Volume");
  const args = { name: "bench-vol", region: "FINLAND-1", type: "NVMe", sizeGb: 500, bootable: false };

  try {
    // Preview cost.
    const checks = await timeEach(2000, (i) => volumes.check({}, { ...args, name: `bench-${i}` }));
    record("check p50 (Volume)", percentile(checks, 50), "ms", 0.5);
    record("check p99 (Volume)", percentile(checks, 99), "ms", 5);
    const olds = { ...args, volumeId: "BRK-000001V", status: "available" };
    const diffs = await timeEach(2000, () => volumes.diff("BRK-000001V", olds, { ...args, sizeGb: 600 }));
    record("diff p50 (Volume)", percentile(diffs, 50), "ms", 0.2);

    // A `pulumi up` of `burst` volumes: the engine calls create concurrently in one provider process.
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
    const upStart = Date.now();
    const created = await Promise.all(
      Array.from({ length: burst }, async (_, i) => {
        const { inputs } = await volumes.check({}, { ...args, name: `burst-${i}` });
        return volumes.create({ ...inputs, __provider: "bench" });
      }),
    );
    const upMs = Date.now() - upStart;
    const destroyStart = Date.now();
    await Promise.all(created.map(({ id, outs }) => volumes.delete(id, outs)));
    const destroyMs = Date.now() - destroyStart;
    clearInterval(sampler);
    record(`create ${burst} volumes concurrently (wall)`, upMs, "ms", 15_000);
    record(`delete ${burst} volumes concurrently (wall)`, destroyMs, "ms", 15_000);
    record("peak RSS during the burst (provider + emulator)", peakRss / 2 ** 20, "MiB", 300);
    global.gc?.();
    record("heap retained after the burst", Math.max(0, process.memoryUsage().heapUsed - heapBefore) / 2 ** 20, "MiB", 50);
    if (emulator.inventory().volumes.length !== 0) throw new Error("the burst left volumes behind");

    // Client round trip.
    const client = new BarrackClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
    const gets = await timeEach(500, () => client.call("listRegions"));
    // Loopback, through the process-wide limiter (a plain FIFO queue: no timers unless minTimeMs is set).
    record("client GET p50 (loopback, validated)", percentile(gets, 50), "ms", 15);
    record("client GET p99", percentile(gets, 99), "ms", 50);
    const throughputStart = Date.now();
    await Promise.all(Array.from({ length: 1000 }, () => client.call("getBalance")));
    record("client throughput (1000 GETs, limiter at default concurrency)", 1000 / ((Date.now() - throughputStart) / 1000), "req/s", 150, "min");

    // State size per resource: the serialized provider.
    for (const type of ["Volume", "Instance", "Firewall", "Snapshot", "Image", "SshKey", "StartupScript"] as ResourceTypeName[]) {
      const shim = makeShim(type);
      const { text } = await pulumi.runtime.serializeFunction(() => shim, { allowSecrets: true });
      record(`serialized provider (${type})`, Buffer.byteLength(text), "bytes", 1024);
    }
  } finally {
    await emulator.stop();
  }

  const missed = figures.filter((f) => (f.kind === "max" ? f.value > f.target : f.value < f.target));
  const width = Math.max(...figures.map((f) => f.name.length));
  console.log(`pulumi-barrack benchmark (node ${process.version}, ${new Date().toISOString()})\n`);
  for (const f of figures) {
    const ok = f.kind === "max" ? f.value <= f.target : f.value >= f.target;
    const value = f.value >= 100 ? f.value.toFixed(0) : f.value.toFixed(3);
    console.log(`${f.name.padEnd(width)}  ${value.padStart(10)} ${f.unit.padEnd(6)} target ${f.kind === "max" ? "≤" : "≥"} ${f.target} ${f.unit}  ${ok ? "ok" : "MISSED"}`);
  }
  if (missed.length > 0) {
    console.log(`\n${missed.length} target(s) missed`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
