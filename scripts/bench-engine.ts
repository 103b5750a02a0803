/**
 * Engine benchmark (`npm run bench:engine`; builds first): what the Barrack providers cost under the real
 * Pulumi CLI, against a no-op dynamic provider measured in the same run. Not a test: it prints every
 * figure with PASS/MISS against its target and exits 0 unless something broke.
 *
 * Three program directories in a temp dir, all run by the real CLI (file backend, passphrase secrets,
 * ts-node transpile-only), all resolving node_modules from the repo:
 *   - barrack: N `barrack.Volume`s (FINLAND-1, NVMe, 100 GB) against an in-process emulator at a
 *     near-instant time scale (WALL_TIME_SCALE: a volume is "creating" for 3 ms, not 300 ms);
 *   - no-op:   N resources of a trivial `pulumi.dynamic.Resource` (create returns an id, delete does nothing);
 *   - counted: the same N Volumes against a second emulator at time scale 0.01 (COUNT_TIME_SCALE).
 * Why two emulators: the wall-time ratios are to show what the provider adds (its process, checks,
 * client, waits), and the no-op has no cloud to wait for. At time scale 0.01 each volume is "creating"
 * for 300 ms, and at the CLI's --parallel 8 the up waits 13 such waves: ≈ 1.6× of the no-op's up from
 * the emulated cloud alone. Requests per create and per delete, though, only mean something when the
 * object takes a while to be ready, so they are counted at 0.01 (as the issue asks), in an up and a
 * destroy of their own, not timed against the no-op.
 *
 * Each round runs, per step and alternating which program goes first: preview (empty stack), up, preview
 * again (no changes: the emulator must see no mutation), destroy; then the counted stack's up and destroy.
 * Figures are medians over the rounds:
 *   - wall time of each step, barrack / no-op (targets: up ≤ 1.10×, preview ≤ 1.05×, destroy ≤ 1.15×);
 *   - API mutations (non-GET requests) during both previews (target 0);
 *   - requests per create (POST volumes/ + GET volumes/{volume_id}/ during the counted up, per volume;
 *     ≤ 2.5) and per delete (DELETE + GET during the counted destroy; ≤ 2);
 *   - peak RSS (VmHWM) of the dynamic-provider process during the (timed) up, barrack / no-op (≤ 1.05×);
 *     for reference, what loading the Volume implementation alone adds to a process that has loaded
 *     @pulumi/pulumi, before any request, as a share of the no-op's peak (the part no tuning of the
 *     provider's work can remove).
 *
 *   npm run bench:engine -- --rounds 5 --count 100
 *
 * The CLI comes from scripts/ensure-pulumi.sh (or PULUMI_BARRACK_BIN_DIR), as for the e2e tests.
 */
import { ChildProcess, execFile, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_DELAYS, startEmulator, type RunningEmulator } from "../emulator";
import { exitCode, offlineEnv, pulumiBinDir, REPO_ROOT, writeProject } from "./engine";

/** The emulator the wall times are measured against: near-instant, so they compare what the provider adds. */
const WALL_TIME_SCALE = 0.0001;
/** The emulator of the counted up/destroy (requests per create and per delete), as the issue asks. */
const COUNT_TIME_SCALE = 0.01;

type Program = "barrack" | "noop" | "counted";
type Step = "preview" | "up" | "preview again" | "destroy";
const STEPS: Step[] = ["preview", "up", "preview again", "destroy"];

interface Options {
  rounds: number;
  count: number;
  keep: boolean;
  /** `--parallel` for up and destroy; undefined: the CLI's default (8). */
  parallel?: number;
}

/** The CLI's default `--parallel` (pulumi 3.248). */
const CLI_DEFAULT_PARALLEL = 8;

