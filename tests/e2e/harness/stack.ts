/**
 * Isolated Pulumi stacks driven by the real engine, for end-to-end tests.
 *
 * Every stack gets its own temp dir (PULUMI_HOME, file:// state backend, workDir holding Pulumi.yaml and
 * Pulumi.<stack>.yaml) and a passphrase secrets provider; nothing is written into the repository and
 * nothing reaches the network (update checks and plugin downloads are off).
 *
 * Two kinds of program:
 *  - `programDir`: a directory with an `index.ts` (a real Pulumi program, e.g. `import * as barrack from
 *    "pulumi-barrack"`). It runs IN PLACE through the CLI and the `pulumi-language-nodejs` host, as a
 *    user's program would: the generated Pulumi.yaml in the temp workDir points `main:` at the entry
 *    file, so `node_modules` resolves upward from the program dir (the repo's node_modules, where
 *    `pulumi-barrack` links to the repo root: run `npm run build` first). The program dir's own
 *    Pulumi.yaml (name, runtime options, config defaults) is used if present; its `backend` is ignored.
 *    Keep programs self-contained: import by package name, not `../../provider`.
 *  - `program`: an inline function run in the jest process (Automation API `--client` mode); its
 *    dynamic providers are serialized here and executed by the engine's provider process, whose cwd is
 *    the repository root (so `require("pulumi-barrack/...")` resolves).
 *
 * The engine's provider processes inherit the CLI environment: pass the emulator's URL/key via
 * `emulator` (stack config `barrack:endpoint`, secret `barrack:apiKey`) or via `env`
 * (BARRACK_API_URL / BARRACK_API_KEY). Ambient BARRACK_* variables of the test process are blanked.
 *
 * Debugging: PULUMI_BARRACK_KEEP_TMP=1 keeps the temp dirs (they are also kept when dispose()'s destroy
 * fails); `stack.cli(["stack", "export"])` etc. run any CLI command against the stack.
 */
import { execFile } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ConfigMap,
  LocalWorkspace,
  LocalWorkspaceOptions,
  OutputMap,
  ProjectSettings,
  PulumiCommand,
  PulumiFn,
  Stack,
} from "@pulumi/pulumi/automation";
import { REPO_ROOT, pulumiBinDir } from "./cli";
import { packageVersion, pluginArchive, pythonVenv } from "./plugin";
import { EventCollector, OperationKind, OperationResult, buildResult } from "./results";

export type ConfigInput = string | { value: string; secret?: boolean };

export interface TestStackOptions {
  /** A directory holding a Pulumi program (`index.ts`, or as named by `main` / its Pulumi.yaml). */
  programDir?: string;
  /** Entry file relative to `programDir` (default: Pulumi.yaml's `main`, else index.ts, else index.js). */
  main?: string;
  /** An inline program (runs in the jest process). Exactly one of `programDir` / `program`. */
  program?: PulumiFn;
  /** Project name (default: programDir's Pulumi.yaml name, else "barrack-e2e"). Config keys without a namespace belong to it. */
  projectName?: string;
  /** Stack name (default: a unique "t-…" name). */
  stackName?: string;
  /** Stack config, e.g. `{ "barrack:apiKey": { value: key, secret: true }, size: "2" }`. */
  config?: Record<string, ConfigInput>;
  /** Shortcut: sets `barrack:endpoint` = url and secret `barrack:apiKey` = apiKey. */
  emulator?: { url: string; apiKey: string };
  /** Extra environment for the CLI, the language host, the program and the provider processes. */
  env?: Record<string, string>;
  /** Type-check programDir programs with ts-node (slower: ~+4 s per operation). Default false (transpile only). */
  typecheck?: boolean;
  /** Secrets passphrase (default: a fixed test passphrase). */
  passphrase?: string;
  /**
   * Installs the native plugin archive (`npm run build:plugin`) into the stack's PULUMI_HOME, as a user
   * does with `pulumi plugin install resource barrack <version> -f <archive>`.
   */
  plugin?: boolean;
}

