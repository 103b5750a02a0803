/**
 * What the e2e suites share: one emulator per suite (started in beforeAll, stopped in afterAll, after the
 * suite's stacks are disposed), the emulator's mutating requests, inventory summaries, the built `barrack`
 * command run against it, and the check that an example compiles as a user's program would.
 *
 *   const emu = useE2eEmulator();            // in a describe block, or at the top of the file
 *   let stack: TestStack;
 *   beforeAll(async () => { stack = await emu.createStack({ programDir: PROGRAM_DIR }); });
 *   it("…", async () => { emu.resetCounters(); await stack.up(); expect(mutations(emu)).toEqual({ … }); });
 */
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { createTestStack, type OperationResult, type TestStack, type TestStackOptions } from "./harness";

export type Inventory = ReturnType<RunningEmulator["inventory"]>;

/** The suite's emulator (usable in hooks and tests, once beforeAll has started it). */
export interface E2eEmulator extends RunningEmulator {
  /**
   * createTestStack against this emulator (stack config `barrack:endpoint` and secret `barrack:apiKey`
   * are its URL and key). The stack is disposed in afterAll, before the emulator stops, and must be
   * destroyed by then.
   */
  createStack(opts: Omit<TestStackOptions, "emulator">): Promise<TestStack>;
}

/**
 * Registers a beforeAll that starts an emulator (random port, timeScale 0.001, then `options`) and an
 * afterAll that disposes the stacks made by `createStack` (expecting `{ destroyed: true }` of each) and
 * then stops the emulator. Call it before the suite's own hooks, so that its beforeAll runs first.
 */
export function useE2eEmulator(options: EmulatorOptions = {}): E2eEmulator {
  let running: RunningEmulator | undefined;
  const stacks: TestStack[] = [];
  const current = (): RunningEmulator => {
    if (!running) throw new Error("the e2e emulator is not running: use it in hooks and tests, after useE2eEmulator's beforeAll");
    return running;
  };

  beforeAll(async () => {
    running = await startEmulator({ port: 0, timeScale: 0.001, ...options });
  });

  afterAll(async () => {
    try {
      for (const stack of stacks.splice(0)) expect(await stack.dispose()).toEqual({ destroyed: true });
    } finally {
      await running?.stop();
      running = undefined;
    }
  });

  const own: Pick<E2eEmulator, "createStack"> = {
    async createStack(opts) {
      const emu = current();
      const stack = await createTestStack({ ...opts, emulator: { url: emu.url, apiKey: emu.apiKey } });
      stacks.push(stack);
      return stack;
    },
  };
  // Everything but createStack is the running emulator's (its members are closures: no `this` to bind).
  return new Proxy(own as E2eEmulator, {
    get: (target, prop) => (Object.hasOwn(target, prop) ? Reflect.get(target, prop) : Reflect.get(current(), prop)),
  });
}

/** The built `barrack` command (`npm run build` makes it). */
export const BARRACK_CLI = path.resolve(__dirname, "../../dist/provider/cli/index.js");

/**
 * Runs `barrack <args>` against `emulator` (its URL and key from the environment, as a user sets them).
 * Asynchronous: the suite's emulator answers from this process.
 */
export function runBarrackCli(emulator: Pick<RunningEmulator, "url" | "apiKey">, args: string[]): Promise<CliRun> {
  return barrack(args, { env: { ...process.env, BARRACK_API_URL: emulator.url, BARRACK_API_KEY: emulator.apiKey, BARRACK_AUTH_SCHEME: "" } });
}

/**
 * Runs `barrack <args>` as a user does where they ran `pulumi up`: in the stack's project directory, with
 * its Pulumi environment and no BARRACK_* connection settings (the command reads the stack's config).
 */
export function runBarrackCliInStack(stack: Pick<TestStack, "workDir" | "env">, args: string[]): Promise<CliRun> {
  return barrack(args, { cwd: stack.workDir, env: { ...process.env, ...stack.env, BARRACK_API_URL: "", BARRACK_API_KEY: "", BARRACK_AUTH_SCHEME: "" } });
}

type CliRun = { code: number; stdout: string; stderr: string };

