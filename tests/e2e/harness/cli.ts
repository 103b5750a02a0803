/**
 * Locating (or building) the Pulumi CLI for the end-to-end tests.
 *
 * `scripts/ensure-pulumi.sh` finds a matching `pulumi` on PATH or in its cache, else builds it from Go
 * modules (minutes on a cold machine). The jest `globalSetup` in ./globalSetup.ts runs it once per test
 * run, before any worker starts, and hands the result to the workers through the environment:
 *   PULUMI_BARRACK_BIN_DIR    the directory holding pulumi, pulumi-language-nodejs and the launcher;
 *   PULUMI_BARRACK_CLI_ERROR  why the CLI could not be had (then every e2e test fails with it).
 * Without the globalSetup, `pulumiBinDir()` runs the script itself (synchronously, once per worker;
 * the script serializes concurrent builds with a lock).
 *
 * The CLI's version is that of the installed `@pulumi/pulumi` (3.248.0 by default; the CI leg on current
 * Node installs 3.276.0 in a copy of the repo, see .ci/run): the script is run with PULUMI_VERSION set
 * to it, unless PULUMI_VERSION is already set, and the globalSetup refuses a CLI of another version.
 *
 * Tests that need the CLI must never skip: `pulumiBinDir()` throws when the CLI is unavailable.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
export const ENSURE_SCRIPT = path.join(REPO_ROOT, "scripts", "ensure-pulumi.sh");
export const BIN_DIR_ENV = "PULUMI_BARRACK_BIN_DIR";
export const CLI_ERROR_ENV = "PULUMI_BARRACK_CLI_ERROR";

let cachedBinDir: string | undefined;

/** The version of the `@pulumi/pulumi` the tests and programs load (the repo's node_modules). */
export function sdkVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { version: string }).version;
}

/** The CLI version the e2e tests need: $PULUMI_VERSION if set, else the installed SDK's version. */
export function wantedCliVersion(): string {
  return (process.env.PULUMI_VERSION ?? "").replace(/^v/, "") || sdkVersion();
}

/** What `<dir>/pulumi version` prints (e.g. "v3.276.0"), or undefined if it does not run. */
export function cliVersion(dir: string): string | undefined {
  const r = spawnSync(path.join(dir, "pulumi"), ["version"], { encoding: "utf8", timeout: 60_000, env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function ensureEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PULUMI_VERSION: wantedCliVersion() };
}

export class PulumiCliUnavailableError extends Error {
  constructor(reason: string) {
    super(
      `The Pulumi CLI needed by the end-to-end tests is unavailable (these tests never skip).\n${reason}\n` +
        `Fix: install Go (>= 1.25.11 for CLI 3.248.0, >= 1.26.6 for 3.276.0) with access to the Go module proxy ` +
        `(or put pulumi v${safeWantedCliVersion()} with pulumi-language-nodejs on PATH) and run ` +
        `PULUMI_VERSION=${safeWantedCliVersion()} bash scripts/ensure-pulumi.sh.`,
    );
    this.name = "PulumiCliUnavailableError";
  }
}

function safeWantedCliVersion(): string {
  try {
    return wantedCliVersion();
  } catch {
    return "3.248.0";
  }
}

/** Checks that `dir` holds what the engine needs; returns a reason when it does not. */
export function checkBinDir(dir: string): string | undefined {
  const executable = (file: string) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (!executable(path.join(dir, "pulumi"))) return `${dir}/pulumi is missing or not executable`;
  // The plugins may instead be on PATH when the CLI comes from an official install (see ensure-pulumi.sh).
  const pathDirs = (process.env.PATH ?? "").split(path.delimiter).filter((p) => p !== "");
  for (const plugin of ["pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
    if (![dir, ...pathDirs].some((d) => executable(path.join(d, plugin)))) {
      return `${plugin} is neither in ${dir} nor on PATH`;
    }
  }
  return undefined;
}

interface EnsureOutcome {
  binDir?: string;
  error?: string;
}

function outcomeOf(status: number | null, signal: string | null, stdout: string, stderr: string, seconds: number): EnsureOutcome {
  const lastLine = stdout.trim().split("\n").pop()?.trim() ?? "";
  if (status === 0 && lastLine !== "") {
    const problem = checkBinDir(lastLine);
    if (!problem) return { binDir: lastLine };
    return { error: `scripts/ensure-pulumi.sh printed ${lastLine}, but ${problem}` };
  }
  const tail = stderr.trim().split("\n").slice(-40).join("\n");
  const how = signal ? `was killed by ${signal}` : `exited with status ${status}`;
  return { error: `scripts/ensure-pulumi.sh ${how} after ${seconds}s. Its last output:\n${tail}` };
}

/** Runs ensure-pulumi.sh, streaming its own progress lines (not Go's download chatter) to stderr. */
export async function runEnsurePulumi(): Promise<EnsureOutcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let pending = "";
    let env: NodeJS.ProcessEnv;
    try {
      env = ensureEnv();
    } catch (err) {
      resolve({ error: `cannot tell which Pulumi CLI version to use: ${(err as Error).message}` });
      return;
    }
    const child = spawn("bash", [ENSURE_SCRIPT], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      const text = d.toString();
      stderr += text;
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.startsWith("ensure-pulumi:")) process.stderr.write(line + "\n");
    });
    child.on("error", (err) => resolve({ error: `could not run scripts/ensure-pulumi.sh: ${err.message}` }));
    child.on("close", (status, signal) =>
      resolve(outcomeOf(status, signal, stdout, stderr, Math.round((Date.now() - started) / 1000))),
    );
  });
}

function runEnsurePulumiSync(): EnsureOutcome {
  const started = Date.now();
  let env: NodeJS.ProcessEnv;
  try {
    env = ensureEnv();
  } catch (err) {
    return { error: `cannot tell which Pulumi CLI version to use: ${(err as Error).message}` };
  }
  const r = spawnSync("bash", [ENSURE_SCRIPT], { cwd: REPO_ROOT, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (r.error) return { error: `could not run scripts/ensure-pulumi.sh: ${r.error.message}` };
  return outcomeOf(r.status, r.signal, r.stdout, r.stderr, Math.round((Date.now() - started) / 1000));
}

/**
 * The directory holding `pulumi` (the installed SDK's version), `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`.
 * Throws `PulumiCliUnavailableError` (with the reason) when the CLI can be neither found nor built.
 */
export function pulumiBinDir(): string {
  if (cachedBinDir) return cachedBinDir;
  const recordedError = process.env[CLI_ERROR_ENV];
  if (recordedError) throw new PulumiCliUnavailableError(recordedError);
  const fromEnv = process.env[BIN_DIR_ENV];
  if (fromEnv) {
    const problem = checkBinDir(fromEnv);
    if (problem) throw new PulumiCliUnavailableError(`${BIN_DIR_ENV}=${fromEnv}: ${problem}`);
    cachedBinDir = fromEnv;
    return fromEnv;
  }
  const outcome = runEnsurePulumiSync();
  if (!outcome.binDir) {
    process.env[CLI_ERROR_ENV] = outcome.error ?? "unknown error";
    throw new PulumiCliUnavailableError(process.env[CLI_ERROR_ENV]!);
  }
  cachedBinDir = outcome.binDir;
  process.env[BIN_DIR_ENV] = outcome.binDir;
  return outcome.binDir;
}
