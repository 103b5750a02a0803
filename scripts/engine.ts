/**
 * Running the real Pulumi CLI from a script (chaos, benchmarks): the CLI (found or built by
 * scripts/ensure-pulumi.sh), project directories that resolve `@pulumi/pulumi` and `pulumi-barrack` from
 * this repository, stacks on a file backend of their own, and the offline environment the CLI needs (no
 * update check, no plugin downloads). For the native plugin: its archive (`npm run build:plugin`),
 * installed into a PULUMI_HOME as a user does, and Python projects run with a virtualenv holding PyPI's
 * `pulumi` and this checkout's `sdk/python` (the e2e harness uses the same).
 */
import { execFile, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The repository: the nearest directory up from here with a package.json (scripts/ in the sources, dist/scripts/ built). */
export const REPO_ROOT = ((): string => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

/** The Pulumi CLI's directory: $PULUMI_BARRACK_BIN_DIR, else what scripts/ensure-pulumi.sh finds or builds. */
export function pulumiBinDir(): string {
  const fromEnv = process.env.PULUMI_BARRACK_BIN_DIR;
  if (fromEnv) return fromEnv;
  const r = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "ensure-pulumi.sh")], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const dir = r.stdout.trim().split("\n").pop()?.trim() ?? "";
  if (r.status !== 0 || dir === "") throw new Error(`scripts/ensure-pulumi.sh failed (status ${r.status}): no Pulumi CLI`);
  return dir;
}

/** The environment for the CLI: `binDir` first on PATH, a file backend, passphrase secrets, nothing fetched. */
export function offlineEnv(binDir: string, home: string, state: string): Record<string, string> {
  return {
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: "pulumi-barrack-scripts",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    // Never let ambient credentials reach the provider: the stacks say what it gets.
    BARRACK_API_KEY: "",
    BARRACK_API_URL: "",
    BARRACK_AUTH_SCHEME: "",
  };
}

/** The package's version (the plugin's and the SDKs'). */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
}

/** The plugin archive for this machine, as `npm run build:plugin` writes it; throws, saying how to get it, if missing. */
export function pluginArchive(): string {
  const file = path.join(REPO_ROOT, "dist", "plugin", `pulumi-resource-barrack-v${packageVersion()}-linux-amd64.tar.gz`);
  if (!fs.existsSync(file)) throw new Error(`the plugin archive ${path.relative(REPO_ROOT, file)} is missing: run \`npm run build:plugin\` first`);
  return file;
}

/** `pulumi plugin install resource barrack <version> -f <archive>` into the PULUMI_HOME of `env`. */
export async function installPlugin(binDir: string, cwd: string, env: Record<string, string>): Promise<void> {
  const args = ["plugin", "install", "resource", "barrack", packageVersion(), "-f", pluginArchive(), "--non-interactive"];
  const r = await new Promise<{ code: number; output: string }>((resolve) =>
    execFile(path.join(binDir, "pulumi"), args, { cwd, env: { ...process.env, ...env } }, (error, stdout, stderr) => resolve({ code: exitCode(error), output: `${stdout}\n${stderr}` })),
  );
  if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed: ${r.output}`);
}

let venv: string | undefined;

/**
 * A virtualenv with PyPI's `pulumi` (scripts/ensure-python.sh) and this checkout's `sdk/python`
 * (`pulumi_barrack`), reinstalled when the SDK's files changed; jest workers and scripts take turns (flock).
 * The e2e harness uses it too (tests/e2e/harness/plugin.ts).
 */
export function pythonVenv(): string {
  if (venv !== undefined) return venv;
  const ensure = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "ensure-python.sh")], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const dir = ensure.stdout.trim().split("\n").pop()?.trim() ?? "";
  if (ensure.status !== 0 || dir === "" || !fs.existsSync(path.join(dir, "bin", "python"))) {
    throw new Error(`scripts/ensure-python.sh could not provide a Python virtualenv with pulumi (it needs python3 and PyPI):\n${ensure.stderr.trim().split("\n").slice(-20).join("\n")}`);
  }
  const sdk = path.join(REPO_ROOT, "sdk", "python");
  const stamp = path.join(dir, ".pulumi-barrack-sdk");
  const install = spawnSync(
    "flock",
    [path.join(dir, ".sdk.lock"), "bash", "-c", `[ "$(cat "$1" 2>/dev/null)" = "$2" ] || { "$3/bin/pip" install --quiet --no-deps --force-reinstall "$4" >&2 && echo "$2" > "$1"; }`, "_", stamp, treeHash(sdk), dir, sdk],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  if (install.status !== 0) throw new Error(`pip install ${path.relative(REPO_ROOT, sdk)} failed:\n${install.stderr}`);
  venv = dir;
  return dir;
}

/** A hash of every file's path and content under `dir` (build output and byte code left out). */
export function treeHash(dir: string): string {
  const hash = createHash("sha256");
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === "__pycache__" || entry.name.endsWith(".egg-info") || entry.name === "build") continue;
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(path.relative(dir, full)).update("\0").update(fs.readFileSync(full));
    }
  };
  walk(dir);
  return hash.digest("hex");
}

/** A Pulumi Python project in `dir` holding `program` as __main__.py (run it with `pythonEnv()`). */
export function writePythonProject(dir: string, name: string, program: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: python\n`);
  fs.writeFileSync(path.join(dir, "__main__.py"), program);
}