function parseArgs(argv: string[]): Options {
  const options: Options = { rounds: 3, count: 100, keep: process.env.PULUMI_BARRACK_KEEP_TMP === "1" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) throw new Error(`${arg} needs a positive whole number`);
      return v;
    };
    if (arg === "--rounds") options.rounds = value();
    else if (arg === "--count") options.count = value();
    else if (arg === "--parallel") options.parallel = value();
    else if (arg === "--keep") options.keep = true;
    else if (arg === "--help" || arg === "-h") {
      console.log("usage: node dist/scripts/bench-engine.js [--rounds N (3)] [--count N (100)] [--parallel P (the CLI's, 8)] [--keep]");
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------------
// The two programs
// ---------------------------------------------------------------------------------------------------

function barrackProgram(count: number): string {
  return `import * as barrack from "pulumi-barrack";

for (let i = 0; i < ${count}; i++) {
  new barrack.Volume(\`vol-\${i}\`, { region: "FINLAND-1", type: "NVMe", sizeGb: 100 });
}
`;
}

function noopProgram(count: number): string {
  return `import * as pulumi from "@pulumi/pulumi";

let next = 0;
const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: any) {
    return { id: \`noop-\${Date.now().toString(36)}-\${next++}\`, outs: inputs };
  },
  async diff() {
    return { changes: false };
  },
  async delete() {},
};

class Noop extends pulumi.dynamic.Resource {
  constructor(name: string, args: { size: number }, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, opts, "bench", "Noop");
  }
}

for (let i = 0; i < ${count}; i++) {
  new Noop(\`noop-\${i}\`, { size: 100 });
}
`;
}


// ---------------------------------------------------------------------------------------------------
// Running the CLI, and sampling the provider process's memory
// ---------------------------------------------------------------------------------------------------

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak VmHWM of the dynamic-provider process(es) started by this run, in KiB (0 if never seen). */
  providerPeakKiB: number;
}

/** Parent pid of a process, or undefined when it is gone. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

function descendsFrom(pid: number, ancestor: number): boolean {
  for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 20; hops++) {
    if (p === ancestor) return true;
    p = parentOf(p);
  }
  return false;
}

/** The dynamic-provider processes under `root` (our CLI run only: other runs on the machine are not ours). */
function providerPids(root: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (cmdline.includes("@pulumi/pulumi/cmd/dynamic-provider") && descendsFrom(pid, root)) pids.push(pid);
  }
  return pids;
}

function peakKiB(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /^VmHWM:\s+(\d+) kB/m.exec(status) ?? /^VmRSS:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function runCli(binDir: string, cwd: string, env: NodeJS.ProcessEnv, args: string[], sampleMemory = false): Promise<CliRun> {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const peaks = new Map<number, number>();
    let child: ChildProcess | undefined;
    let sampler: NodeJS.Timeout | undefined;
    if (sampleMemory) {
      sampler = setInterval(() => {
        if (child?.pid === undefined) return;
        for (const pid of providerPids(child.pid)) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, peakKiB(pid)));
      }, 50);
    }
    child = execFile(path.join(binDir, "pulumi"), [...args, "--non-interactive", "--color", "never"], { cwd, env, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (sampler) clearInterval(sampler);
      resolve({ code: exitCode(err), stdout, stderr, ms, providerPeakKiB: Math.max(0, ...peaks.values()) });
    });
  });
}

class Stack {
  constructor(
    readonly program: Program,
    readonly dir: string,
    private readonly binDir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly parallel: number | undefined,
  ) {}

  async cli(args: string[], sampleMemory = false): Promise<CliRun> {
    const r = await runCli(this.binDir, this.dir, this.env, [...args, "--stack", "bench"], sampleMemory);
    if (r.code !== 0) {
      throw new Error(`pulumi ${args.join(" ")} (${this.program}) exited with ${r.code}\n--- stdout ---\n${r.stdout.slice(-4000)}\n--- stderr ---\n${r.stderr.slice(-4000)}`);
    }
    return r;
  }

