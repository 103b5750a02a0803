/**
 * What the end-to-end tests of the native plugin need besides the CLI, found the way a user gets it:
 * - the plugin archive `npm run build:plugin` writes (installed into each test stack's PULUMI_HOME with
 *   `pulumi plugin install resource barrack <version> -f <archive>`, as the README says);
 * - a Python virtualenv with the `pulumi` package from PyPI (scripts/ensure-python.sh, cached outside the
 *   repo) and the generated SDK `sdk/python` installed into it, as `pip install ./sdk/python` does.
 * Neither is ever skipped: a test that needs one fails, saying how to get it.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./cli";

/** The package's version (the plugin's and the SDKs'). */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
}

/** The plugin archive for this machine, as `npm run build:plugin` writes it. */
export function pluginArchive(): string {
  const file = path.join(REPO_ROOT, "dist", "plugin", `pulumi-resource-barrack-v${packageVersion()}-linux-amd64.tar.gz`);
  if (!fs.existsSync(file)) {
    throw new Error(`The plugin archive ${path.relative(REPO_ROOT, file)} is missing (these tests never skip): run \`npm run build:plugin\` first`);
  }
  return file;
}

let venv: string | undefined;

/**
 * A virtualenv with `pulumi` and this checkout's `sdk/python` (`pulumi_barrack`). The SDK is reinstalled
 * when its files changed; concurrent jest workers take turns (flock).
 */
export function pythonVenv(): string {
  if (venv !== undefined) return venv;
  const ensure = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "ensure-python.sh")], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const dir = ensure.stdout.trim().split("\n").pop()?.trim() ?? "";
  if (ensure.status !== 0 || dir === "" || !fs.existsSync(path.join(dir, "bin", "python"))) {
    throw new Error(`scripts/ensure-python.sh could not provide a Python virtualenv with pulumi (these tests never skip; it needs python3 and PyPI):\n${ensure.stderr.trim().split("\n").slice(-20).join("\n")}`);
  }
  const sdk = path.join(REPO_ROOT, "sdk", "python");
  const stamp = path.join(dir, ".pulumi-barrack-sdk");
  const hash = treeHash(sdk);
  const install = spawnSync(
    "flock",
    [path.join(dir, ".sdk.lock"), "bash", "-c", `[ "$(cat "$1" 2>/dev/null)" = "$2" ] || { "$3/bin/pip" install --quiet --no-deps --force-reinstall "$4" >&2 && echo "$2" > "$1"; }`, "_", stamp, hash, dir, sdk],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  if (install.status !== 0) throw new Error(`pip install ${path.relative(REPO_ROOT, sdk)} failed:\n${install.stderr}`);
  venv = dir;
  return dir;
}

/** A hash of every file's path and content under `dir`. */
function treeHash(dir: string): string {
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

let nodeSdkDir: string | undefined;

/**
 * The plugin's Node.js SDK (`sdk/nodejs`, `@barrack/pulumi`) compiled as its publisher would (tsc, then
 * package.json beside the output), against the installed @pulumi/pulumi (the generated code needs
 * ≥ 3.269: the CI leg on current Node). Built once per content, under the repo's node_modules/.cache,
 * so that it resolves the same @pulumi/pulumi as the programs. Returns the package's directory.
 */
export function nodeSdk(): string {
  if (nodeSdkDir !== undefined) return nodeSdkDir;
  const source = path.join(REPO_ROOT, "sdk", "nodejs");
  const dir = path.join(REPO_ROOT, "node_modules", ".cache", `barrack-sdk-nodejs-${treeHash(source).slice(0, 16)}`);
  const pkg = path.join(dir, "bin");
  if (!fs.existsSync(path.join(pkg, "package.json"))) {
    const work = `${dir}.tmp-${process.pid}`;
    fs.rmSync(work, { recursive: true, force: true });
    fs.cpSync(source, work, { recursive: true });
    const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", work], { encoding: "utf8" });
    if (tsc.status !== 0) throw new Error(`compiling sdk/nodejs failed (it needs @pulumi/pulumi >= 3.269 installed):\n${tsc.stdout}${tsc.stderr}`);
    fs.copyFileSync(path.join(work, "package.json"), path.join(work, "bin", "package.json"));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(work, dir);
  }
  nodeSdkDir = pkg;
  return pkg;
}
