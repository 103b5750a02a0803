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
 * With `--plugin`, the same N Volumes served by the native plugin `pulumi-resource-barrack` join every
 * step of every round (the plugin archive from `npm run build:plugin`, installed into the run's
 * PULUMI_HOME), each program against an emulator of its own at WALL_TIME_SCALE, and are printed as ratios
 * against the same run's dynamic resources (the target: ≤ 1.0× in up, both previews and destroy) and
 * no-op, in two front ends:
 *   - plugin:    a TypeScript program declaring `new pulumi.CustomResource("barrack:index:Volume", …)` with
 *                the same inputs and the Volume's outputs (as the generated SDK declares them), registered
 *                without debug stacks as the dynamic classes are: the same language host, ts-node and
 *                program-side cost as `barrack`, so that the ratio is the provider's (plugin vs
 *                dynamic-provider process);
 *   - plugin-py: the Python SDK (`pulumi_barrack.Volume`), as a Python user runs it: that ratio also holds
 *                Python's own start-up and SDK (no Python no-op exists to take them out: dynamic
 *                providers are Node-only).
 *
 * The CLI comes from scripts/ensure-pulumi.sh (or PULUMI_BARRACK_BIN_DIR), as for the e2e tests.
 */
import { ChildProcess, execFile, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_DELAYS, startEmulator, type RunningEmulator } from "../emulator";
import { exitCode, installPlugin, offlineEnv, pluginArchive, pulumiBinDir, pythonEnv, REPO_ROOT, writeProject, writePythonProject } from "./engine";

/** The emulator the wall times are measured against: near-instant, so they compare what the provider adds. */
const WALL_TIME_SCALE = 0.0001;
/** The emulator of the counted up/destroy (requests per create and per delete), as the issue asks. */
const COUNT_TIME_SCALE = 0.01;

type Program = "barrack" | "noop" | "counted" | "plugin" | "plugin-py";
/** The programs timed step by step against each other (the plugin's two with `--plugin`). */
type Timed = Exclude<Program, "counted">;
/** The timed programs whose Volumes reach an emulator. */
type Served = Exclude<Timed, "noop">;
const PLUGIN_PROGRAMS: Served[] = ["plugin", "plugin-py"];
type Step = "preview" | "up" | "preview again" | "destroy";
const STEPS: Step[] = ["preview", "up", "preview again", "destroy"];

interface Options {
  rounds: number;
  count: number;
  keep: boolean;
  /** `--parallel` for up and destroy; undefined: the CLI's default (8). */
  parallel?: number;
  /** Also time the native plugin (a TypeScript and a Python program). */
  plugin: boolean;
}

/** The CLI's default `--parallel` (pulumi 3.248). */
const CLI_DEFAULT_PARALLEL = 8;

function parseArgs(argv: string[]): Options {
  const options: Options = { rounds: 3, count: 100, keep: process.env.PULUMI_BARRACK_KEEP_TMP === "1", plugin: false };
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
    else if (arg === "--plugin") options.plugin = true;
    else if (arg === "--help" || arg === "-h") {
      console.log("usage: node dist/scripts/bench-engine.js [--rounds N (3)] [--count N (100)] [--parallel P (the CLI's, 8)] [--plugin] [--keep]");
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------------
// The programs
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

/** The Volume's outputs as the plugin's schema (and so the generated SDKs) declares them. */
function volumeOutputKeys(): string[] {
  const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "plugin", "schema.json"), "utf8")) as {
    resources: Record<string, { properties: Record<string, unknown>; inputProperties: Record<string, unknown> }>;
  };
  const volume = schema.resources["barrack:index:Volume"]!;
  return Object.keys(volume.properties).filter((key) => !["region", "type", "sizeGb"].includes(key));
}

/**
 * N Volumes for the plugin, in TypeScript without the generated SDK: the type token, the same inputs as
 * `barrackProgram`, every other property declared as an output (undefined), as an SDK class does; and
 * registered with Error.stackTraceLimit at 0, as the dynamic classes register (see provider/dynamic/resource.ts),
 * so that the program's side costs the same as `barrack`'s.
 */