export interface OperationOptions {
  /** Return the failed result (ok: false) instead of throwing; throws if the operation SUCCEEDS. */
  expectFailure?: boolean;
  /** `--refresh` (preview/up). */
  refresh?: boolean;
  /** `--target` URNs. */
  target?: string[];
  /** `--replace` URNs (preview/up). */
  replace?: string[];
  /** `--expect-no-changes`. */
  expectNoChanges?: boolean;
  /** `--parallel`. */
  parallel?: number;
  /** `--continue-on-error` (up/destroy). */
  continueOnError?: boolean;
  /** Inline stacks only: run this program instead of the stack's (e.g. a changed resource). */
  program?: PulumiFn;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A resource as recorded in the stack state (`pulumi stack export`). */
export interface StateResource {
  urn: string;
  type: string;
  name: string;
  id?: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  /** The raw state entry (protect, dependencies, additionalSecretOutputs, …). */
  raw: Record<string, unknown>;
}

export interface TestStack {
  readonly stackName: string;
  readonly projectName: string;
  /** The Automation API stack, for anything the harness does not wrap. */
  readonly stack: Stack;
  /** Where Pulumi.yaml / Pulumi.<stack>.yaml live (inside tempDir). */
  readonly workDir: string;
  /** The stack's temp dir (home/, state/, work/). */
  readonly tempDir: string;
  /** The environment every CLI invocation gets on top of process.env. */
  readonly env: Readonly<Record<string, string>>;

  up(opts?: OperationOptions): Promise<OperationResult>;
  preview(opts?: OperationOptions): Promise<OperationResult>;
  refresh(opts?: OperationOptions): Promise<OperationResult>;
  destroy(opts?: OperationOptions): Promise<OperationResult>;

  /** Stack outputs as plain values (secrets revealed). */
  outputs(): Promise<Record<string, unknown>>;
  /** Stack outputs with their secret flags. */
  outputMap(): Promise<OutputMap>;
  setConfig(key: string, value: ConfigInput): Promise<void>;
  setAllConfig(values: Record<string, ConfigInput>): Promise<void>;
  removeConfig(key: string): Promise<void>;
  /** Raw `pulumi stack export` JSON text (secrets stay encrypted unless showSecrets). */
  exportState(opts?: { showSecrets?: boolean }): Promise<string>;
  /** `pulumi stack import` of JSON text (e.g. an edited export). */
  importState(json: string): Promise<void>;
  /** Resources in the state, without the stack resource and provider resources. */
  resources(opts?: { showSecrets?: boolean }): Promise<StateResource[]>;
  /**
   * Runs `pulumi <args>` in workDir with the stack's environment (adds `--stack` unless present, or unless
   * `selectedStack`: then the CLI takes the workspace's selected stack, this one). Never throws on a non-zero exit.
   */
  cli(args: string[], opts?: { selectedStack?: boolean }): Promise<CliResult>;
  /** Destroys whatever is left (errors are reported, not thrown), then removes the temp dirs. Idempotent. */
  dispose(): Promise<{ destroyed: boolean; error?: string }>;
}

/** Thrown by an operation that failed without `expectFailure`; `result` holds everything captured. */
export class PulumiOperationError extends Error {
  constructor(readonly result: OperationResult) {
    const errors = result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
    super(
      `pulumi ${result.kind} failed` +
        (errors.length ? `:\n${errors.join("\n")}` : "") +
        `\n--- Automation API error ---\n${result.error ?? ""}`,
    );
    this.name = "PulumiOperationError";
  }
}

const DEFAULT_PASSPHRASE = "pulumi-barrack-e2e-passphrase";
const KEEP_TMP = process.env.PULUMI_BARRACK_KEEP_TMP === "1";
const live = new Set<TestStack>();
let commandPromise: Promise<PulumiCommand> | undefined;

async function pulumiCommand(binDir: string): Promise<PulumiCommand> {
  if (!commandPromise) {
    commandPromise = (async () => {
      let root = path.dirname(binDir);
      if (path.basename(binDir) !== "bin") {
        // PulumiCommand wants <root>/bin/pulumi.
        root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-barrack-cli-"));
        fs.mkdirSync(path.join(root, "bin"));
        fs.symlinkSync(path.join(binDir, "pulumi"), path.join(root, "bin", "pulumi"));
      }
      return PulumiCommand.get({ root, skipVersionCheck: true });
    })();
    commandPromise.catch(() => (commandPromise = undefined));
  }
  return commandPromise;
}

function toConfigMap(values: Record<string, ConfigInput>): ConfigMap {
  const map: ConfigMap = {};
  for (const [key, v] of Object.entries(values)) {
    map[key] = typeof v === "string" ? { value: v, secret: false } : { value: v.value, secret: v.secret === true };
  }
  return map;
}

function plainOutputs(map: OutputMap): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v.value]));
}

