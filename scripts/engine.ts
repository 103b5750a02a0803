/**
 * Running the real Pulumi CLI from a script (chaos, benchmarks): the CLI (found or built by
 * scripts/ensure-pulumi.sh), project directories that resolve `@pulumi/pulumi` and `pulumi-barrack` from
 * this repository, stacks on a file backend of their own, and the offline environment the CLI needs (no
 * update check, no plugin downloads).
 */
import { execFile, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

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

/** A project in a temp dir (see `writeProject`), with a file backend and PULUMI_HOME beside it. */
export function scratchProject(name: string, program: string): ScratchProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  writeProject(dir, name, program);
  const state = path.join(dir, ".state");
  const home = path.join(dir, ".home");
  fs.mkdirSync(state);
  fs.mkdirSync(home);
  return {
    dir,
    async stack(stackName, binDir, emulator) {
      const stack: ScriptStack = { name: stackName, dir, binDir, env: offlineEnv(binDir, home, state) };
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
