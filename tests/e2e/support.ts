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
import { execFile } from "child_process";
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