/**
 * What the CLI needs to run a Python project: the venv's interpreter. The language host built by
 * scripts/ensure-pulumi.sh (sdk v3.68) reads PULUMI_PYTHON_CMD, not Pulumi.yaml's `virtualenv` option.
 */
export function pythonEnv(): Record<string, string> {
  return { PULUMI_PYTHON_CMD: path.join(pythonVenv(), "bin", "python") };
}

/** A Pulumi TypeScript project in `dir` holding `program` as index.ts, with this repository's node_modules. */
export function writeProject(dir: string, name: string, program: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true, main: "index.ts" }));
  fs.writeFileSync(path.join(dir, "index.ts"), program);
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
}

export interface ScriptStack {
  name: string;
  dir: string;
  env: Record<string, string>;
  binDir: string;
}

export interface ScratchProject {
  dir: string;
  /** A new stack with `barrack:endpoint` and the secret `barrack:apiKey` set. */
  stack(name: string, binDir: string, emulator: { url: string; apiKey: string }): Promise<ScriptStack>;
  dispose(): void;
}

export interface ScratchOptions {
  /** The program's language: "nodejs" (default; `program` is index.ts) or "python" (`program` is __main__.py). */
  runtime?: "nodejs" | "python";
  /** Install the native plugin's archive into the project's PULUMI_HOME (done by the first `stack()`). */
  plugin?: boolean;
}

/**
 * A project in a temp dir (see `writeProject`, `writePythonProject`), with a file backend and PULUMI_HOME
 * beside it. With `plugin`, the first `stack()` installs the plugin archive into that PULUMI_HOME.
 */
export function scratchProject(name: string, program: string, options: ScratchOptions = {}): ScratchProject {
  const extra = options.runtime === "python" ? pythonEnv() : {};
  if (options.plugin) pluginArchive(); // missing: say so before anything is made
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  if (options.runtime === "python") writePythonProject(dir, name, program);
  else writeProject(dir, name, program);
  const state = path.join(dir, ".state");
  const home = path.join(dir, ".home");
  fs.mkdirSync(state);
  fs.mkdirSync(home);
  let installed: Promise<void> | undefined;
  return {
    dir,
    async stack(stackName, binDir, emulator) {
      const stack: ScriptStack = { name: stackName, dir, binDir, env: { ...offlineEnv(binDir, home, state), ...extra } };
      if (options.plugin) await (installed ??= installPlugin(binDir, dir, stack.env));
      for (const args of [
        ["stack", "init"],
        ["config", "set", "barrack:endpoint", emulator.url],
        ["config", "set", "--secret", "barrack:apiKey", emulator.apiKey],
      ]) {
        const r = await runPulumi(stack, args);
        if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed: ${r.output}`);
      }
      return stack;
    },
    dispose() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `pulumi <args> --stack <name> --non-interactive` in the project; never throws on a failed run. */
export function runPulumi(stack: ScriptStack, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(stack.binDir, "pulumi"),
      [...args, "--stack", stack.name, "--non-interactive"],
      { cwd: stack.dir, env: { ...process.env, ...stack.env }, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: exitCode(error), output: `${stdout}\n${stderr}` }),
    );
  });
}

/** The exit code execFile's callback error carries (0 without an error). */
export function exitCode(error: Error | null): number {
  if (!error) return 0;
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" ? code : 1;
}