function pluginProgram(count: number): string {
  const outputs = volumeOutputKeys().map((key) => `${key}: undefined`).join(", ");
  return `import * as pulumi from "@pulumi/pulumi";

const limit = Error.stackTraceLimit;
Error.stackTraceLimit = 0;
for (let i = 0; i < ${count}; i++) {
  new pulumi.CustomResource("barrack:index:Volume", \`vol-\${i}\`, { region: "FINLAND-1", type: "NVMe", sizeGb: 100, ${outputs} });
}
Error.stackTraceLimit = limit;
`;
}

/** N Volumes for the plugin in Python, with the generated SDK (`pulumi_barrack`). */
function pythonProgram(count: number): string {
  return `import pulumi_barrack as barrack

for i in range(${count}):
    barrack.Volume(f"vol-{i}", region="FINLAND-1", type="NVMe", size_gb=100)
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
  /** Peak VmHWM of the provider process(es) started by this run (dynamic, or the plugin), in KiB (0 if never seen). */
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

/** What a provider process's command line holds: the dynamic-provider launcher, or the plugin's executable. */
const PROVIDER_MARKERS: Record<"dynamic" | "plugin", string> = {
  dynamic: "@pulumi/pulumi/cmd/dynamic-provider",
  plugin: "pulumi-resource-barrack",
};

/** The provider processes under `root` (our CLI run only: other runs on the machine are not ours). */
function providerPids(root: number, marker: string): number[] {
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
    if (cmdline.includes(marker) && descendsFrom(pid, root)) pids.push(pid);
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

function runCli(binDir: string, cwd: string, env: NodeJS.ProcessEnv, args: string[], sampleMemory?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const peaks = new Map<number, number>();
    let child: ChildProcess | undefined;
    let sampler: NodeJS.Timeout | undefined;
    if (sampleMemory) {
      sampler = setInterval(() => {
        if (child?.pid === undefined) return;
        for (const pid of providerPids(child.pid, sampleMemory)) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, peakKiB(pid)));
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

  async cli(args: string[], sampleMemory?: string): Promise<CliRun> {
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
        return this.cli(["up", "--yes", "--skip-preview", ...parallel], PROVIDER_MARKERS[this.program === "plugin" || this.program === "plugin-py" ? "plugin" : "dynamic"]);
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
  // Missing pieces of the plugin's part are said before anything starts.
  const pluginEnv = options.plugin ? (pluginArchive(), pythonEnv()) : {};
  const timed: Timed[] = options.plugin ? ["barrack", "noop", ...PLUGIN_PROGRAMS] : ["barrack", "noop"];
  const served = timed.filter((p): p is Served => p !== "noop");
  // At this time scale an hour of billing passes in 0.36 s: a balance that lasts any number of rounds.
  // One emulator per served program, so that each step's inventory and requests are that program's alone.
  const emulators = {} as Record<Served, RunningEmulator>;
  for (const program of served) emulators[program] = await startEmulator({ port: 0, timeScale: WALL_TIME_SCALE, balance: 1e9 });
  const countingEmulator: RunningEmulator = await startEmulator({ port: 0, timeScale: COUNT_TIME_SCALE });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-barrack-bench-engine-"));
  const started = Date.now();
  try {
    const home = path.join(tmp, "home");
    const state = path.join(tmp, "state");
    fs.mkdirSync(home);
    fs.mkdirSync(state);
    const env: NodeJS.ProcessEnv = { ...process.env, ...offlineEnv(binDir, home, state), ...pluginEnv };
    const stacks = {} as Record<Program, Stack>;
    for (const program of [...timed, "counted"] as Program[]) stacks[program] = new Stack(program, path.join(tmp, program), binDir, env, options.parallel);
    writeProject(stacks.barrack.dir, "bench-barrack", barrackProgram(options.count));
    writeProject(stacks.noop.dir, "bench-noop", noopProgram(options.count));
    writeProject(stacks.counted.dir, "bench-counted", barrackProgram(options.count));
    if (options.plugin) {
      writeProject(stacks.plugin.dir, "bench-plugin", pluginProgram(options.count));
      writePythonProject(stacks["plugin-py"].dir, "bench-plugin-py", pythonProgram(options.count));
      await installPlugin(binDir, tmp, env as Record<string, string>);
    }
    for (const s of Object.values(stacks)) await s.cli(["stack", "init"]);
    for (const [s, emu] of [...served.map((p) => [stacks[p], emulators[p]] as const), [stacks.counted, countingEmulator] as const]) {
      await s.cli(["config", "set", "barrack:endpoint", emu.url]);
      await s.cli(["config", "set", "--secret", "barrack:apiKey", emu.apiKey]);
    }
    const version = (await runCli(binDir, tmp, env, ["version"])).stdout.trim();
    console.log(
      `pulumi-barrack engine benchmark: ${options.count} Volumes vs ${options.count} no-op dynamic resources` +
        `${options.plugin ? ` (and ${options.count} Volumes through the native plugin, from TypeScript and from Python)` : ""}, ${options.rounds} round(s), ` +
        `pulumi ${version}, node ${process.version}, emulator time scale ${WALL_TIME_SCALE} (wall times) and ${COUNT_TIME_SCALE} (requests), ` +
        `--parallel ${options.parallel ?? `${CLI_DEFAULT_PARALLEL} (the CLI's)`}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} (${new Date().toISOString()})\n`,
    );

    const steps = (): Record<Step, number[]> => ({ preview: [], up: [], "preview again": [], destroy: [] });
    const times = Object.fromEntries(timed.map((p) => [p, steps()])) as Record<Timed, Record<Step, number[]>>;
    const countedTimes: Record<"up" | "destroy", number[]> = { up: [], destroy: [] };
    const rss = Object.fromEntries(timed.map((p) => [p, [] as number[]])) as Record<Timed, number[]>;
    const perCreate: number[] = [];
    const perDelete: number[] = [];
    const upRequests: number[] = [];
    /** Requests each served program's timed up and destroy sent (for reference: the same work, two front ends). */
    const timedRequests = Object.fromEntries(served.map((p) => [p, { up: [] as number[], destroy: [] as number[] }])) as Record<Served, Record<"up" | "destroy", number[]>>;
    const mutations = Object.fromEntries(served.map((p) => [p, { preview: [] as number[], "preview again": [] as number[] }])) as Record<Served, Record<"preview" | "preview again", number[]>>;
    const previewRequests = Object.fromEntries(served.map((p) => [p, { preview: [] as number[], "preview again": [] as number[] }])) as Record<Served, Record<"preview" | "preview again", number[]>>;

    for (let round = 0; round < options.rounds; round++) {
      const line: string[] = [];
      for (const step of STEPS) {
        // Rotate which program goes first from step to step as well as from round to round (with two
        // programs: alternate).
        const shift = (round + STEPS.indexOf(step)) % timed.length;
        const stepOrder = [...timed.slice(shift), ...timed.slice(0, shift)];
        for (const program of stepOrder) {
          const emu = program === "noop" ? undefined : emulators[program];
          emu?.resetCounters();
          const r = await stacks[program].step(step);
          times[program][step].push(r.ms);
          if (step === "up") rss[program].push(r.providerPeakKiB / 1024);
          if (program === "noop" || emu === undefined) continue;
          const c = emu.counters();
          const held = emu.inventory().volumes.length;
          if (step === "up") {
            if (held !== options.count) throw new Error(`after up (${program}) the emulator holds ${held} volumes, not ${options.count}`);
            timedRequests[program].up.push(total(c));
          } else if (step === "destroy") {
            if (held !== 0) throw new Error(`after destroy (${program}) the emulator still holds ${held} volumes`);
            timedRequests[program].destroy.push(total(c));
          } else {
            const m = mutationsOf(c);
            mutations[program][step].push(total(m));
            previewRequests[program][step].push(total(c));
            if (total(m) > 0) console.log(`  round ${round + 1} ${step} (${program}): API mutations ${JSON.stringify(m)}`);
          }
        }
        line.push(`${step} ${timed.map((p) => (times[p][step][round] / 1000).toFixed(1)).join("/")} s`);
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
        `round ${round + 1} (${timed.map(label).join("/")}): ${line.join(", ")}; provider RSS ${timed.map((p) => rss[p][round].toFixed(0)).join("/")} MiB; ` +
          `at time scale ${COUNT_TIME_SCALE}: up ${(up.ms / 1000).toFixed(1)} s, ${perCreate[round].toFixed(2)} req/create, provider RSS ${(up.providerPeakKiB / 1024).toFixed(0)} MiB, ` +
          `destroy ${(destroy.ms / 1000).toFixed(1)} s, ${perDelete[round].toFixed(2)} req/delete`,
      );
    }

    const ratioOf = (program: Timed, baseline: Timed, step: Step) => median(times[program][step]) / median(times[baseline][step]);
    const ratio = (step: Step) => ratioOf("barrack", "noop", step);
    const secs = (program: Timed, step: Step) => (median(times[program][step]) / 1000).toFixed(2);
    const timeDetail = (step: Step) => `barrack ${secs("barrack", step)} s, no-op ${secs("noop", step)} s`;
    const previewSteps: ("preview" | "preview again")[] = ["preview", "preview again"];
    const targets: Target[] = [
      { name: "up (create all)", value: ratio("up"), target: 1.1, unit: "×", detail: timeDetail("up") },
      { name: "preview (empty stack)", value: ratio("preview"), target: 1.05, unit: "×", detail: timeDetail("preview") },
      { name: "preview (no changes)", value: ratio("preview again"), target: 1.05, unit: "×", detail: timeDetail("preview again") },
      { name: "destroy (delete all)", value: ratio("destroy"), target: 1.15, unit: "×", detail: timeDetail("destroy") },
      {
        name: "API mutations during previews",
        value: Math.max(...served.flatMap((p) => previewSteps.flatMap((s) => mutations[p][s]))),
        target: 0,
        unit: "",
        detail:
          previewSteps.map((s) => `${s}: ${median(previewRequests.barrack[s]).toFixed(0)} GETs`).join(", ") +
          (options.plugin ? `; the plugin's previews included (${PLUGIN_PROGRAMS.map((p) => `${label(p)} ${previewSteps.map((s) => median(previewRequests[p][s]).toFixed(0)).join("/")} GETs`).join(", ")})` : ""),
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
    // The plugin against the same run's dynamic resources (the target) and no-op (for reference).
    const pluginTargets: Target[] = [];
    for (const program of options.plugin ? PLUGIN_PROGRAMS : []) {
      for (const [step, name] of [["up", "up"], ["preview", "preview (empty)"], ["preview again", "preview (no changes)"], ["destroy", "destroy"]] as [Step, string][]) {
        pluginTargets.push({
          name: `${label(program)} ${name}`,
          value: ratioOf(program, "barrack", step),
          target: 1.0,
          unit: "×",
          detail: `${secs(program, step)} s vs barrack ${secs("barrack", step)} s; ${ratioOf(program, "noop", step).toFixed(3)}× the no-op's ${secs("noop", step)} s`,
        });
      }
    }

    console.log(`\nmedians of ${options.rounds} round(s), ${((Date.now() - started) / 1000).toFixed(0)} s in all:\n`);
    const width = Math.max(...[...targets, ...pluginTargets].map((t) => t.name.length));
    const print = (t: Target) => {
      const value = t.unit === "×" ? `${t.value.toFixed(3)}×` : Number.isInteger(t.value) ? String(t.value) : t.value.toFixed(2);
      const ok = t.value <= t.target + 1e-9;
      console.log(`${t.name.padEnd(width)}  ${value.padStart(8)}  target ≤ ${t.target}${t.unit}  ${ok ? "PASS" : "MISS"}  (${t.detail})`);
    };
    for (const t of targets) print(t);
    if (options.plugin) {
      console.log(
        `\nthe native plugin, against the dynamic resources (barrack) of the same run (plugin: a TypeScript program of ` +
          `pulumi.CustomResource("barrack:index:Volume"); plugin-py: the Python SDK, Python's start-up included):\n`,
      );
      for (const t of pluginTargets) print(t);
      const requests = (step: "up" | "destroy") => served.map((p) => `${label(p)} ${median(timedRequests[p][step]).toFixed(0)}`).join(", ");
      console.log(
        `\nfor reference: provider peak RSS during up ${served.map((p) => `${label(p)} ${median(rss[p]).toFixed(1)} MiB`).join(", ")} (the plugin: its one executable); ` +
          `API requests at time scale ${WALL_TIME_SCALE}: up ${requests("up")}; destroy ${requests("destroy")}`,
      );
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
    for (const emu of Object.values(emulators)) await emu.stop();
    await countingEmulator.stop();
    if (options.keep) console.log(`\nkept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** How the output names a program. */
function label(program: Timed): string {
  return program === "noop" ? "no-op" : program;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