function barrack(args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<CliRun> {
  if (!fs.existsSync(BARRACK_CLI)) throw new Error(`${BARRACK_CLI} is missing: run \`npm run build\` first`);
  return new Promise((resolve) => {
    execFile(process.execPath, [BARRACK_CLI, ...args], options, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Requests other than GET, e.g. { "POST vms/": 1, "DELETE volumes/{volume_id}/": 2 }. */
export function mutations(emulator: Pick<RunningEmulator, "counters">): Record<string, number> {
  return Object.fromEntries(Object.entries(emulator.counters()).filter(([route]) => !route.startsWith("GET ")));
}

/** The inventory's objects: all of it but the billing figures (what a no-op must leave exactly as it was). */
export function objects(inv: Inventory): Omit<Inventory, "balance" | "costPerHour"> {
  const { balance: _balance, costPerHour: _costPerHour, ...rest } = inv;
  return rest;
}

/** An emulator holding no objects, as `objects()` shows it. */
export const NO_OBJECTS: ReturnType<typeof objects> = { instances: [], volumes: [], firewalls: [], sshKeys: [], scripts: [], snapshots: [], images: [] };

/** How many of each object the inventory holds, e.g. { instances: 1, volumes: 0, … }. */
export function objectCounts(inv: Inventory): Record<string, number> {
  return Object.fromEntries(Object.entries(objects(inv)).map(([kind, list]) => [kind, list.length]));
}

/** The property keys that made the resource's steps replaces, deduplicated and sorted. */
export function replaceKeys(result: OperationResult, name: string): string[] {
  return [...new Set(result.stepsFor(name).flatMap((s) => s.replaceKeys))].sort();
}

/** A test that `programDir/index.ts` type-checks (strict) as a user's `pulumi up` would compile it. */
export function itTypeChecksTheExample(programDir: string): void {
  it("the example type-checks as a user's `pulumi up` would compile it", () => {
    const file = path.join(programDir, "index.ts");
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      esModuleInterop: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      types: ["node"],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file ? path.basename(d.file.fileName) : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    expect(problems).toEqual([]);
  });
}

/**
 * Runs `operation` and, once the emulator has served `lookups` GPU stock lookups during it (the provider
 * is waiting for stock by then), calls `restock`. Returns the operation's result and the lookups seen.
 */
export async function restockDuring<T>(
  emulator: Pick<RunningEmulator, "counters">,
  lookups: number,
  restock: () => unknown,
  operation: () => Promise<T>,
): Promise<{ result: T; lookups: number }> {
  let seen = 0;
  const watcher = setInterval(() => {
    seen = emulator.counters()["GET gpu-stocks/"] ?? 0;
    if (seen >= lookups) {
      clearInterval(watcher);
      void restock();
    }
  }, 50);
  try {
    return { result: await operation(), lookups: seen };
  } finally {
    clearInterval(watcher);
  }
}

/**
 * Runs `pulumi up` of `stack` as a user's pipeline would, and kills it and every process of its run with
 * SIGKILL once `when` holds of the emulator's inventory (polled every 10 ms, for 2 minutes at most).
 * Returns the inventory that made it kill, or the last one seen.
 */
export async function upKilledWhen(emulator: Pick<RunningEmulator, "inventory">, stack: TestStack, binDir: string, when: (inv: Inventory) => boolean): Promise<Inventory> {
  const child = spawn(path.join(binDir, "pulumi"), ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", stack.stackName], {
    cwd: stack.workDir,
    env: { ...process.env, ...stack.env },
    detached: true,
    stdio: "ignore",
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const started = Date.now();
  let inventory = emulator.inventory();
  while (Date.now() - started < 120_000 && !when(inventory)) {
    await new Promise((r) => setTimeout(r, 10));
    inventory = emulator.inventory();
  }
  process.kill(-child.pid!, "SIGKILL");
  await exited;
  killStackProcesses(stack); // the engine starts plugins (and the language host) in groups of their own
  untearCheckpointAttributes(stack);
  return inventory;
}

/** SIGKILLs every process left of the stack's run (found by the PULUMI_HOME only that stack has). */
function killStackProcesses(stack: TestStack): void {
  const marker = `PULUMI_HOME=${stack.env.PULUMI_HOME}\0`;
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, "latin1").includes(marker)) process.kill(Number(pid), "SIGKILL");
    } catch {
      // Gone already, or not ours to read.
    }
  }
}

/**
 * A kill that lands while the CLI's local file backend writes the stack's checkpoint can leave the file's
 * attributes sidecar (`<stack>.json.attrs`, gocloud's fileblob) empty: the checkpoint itself is whole, but
 * every later command fails with "failed to load checkpoint: EOF" (seen in CI, CLI 3.276.0, 1 run in ~5).
 * That is the backend's, not the provider's, and no provider code runs before it; removing the empty
 * sidecar (the attributes are optional) is what a user does, and docs/failures-and-recovery.md says so.
 */
function untearCheckpointAttributes(stack: TestStack): void {
  const stacks = path.join(stack.tempDir, "state", ".pulumi", "stacks");
  for (const project of fs.existsSync(stacks) ? fs.readdirSync(stacks) : []) {
    const sidecar = path.join(stacks, project, `${stack.stackName}.json.attrs`);
    if (fs.existsSync(sidecar) && fs.statSync(sidecar).size === 0) fs.rmSync(sidecar);
  }
}
