/**
 * What the end-to-end tests of the native plugin need besides the CLI, found the way a user gets it:
 * - the plugin archive `npm run build:plugin` writes (installed into each test stack's PULUMI_HOME with
 *   `pulumi plugin install resource barrack <version> -f <archive>`, as the README says);
 * - a Python virtualenv with the `pulumi` package from PyPI (scripts/ensure-python.sh, cached outside the
 *   repo) and the generated SDK `sdk/python` installed into it, as `pip install ./sdk/python` does.
 * Neither is ever skipped: a test that needs one fails, saying how to get it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { treeHash } from "../../../scripts/engine";
import { REPO_ROOT } from "./cli";

export { packageVersion, pluginArchive, pythonVenv } from "../../../scripts/engine";

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