  step(step: Step): Promise<CliRun> {
    const parallel = this.parallel === undefined ? [] : ["--parallel", String(this.parallel)];
    switch (step) {
      case "preview":
      case "preview again":
        return this.cli(["preview"]);
      case "up":
        return this.cli(["up", "--yes", "--skip-preview", ...parallel], true);
      case "destroy":
        return this.cli(["destroy", "--yes", "--skip-preview", ...parallel]);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------------------------------

/**
 * RSS that loading the Volume implementation (zod, axios, the contract, ours) adds, in KiB: measured in a
 * fresh node that has first loaded what the dynamic-provider process already has (@pulumi/pulumi and
 * node's HTTP stacks), after a GC on each side, before any request. Median of 3 such processes.
 */
function implementationLoadKiB(): number {
  const script = `
    const fs = require("fs");
    const rss = () => Number(/^VmRSS:\\s+(\\d+) kB/m.exec(fs.readFileSync("/proc/self/status", "utf8"))[1]);
    require("@pulumi/pulumi"); require("http"); require("https"); require("http2");
    global.gc(); const before = rss();
    require("pulumi-barrack/provider-impl").attach("Volume", { get: () => undefined });
    global.gc(); console.log(rss() - before);`;
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(process.execPath, ["--expose-gc", "-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
    const kib = Number(r.stdout.trim());
    if (r.status !== 0 || !Number.isFinite(kib)) throw new Error(`measuring the implementation's load failed (status ${r.status}): ${r.stderr.slice(-2000)}`);
    samples.push(kib);
  }
  return median(samples);
}


function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function mutationsOf(counters: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).filter(([route, n]) => !route.startsWith("GET ") && n > 0));
}

function sum(counters: Record<string, number>, keys: string[]): number {
  return keys.reduce((total, k) => total + (counters[k] ?? 0), 0);
}

function total(counters: Record<string, number>): number {
  return Object.values(counters).reduce((a, b) => a + b, 0);
}

interface Target {
  name: string;
  value: number;
  target: number;
  unit: string;
  detail: string;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const binDir = pulumiBinDir();
  // At this time scale an hour of billing passes in 0.36 s: a balance that lasts any number of rounds.
  const emulator: RunningEmulator = await startEmulator({ port: 0, timeScale: WALL_TIME_SCALE, balance: 1e9 });
  const countingEmulator: RunningEmulator = await startEmulator({ port: 0, timeScale: COUNT_TIME_SCALE });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-barrack-bench-engine-"));
  const started = Date.now();
  try {
    const home = path.join(tmp, "home");
    const state = path.join(tmp, "state");
    fs.mkdirSync(home);
    fs.mkdirSync(state);
    const env: NodeJS.ProcessEnv = { ...process.env, ...offlineEnv(binDir, home, state) };
    const stacks: Record<Program, Stack> = {
      barrack: new Stack("barrack", path.join(tmp, "barrack"), binDir, env, options.parallel),
      noop: new Stack("noop", path.join(tmp, "noop"), binDir, env, options.parallel),
      counted: new Stack("counted", path.join(tmp, "counted"), binDir, env, options.parallel),
    };
    writeProject(stacks.barrack.dir, "bench-barrack", barrackProgram(options.count));
    writeProject(stacks.noop.dir, "bench-noop", noopProgram(options.count));
    writeProject(stacks.counted.dir, "bench-counted", barrackProgram(options.count));
    for (const s of Object.values(stacks)) await s.cli(["stack", "init"]);
    for (const [s, emu] of [[stacks.barrack, emulator], [stacks.counted, countingEmulator]] as const) {
      await s.cli(["config", "set", "barrack:endpoint", emu.url]);
      await s.cli(["config", "set", "--secret", "barrack:apiKey", emu.apiKey]);
    }
    const version = (await runCli(binDir, tmp, env, ["version"])).stdout.trim();
    console.log(
      `pulumi-barrack engine benchmark: ${options.count} Volumes vs ${options.count} no-op dynamic resources, ${options.rounds} round(s), ` +
        `pulumi ${version}, node ${process.version}, emulator time scale ${WALL_TIME_SCALE} (wall times) and ${COUNT_TIME_SCALE} (requests), ` +
        `--parallel ${options.parallel ?? `${CLI_DEFAULT_PARALLEL} (the CLI's)`}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} (${new Date().toISOString()})\n`,
    );

    const times: Record<"barrack" | "noop", Record<Step, number[]>> = {
      barrack: { preview: [], up: [], "preview again": [], destroy: [] },
      noop: { preview: [], up: [], "preview again": [], destroy: [] },
    };
    const countedTimes: Record<"up" | "destroy", number[]> = { up: [], destroy: [] };
    const rss: Record<"barrack" | "noop", number[]> = { barrack: [], noop: [] };
    const perCreate: number[] = [];
    const perDelete: number[] = [];
    const upRequests: number[] = [];
    const mutations: Record<"preview" | "preview again", number[]> = { preview: [], "preview again": [] };
    const previewRequests: Record<"preview" | "preview again", number[]> = { preview: [], "preview again": [] };

    for (let round = 0; round < options.rounds; round++) {
      const order: ("barrack" | "noop")[] = round % 2 === 0 ? ["barrack", "noop"] : ["noop", "barrack"];
      const line: string[] = [];
      for (const step of STEPS) {
        // Alternate which program goes first from step to step as well as from round to round.
        const stepOrder = STEPS.indexOf(step) % 2 === 0 ? order : [...order].reverse();
        for (const program of stepOrder) {
          emulator.resetCounters();
          const r = await stacks[program].step(step);
          times[program][step].push(r.ms);
          if (step === "up") rss[program].push(r.providerPeakKiB / 1024);
          if (program !== "barrack") continue;
          const c = emulator.counters();
          if (step === "up") {
            if (emulator.inventory().volumes.length !== options.count) throw new Error(`after up the emulator holds ${emulator.inventory().volumes.length} volumes, not ${options.count}`);
          } else if (step === "destroy") {
            if (emulator.inventory().volumes.length !== 0) throw new Error(`after destroy the emulator still holds ${emulator.inventory().volumes.length} volumes`);
          } else {
            const m = mutationsOf(c);
            mutations[step].push(total(m));
            previewRequests[step].push(total(c));
            if (total(m) > 0) console.log(`  round ${round + 1} ${step}: API mutations ${JSON.stringify(m)}`);
          }
        }
        line.push(`${step} ${(times.barrack[step][round] / 1000).toFixed(1)}/${(times.noop[step][round] / 1000).toFixed(1)} s`);
      }

      // Requests per create and per delete, at the time scale where waiting matters.
      countingEmulator.resetCounters();
      const up = await stacks.counted.step("up");
      const cu = countingEmulator.counters();
      perCreate.push(sum(cu, ["POST volumes/", "GET volumes/{volume_id}/"]) / options.count);
      upRequests.push(total(cu));
      if (countingEmulator.inventory().volumes.length !== options.count) throw new Error(`after the counted up the emulator holds ${countingEmulator.inventory().volumes.length} volumes, not ${options.count}`);
      countingEmulator.resetCounters();
      const destroy = await stacks.counted.step("destroy");
      perDelete.push(sum(countingEmulator.counters(), ["DELETE volumes/{volume_id}/", "GET volumes/{volume_id}/"]) / options.count);
      if (countingEmulator.inventory().volumes.length !== 0) throw new Error(`after the counted destroy the emulator still holds ${countingEmulator.inventory().volumes.length} volumes`);
      countedTimes.up.push(up.ms);
      countedTimes.destroy.push(destroy.ms);

      console.log(
        `round ${round + 1} (barrack/no-op): ${line.join(", ")}; provider RSS ${rss.barrack[round].toFixed(0)}/${rss.noop[round].toFixed(0)} MiB; ` +
          `at time scale ${COUNT_TIME_SCALE}: up ${(up.ms / 1000).toFixed(1)} s, ${perCreate[round].toFixed(2)} req/create, provider RSS ${(up.providerPeakKiB / 1024).toFixed(0)} MiB, ` +
          `destroy ${(destroy.ms / 1000).toFixed(1)} s, ${perDelete[round].toFixed(2)} req/delete`,
      );
    }

    const ratio = (step: Step) => median(times.barrack[step]) / median(times.noop[step]);
    const secs = (program: "barrack" | "noop", step: Step) => (median(times[program][step]) / 1000).toFixed(2);
    const timeDetail = (step: Step) => `barrack ${secs("barrack", step)} s, no-op ${secs("noop", step)} s`;
    const previewSteps: ("preview" | "preview again")[] = ["preview", "preview again"];
    const targets: Target[] = [
      { name: "up (create all)", value: ratio("up"), target: 1.1, unit: "×", detail: timeDetail("up") },
      { name: "preview (empty stack)", value: ratio("preview"), target: 1.05, unit: "×", detail: timeDetail("preview") },
      { name: "preview (no changes)", value: ratio("preview again"), target: 1.05, unit: "×", detail: timeDetail("preview again") },
      { name: "destroy (delete all)", value: ratio("destroy"), target: 1.15, unit: "×", detail: timeDetail("destroy") },
      {
        name: "API mutations during previews",
        value: Math.max(...previewSteps.flatMap((s) => mutations[s])),
        target: 0,
        unit: "",
        detail: previewSteps.map((s) => `${s}: ${median(previewRequests[s]).toFixed(0)} GETs`).join(", "),
      },
      {
        name: "requests per create",
        value: median(perCreate),
        target: 2.5,
        unit: "",
        detail: `POST + GETs of each volume at time scale ${COUNT_TIME_SCALE}; all requests of that up: ${median(upRequests).toFixed(0)}`,
      },
      { name: "requests per delete", value: median(perDelete), target: 2, unit: "", detail: `DELETE + GETs of each volume at time scale ${COUNT_TIME_SCALE}` },
      {
        name: "provider peak RSS during up",
        value: median(rss.barrack) / median(rss.noop),
        target: 1.05,
        unit: "×",
        detail: `barrack ${median(rss.barrack).toFixed(1)} MiB, no-op ${median(rss.noop).toFixed(1)} MiB (VmHWM)`,
      },
    ];

    console.log(`\nmedians of ${options.rounds} round(s), ${((Date.now() - started) / 1000).toFixed(0)} s in all:\n`);
    const width = Math.max(...targets.map((t) => t.name.length));
    for (const t of targets) {
      const value = t.unit === "×" ? `${t.value.toFixed(3)}×` : Number.isInteger(t.value) ? String(t.value) : t.value.toFixed(2);
      const ok = t.value <= t.target + 1e-9;
      console.log(`${t.name.padEnd(width)}  ${value.padStart(8)}  target ≤ ${t.target}${t.unit}  ${ok ? "PASS" : "MISS"}  (${t.detail})`);
    }

    const loadMiB = implementationLoadKiB() / 1024;
    console.log(
      `\nfor reference: loading the Volume implementation adds ${loadMiB.toFixed(1)} MiB of RSS before any request ` +
        `(${((100 * loadMiB) / median(rss.noop)).toFixed(1)} % of the no-op's peak; the RSS target allows 5 % in all)`,
    );

    // For reference, the counted stack's up and destroy (not compared with the no-op): each volume is
    // "creating" for DEFAULT_DELAYS.volumeCreate simulated seconds (and "deleting" for volumeDelete), and
    // the engine runs `parallel` steps at once, so they wait about ceil(count / parallel) such delays for
    // the emulated platform. An estimate, not a bound: creates overlap with the program registering.
    const parallel = options.parallel ?? CLI_DEFAULT_PARALLEL;
    const waves = Math.ceil(options.count / parallel);
    const platformMs = (delaySeconds: number) => waves * delaySeconds * COUNT_TIME_SCALE * 1000;
    console.log(
      `\nat time scale ${COUNT_TIME_SCALE} (the counted stack; ${waves} waves of ${parallel} at once; a volume is creating ` +
        `${DEFAULT_DELAYS.volumeCreate * COUNT_TIME_SCALE * 1000} ms, deleting ${DEFAULT_DELAYS.volumeDelete * COUNT_TIME_SCALE * 1000} ms):`,
    );
    for (const [step, delay] of [["up", DEFAULT_DELAYS.volumeCreate], ["destroy", DEFAULT_DELAYS.volumeDelete]] as ["up" | "destroy", number][]) {
      const counted = median(countedTimes[step]);
      const wait = platformMs(delay);
      console.log(
        `  ${step}: ${(counted / 1000).toFixed(2)} s, of which about ${(wait / 1000).toFixed(2)} s waiting for the platform; ` +
          `less that wait ${((counted - wait) / median(times.noop[step])).toFixed(3)}× the no-op's ${step}`,
      );
    }
  } finally {
    await emulator.stop();
    await countingEmulator.stop();
    if (options.keep) console.log(`\nkept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