function uniqueStackName(): string {
  return `t-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

function resolveEntry(programDir: string, main: string | undefined): string {
  const candidates = main ? [main] : ["index.ts", "index.js"];
  for (const c of candidates) {
    let p = path.resolve(programDir, c);
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) {
      p = ["index.ts", "index.js"].map((f) => path.join(p, f)).find((f) => fs.existsSync(f)) ?? p;
    }
    if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  }
  throw new Error(`createTestStack: no program entry in ${programDir} (looked for ${candidates.join(", ")})`);
}

async function programDirSettings(programDir: string, cmd: PulumiCommand, opts: TestStackOptions): Promise<ProjectSettings> {
  let settings: ProjectSettings = { name: "barrack-e2e", runtime: "nodejs" };
  if (["Pulumi.yaml", "Pulumi.yml", "Pulumi.json"].some((f) => fs.existsSync(path.join(programDir, f)))) {
    // Read only: a workspace on the program dir with no settings passed writes nothing.
    const ws = await LocalWorkspace.create({ workDir: programDir, pulumiCommand: cmd });
    settings = { ...(await ws.projectSettings()) };
    delete settings.backend;
  }
  const runtime = typeof settings.runtime === "string" ? settings.runtime : settings.runtime?.name;
  if (runtime === "python") {
    // A Python program is its directory (`__main__.py`); createTestStack picks its interpreter.
    settings.main = programDir;
    settings.runtime = { name: "python" };
  } else {
    settings.main = resolveEntry(programDir, opts.main ?? settings.main);
  }
  if (opts.projectName) settings.name = opts.projectName;
  return settings;
}

/** Creates an isolated stack (temp dirs, file backend, passphrase secrets) and applies the initial config. */
export async function createTestStack(opts: TestStackOptions): Promise<TestStack> {
  if (!!opts.programDir === !!opts.program) throw new Error("createTestStack: pass exactly one of programDir / program");
  const binDir = pulumiBinDir(); // throws PulumiCliUnavailableError: e2e tests never skip
  const cmd = await pulumiCommand(binDir);

  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-barrack-e2e-"));
  const home = path.join(tempDir, "home");
  const state = path.join(tempDir, "state");
  const workDir = path.join(tempDir, "work");
  for (const d of [home, state, workDir]) fs.mkdirSync(d);

  const env: Record<string, string> = {
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: opts.passphrase ?? DEFAULT_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: opts.typecheck ? "false" : "true",
    // Never let ambient credentials reach the provider: tests say explicitly what it gets.
    BARRACK_API_KEY: "",
    BARRACK_API_URL: "",
    BARRACK_AUTH_SCHEME: "",
    ...opts.env,
  };

  const stackName = opts.stackName ?? uniqueStackName();
  const wsOpts: LocalWorkspaceOptions = { pulumiCommand: cmd, pulumiHome: home, envVars: env };
  let stack: Stack;
  try {
    if (opts.program) {
      const projectName = opts.projectName ?? "barrack-e2e";
      stack = await LocalWorkspace.createOrSelectStack(
        { stackName, projectName, program: opts.program },
        // main: the engine starts the dynamic-provider process there; it must resolve @pulumi/pulumi
        // and pulumi-barrack from node_modules (notes §4).
        { ...wsOpts, workDir, projectSettings: { name: projectName, runtime: "nodejs", main: REPO_ROOT } },
      );
    } else {
      const programDir = path.resolve(opts.programDir!);
      const projectSettings = await programDirSettings(programDir, cmd, opts);
      if (typeof projectSettings.runtime === "object" && projectSettings.runtime.name === "python") {
        // The virtualenv with pulumi and pulumi_barrack. The language host built here (sdk v3.68) predates
        // the `virtualenv` runtime option as newer CLIs send it, but reads PULUMI_PYTHON_CMD.
        env.PULUMI_PYTHON_CMD = path.join(pythonVenv(), "bin", "python");
      }
      stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir }, { ...wsOpts, projectSettings });
    }
  } catch (err) {
    if (!KEEP_TMP) fs.rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
  const projectName = (await stack.workspace.projectSettings()).name;

  const runCli = (args: string[], o: { selectedStack?: boolean } = {}): Promise<CliResult> =>
    new Promise((resolve) => {
      const full = [...args];
      if (!o.selectedStack && !full.includes("--stack") && !full.includes("-s")) full.push("--stack", stackName);
      if (!full.includes("--non-interactive")) full.push("--non-interactive");
      execFile(
        path.join(binDir, "pulumi"),
        full,
        { cwd: workDir, env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });

  const exportState = async (o?: { showSecrets?: boolean }): Promise<string> => {
    const r = await runCli(["stack", "export", ...(o?.showSecrets ? ["--show-secrets"] : [])]);
    if (r.code !== 0) throw new Error(`pulumi stack export failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };

  const resources = async (o?: { showSecrets?: boolean }): Promise<StateResource[]> => {
    const parsed = JSON.parse(await exportState(o)) as { deployment?: { resources?: Record<string, unknown>[] } };
    return (parsed.deployment?.resources ?? [])
      .filter((r) => {
        const type = String(r.type);
        return type !== "pulumi:pulumi:Stack" && !type.startsWith("pulumi:providers:");
      })
      .map((r) => {
        const urn = String(r.urn);
        return {
          urn,
          type: String(r.type),
          name: urn.slice(urn.lastIndexOf("::") + 2),
          ...(r.id ? { id: String(r.id) } : {}),
          inputs: (r.inputs ?? {}) as Record<string, unknown>,
          outputs: (r.outputs ?? {}) as Record<string, unknown>,
          raw: r,
        };
      });
  };

  const operation = async (kind: OperationKind, o: OperationOptions = {}): Promise<OperationResult> => {
    const collector = new EventCollector();
    // The CLI's own stdout/stderr, streamed (on failure the Automation API folds both into one message).
    let stdout = "";
    let stderr = "";
    const common = {
      onEvent: collector.onEvent,
      onOutput: (out: string) => void (stdout += out),
      onError: (err: string) => void (stderr += err),
      color: "never" as const,
    };
    let result: OperationResult;
    try {
      switch (kind) {
        case "preview": {
          const r = await stack.preview({
            ...common,
            ...pick(o, ["refresh", "target", "replace", "expectNoChanges", "parallel", "program"]),
          });
          result = buildResult(kind, collector, { ok: true, summary: collector.summary ?? r.changeSummary, stdout, stderr });
          break;
        }
        case "up": {
          const r = await stack.up({
            ...common,
            ...pick(o, ["refresh", "target", "replace", "expectNoChanges", "parallel", "program", "continueOnError"]),
          });
          result = buildResult(kind, collector, {
            ok: true,
            summary: collector.summary ?? r.summary.resourceChanges ?? {},
            stdout,
            stderr,
            outputs: plainOutputs(r.outputs),
          });
          break;
        }
        case "refresh": {
          const r = await stack.refresh({ ...common, ...pick(o, ["target", "expectNoChanges", "parallel"]) });
          result = buildResult(kind, collector, { ok: true, summary: collector.summary ?? r.summary.resourceChanges ?? {}, stdout, stderr });
          break;
        }
        case "destroy": {
          const r = await stack.destroy({ ...common, ...pick(o, ["target", "parallel", "continueOnError"]) });
          result = buildResult(kind, collector, { ok: true, summary: collector.summary ?? r.summary.resourceChanges ?? {}, stdout, stderr });
          break;
        }
      }
    } catch (err) {
      const failed = buildResult(kind, collector, {
        ok: false,
        stdout,
        stderr,
        error: err instanceof Error ? err.message : String(err),
      });
      if (o.expectFailure) return failed;
      throw new PulumiOperationError(failed);
    }
    if (o.expectFailure) {
      throw new Error(`expected pulumi ${kind} to fail, but it succeeded (changes: ${JSON.stringify(result.summary)})\n${result.stdout}`);
    }
    return result;
  };

  let disposed = false;
  const testStack: TestStack = {
    stackName,
    projectName,
    stack,
    workDir,
    tempDir,
    env,
    up: (o) => operation("up", o),
    preview: (o) => operation("preview", o),
    refresh: (o) => operation("refresh", o),
    destroy: (o) => operation("destroy", o),
    outputs: async () => plainOutputs(await stack.outputs()),
    outputMap: () => stack.outputs(),
    setConfig: (key, value) => stack.setAllConfig(toConfigMap({ [key]: value })),
    setAllConfig: (values) => stack.setAllConfig(toConfigMap(values)),
    removeConfig: (key) => stack.removeConfig(key),
    exportState,
    importState: async (json) => {
      const file = path.join(tempDir, `import-${randomBytes(4).toString("hex")}.json`);
      fs.writeFileSync(file, json);
      try {
        const r = await runCli(["stack", "import", "--file", file]);
        if (r.code !== 0) throw new Error(`pulumi stack import failed (${r.code}): ${r.stderr}`);
      } finally {
        fs.rmSync(file, { force: true });
      }
    },
    resources,
    cli: runCli,
    dispose: async () => {
      if (disposed) return { destroyed: true };
      disposed = true;
      live.delete(testStack);
      let outcome: { destroyed: boolean; error?: string } = { destroyed: true };
      try {
        if ((await resources()).length > 0) await operation("destroy");
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        outcome = { destroyed: false, error };
        console.warn(`e2e harness: destroying leftovers of stack ${stackName} failed (temp dir ${tempDir}):\n${error}`);
      }
      if (!KEEP_TMP && outcome.destroyed) fs.rmSync(tempDir, { recursive: true, force: true });
      return outcome;
    },
  };
  live.add(testStack);

  if (opts.plugin) {
    const installed = await runCli(["plugin", "install", "resource", "barrack", packageVersion(), "-f", pluginArchive()], { selectedStack: true });
    if (installed.code !== 0) {
      await testStack.dispose();
      throw new Error(`pulumi plugin install resource barrack failed (${installed.code}): ${installed.stderr}`);
    }
  }
  const initial: Record<string, ConfigInput> = {};
  if (opts.emulator) {
    initial["barrack:endpoint"] = opts.emulator.url;
    initial["barrack:apiKey"] = { value: opts.emulator.apiKey, secret: true };
  }
  Object.assign(initial, opts.config);
  if (Object.keys(initial).length > 0) {
    try {
      await testStack.setAllConfig(initial);
    } catch (err) {
      await testStack.dispose();
      throw err;
    }
  }
  return testStack;
}

/** Disposes every stack this process created and has not disposed yet (for `afterAll`). */
export async function disposeAllTestStacks(): Promise<void> {
  for (const s of [...live]) await s.dispose();
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
