/**
 * Packages the native plugin `pulumi-resource-barrack` (provider/plugin/main.ts) for
 * `pulumi plugin install resource barrack <version> -f <tarball>`:
 *
 *   1. bundles dist/provider/plugin/main.js (what `npm run build` compiled), every module it requires
 *      (the lazy ones too) and the schema into one CommonJS file with esbuild;
 *   2. turns that bundle into one self-contained executable, a Node.js single-executable application
 *      (SEA): a copy of the running `node` with the bundle injected (postject), so users need no Node.js;
 *      with --launcher, ships the bundle and a /bin/sh launcher instead (then users need Node >= 20);
 *   3. writes dist/plugin/pulumi-resource-barrack-v<version>-<os>-<arch>.tar.gz with `pulumi-resource-barrack`
 *      at its root (the engine runs `~/.pulumi/plugins/resource-barrack-v<version>/pulumi-resource-barrack`),
 *      and the same files unpacked in dist/plugin/pulumi-resource-barrack-v<version>-<os>-<arch>/;
 *   4. starts the executable once and waits for the port line, so a package that does not start is never
 *      written silently.
 *
 *     npm run build:plugin                          # npm run build, then this script
 *     npm run build:plugin -- --dir /tmp/barrack    # also lay the files out in /tmp/barrack (Pulumi.yaml
 *                                                   #   plugins.providers[].path can point there)
 *     npm run build:plugin -- --launcher            # bundle + launcher script instead of the SEA
 *     npm run build:plugin -- --node <path>         # the Node.js binary to embed (default: this one)
 *     npm run build:plugin -- --minify              # minify the bundle (smaller, worse stack traces)
 *
 * The bundle holds no root `@pulumi/pulumi` module (only its `proto/*` stubs): the build fails when
 * something on the plugin's path imports it (it would add ~17 MB: TypeScript, npm's arborist, ...).
 *
 * Prints what it wrote, with sizes. Exits non-zero, with the reason, when anything fails.
 */
import * as childProcess from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import { builtinModules } from "module";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import type * as esbuildTypes from "esbuild";

export const EXECUTABLE = "pulumi-resource-barrack";
/** The fuse Node.js looks for to know it carries a SEA blob. */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

interface Options {
  dir?: string;
  launcher: boolean;
  node: string;
  minify: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { launcher: false, node: process.execPath, minify: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--dir") options.dir = path.resolve(value());
    else if (arg === "--node") options.node = path.resolve(value());
    else if (arg === "--launcher") options.launcher = true;
    else if (arg === "--minify") options.minify = true;
    else throw new Error(`unknown argument ${arg} (expected --dir <path>, --node <path>, --launcher, --minify)`);
  }
  return options;
}

/** `linux-amd64`, as Pulumi names platforms in plugin archives. */
export function pulumiPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const goArch: Record<string, string> = { x64: "amd64", arm64: "arm64" };
  return `${platform === "win32" ? "windows" : platform}-${goArch[arch] ?? arch}`;
}

/** The repository root: this file runs as dist/scripts/build-plugin.js. */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "provider"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root above ${__dirname}`);
  }
}

const kib = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${bytes} B`;
const elapsed = (since: bigint): string => `${(Number(process.hrtime.bigint() - since) / 1e6).toFixed(0)} ms`;

// ---------------------------------------------------------------------------------------------------
// The bundle

interface BundleResult {
  file: string;
  bytes: number;
  schemaFile: string;
  packages: Map<string, { version: string; license: string }>;
}

async function bundle(root: string, version: string, outfile: string, minify: boolean): Promise<BundleResult> {
  const esbuild = require("esbuild") as typeof esbuildTypes;
  const entry = path.join(root, "dist/provider/plugin/main.js");
  if (!fs.existsSync(entry)) throw new Error(`${path.relative(root, entry)} is missing: run \`npm run build\` first`);
  // The schema: the generated one (provider/plugin/schema.json), else a copy next to the compiled main.js.
  const candidates = [path.join(root, "provider/plugin/schema.json"), path.join(root, "dist/provider/plugin/schema.json")];
  const schemaFile = candidates.find((f) => fs.existsSync(f));
  if (schemaFile === undefined) throw new Error(`no package schema: neither ${candidates.map((f) => path.relative(root, f)).join(" nor ")} exists (npm run gen:schema)`);
  const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8")) as { name?: unknown; version?: unknown };
  if (schema.name !== "barrack") throw new Error(`${path.relative(root, schemaFile)}: name is ${JSON.stringify(schema.name)}, not "barrack"`);
  // The plugin reports the schema's version as its own, and the engine looks for it under that version.
  if (schema.version !== version) {
    throw new Error(`${path.relative(root, schemaFile)}: version is ${JSON.stringify(schema.version)}, but package.json says ${version}: regenerate the schema`);
  }

  // The plugin speaks gRPC through @pulumi/pulumi's proto stubs only; the SDK's root module (~17 MB with
  // TypeScript and npm's internals) is a program's. Anything on the plugin's path that imports it fails the build.
  const importsSdk: string[] = [];
  const plugin: esbuildTypes.Plugin = {
    name: "pulumi-resource-barrack",
    setup(build) {
      build.onResolve({ filter: /^\.\/schema\.json$/ }, (args) => (args.importer === entry ? { path: schemaFile } : undefined));
      build.onResolve({ filter: /^@pulumi\/pulumi$/ }, (args) => {
        importsSdk.push(path.relative(root, args.importer));
        return { path: "@pulumi/pulumi", external: true };
      });
    },
  };
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify,
    sourcemap: false,
    legalComments: "none",
    metafile: true,
    logLevel: "silent",
    absWorkingDir: root,
    plugins: [plugin],
  });
  if (importsSdk.length > 0) {
    throw new Error(`the plugin must not load @pulumi/pulumi's root module, yet ${[...new Set(importsSdk)].join(", ")} import(s) it`);
  }
  const warnings = result.warnings;
  for (const message of await esbuild.formatMessages(warnings, { kind: "warning" })) process.stderr.write(message);
  // Nothing may stay outside the bundle but Node.js's own modules.
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const external = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imp of input.imports) if (imp.external && !builtins.has(imp.path)) external.add(imp.path);
  }
  if (external.size > 0) throw new Error(`the bundle would require modules it does not hold: ${[...external].join(", ")}`);
  if (warnings.some((w) => w.id === "unsupported-require-call" || w.id === "unsupported-dynamic-import")) {
    throw new Error("the bundle has require() calls esbuild could not follow (above): a module would be missing at run time");
  }
  // The npm packages inside, for the README (their licenses travel with the executable).
  const packages = new Map<string, { version: string; license: string }>();
  for (const file of Object.keys(result.metafile.inputs)) {
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(file);
    if (!match || packages.has(match[2]!)) continue;
    const manifest = JSON.parse(fs.readFileSync(path.join(root, match[1]!, "package.json"), "utf8")) as { version?: string; license?: unknown };
    packages.set(match[2]!, { version: manifest.version ?? "?", license: typeof manifest.license === "string" ? manifest.license : "see package" });
  }
  return { file: outfile, bytes: fs.statSync(outfile).size, schemaFile, packages };
}

// ---------------------------------------------------------------------------------------------------
// The executable

function run(command: string, args: readonly string[], cwd: string): void {
  const result = childProcess.spawnSync(command, args, { cwd, encoding: "utf8" });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stderr}${result.stdout}`);
}

/** A Node.js single-executable application: `node` with the bundle injected. */
async function seaExecutable(bundleFile: string, node: string, out: string, work: string): Promise<void> {
  const nodeBinary = fs.readFileSync(node);
  if (!nodeBinary.includes(SEA_FUSE)) throw new Error(`${node} was built without single-executable support (no ${SEA_FUSE})`);
  const blob = path.join(work, "sea-prep.blob");
  const config = path.join(work, "sea-config.json");
  // No useCodeCache: V8's code cache differs from build to build (the executable would too) and saved
  // only ~15 ms of a ~200 ms start when measured.
  fs.writeFileSync(config, JSON.stringify({ main: path.relative(work, bundleFile), output: path.basename(blob), disableExperimentalSEAWarning: true, useCodeCache: false }));
  // The blob must come from the very binary that will carry it. It records `main` as given: relative, so
  // that no temporary directory's name makes one build differ from the next.
  run(node, ["--experimental-sea-config", config], work);
  fs.writeFileSync(out, nodeBinary, { mode: 0o755 });
  const postject = require("postject") as { inject(file: string, name: string, data: Buffer, options: { sentinelFuse: string }): Promise<void> };
  // postject's ELF library (LIEF) warns about every note section of the official binary it cannot name
  // (harmless: Node.js's own docs show the same lines); drop those, keep anything else it says.
  const { log, warn } = console;
  const filtered = (print: (...args: unknown[]) => void) => (...args: unknown[]) => {
    if (!/^warning: Can't find string offset for section name/.test(String(args[0]))) print(...args);
  };
  console.log = filtered(log);
  console.warn = filtered(warn);
  try {
    await postject.inject(out, "NODE_SEA_BLOB", fs.readFileSync(blob), { sentinelFuse: SEA_FUSE });
  } finally {
    Object.assign(console, { log, warn });
  }
  fs.chmodSync(out, 0o755);
}

/** The launcher for a plugin that runs on the user's Node.js: finds the bundle next to itself, through symlinks. */
export const LAUNCHER = `#!/bin/sh
# pulumi-resource-barrack: runs the plugin's bundle (next to this script) on Node.js >= 20 from PATH.
self="$0"
while [ -h "$self" ]; do
  link="$(readlink "$self")"
  case "$link" in
    /*) self="$link" ;;
    *) self="$(dirname "$self")/$link" ;;
  esac
done
dir="$(cd "$(dirname "$self")" && pwd)"
if ! command -v node >/dev/null 2>&1; then
  echo "pulumi-resource-barrack needs Node.js >= 20 on PATH" >&2
  exit 1
fi
exec node "$dir/${EXECUTABLE}.js" "$@"
`;

/** Starts the executable with an unreachable engine address; resolves with the port it prints. */
export function startsAndPrintsPort(executable: string, timeoutMs = 15000): Promise<{ port: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = childProcess.spawn(executable, ["127.0.0.1:1"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const finish = (error: Error | undefined, port?: number): void => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      if (error) reject(error);
      else resolve({ port: port!, ms: Number(process.hrtime.bigint() - started) / 1e6 });
    };
    const timer = setTimeout(() => finish(new Error(`${executable} printed no port within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      const line = stdout.slice(0, newline).trim();
      if (/^\d+$/.test(line)) finish(undefined, Number(line));
      else finish(new Error(`${executable}'s first line of output is ${JSON.stringify(line)}, not a port; stderr: ${stderr}`));
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) => finish(error));
    child.on("exit", (code, signal) => {
      if (!child.killed) finish(new Error(`${executable} exited (${signal ?? code}) before printing a port; stderr: ${stderr}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// The archive: a plain ustar tar, gzipped, with fixed owners and times so that equal inputs give an equal archive.

function tarHeader(name: string, size: number, mode: number, mtime: number): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string): void => void header.write(value, offset, length, "utf8");
  const octal = (offset: number, length: number, value: number): void => field(offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: name too long: ${name}`);
  field(0, 100, name);
  octal(100, 8, mode);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, mtime);
  field(148, 8, "        ");
  field(156, 1, "0");
  field(257, 6, "ustar\0");
  field(263, 2, "00");
  field(265, 32, "root");
  field(297, 32, "root");
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

function writeTarGz(out: string, files: readonly { name: string; data: Buffer; mode: number }[], mtime: number): void {
  const parts: Buffer[] = [];
  for (const file of files) {
    parts.push(tarHeader(file.name, file.data.length, file.mode, mtime), file.data, Buffer.alloc((512 - (file.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  writeAtomically(out, zlib.gzipSync(Buffer.concat(parts), { level: 6 }), 0o644);
}

/**
 * Writes through a temporary file and a rename: a reader (a test installing the archive, an engine running
 * the executable from the unpacked layout) sees the old file or the new one, never half of one, and a
 * running executable is not written over (ETXTBSY).
 */
function writeAtomically(file: string, data: Buffer, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, data, { mode });
  fs.chmodSync(temporary, mode);
  fs.renameSync(temporary, file);
}

// ---------------------------------------------------------------------------------------------------

function readme(version: string, platform: string, form: string, bundled: BundleResult, license: string, nodeVersion?: string): string {
  const packages = [...bundled.packages].sort(([a], [b]) => a.localeCompare(b)).map(([name, p]) => `  ${name}@${p.version} (${p.license})`);
  if (nodeVersion !== undefined) packages.unshift(`  Node.js ${nodeVersion} (MIT; the executable is a copy of its \`node\` binary)`);
  return `pulumi-resource-barrack ${version} (${platform})
The Pulumi resource provider plugin for the Barrack AI GPU cloud (package "barrack"). License: ${license}.

Install:   pulumi plugin install resource barrack ${version} -f pulumi-resource-barrack-v${version}-${platform}.tar.gz
The Pulumi CLI starts the plugin; it is not meant to be run by hand.

Form: ${form}

Inside (npm packages as bundled by esbuild):
${packages.join("\n")}
`;
}

async function main(argv: readonly string[]): Promise<void> {
  const started = process.hrtime.bigint();
  const options = parseArgs(argv);
  const root = repoRoot();
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string; license?: string };
  const version = pkg.version;
  const platform = pulumiPlatform();
  const outDir = path.join(root, "dist/plugin");
  const name = `${EXECUTABLE}-v${version}-${platform}`;
  const stage = path.join(outDir, name);
  const archive = path.join(outDir, `${name}.tar.gz`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "build-plugin-"));
  try {
    let step = process.hrtime.bigint();
    const bundled = await bundle(root, version, path.join(work, `${EXECUTABLE}.js`), options.minify);
    console.log(`bundled dist/provider/plugin/main.js + ${path.relative(root, bundled.schemaFile)}: ${kib(bundled.bytes)}, ${bundled.packages.size} npm packages (${elapsed(step)})`);

    step = process.hrtime.bigint();
    const files: { name: string; data: Buffer; mode: number }[] = [];
    let form: string;
    let nodeVersion: string | undefined;
    if (options.launcher) {
      files.push({ name: EXECUTABLE, data: Buffer.from(LAUNCHER), mode: 0o755 });
      files.push({ name: `${EXECUTABLE}.js`, data: fs.readFileSync(bundled.file), mode: 0o644 });
      form = "a launcher script and a JavaScript bundle: needs Node.js >= 20 on PATH.";
    } else {
      if (process.platform !== "linux") throw new Error(`the single executable is built on Linux only (macOS and Windows need code signing steps); use --launcher`);
      nodeVersion = childProcess.execFileSync(options.node, ["--version"], { encoding: "utf8" }).trim();
      const executable = path.join(work, EXECUTABLE);
      await seaExecutable(bundled.file, options.node, executable, work);
      files.push({ name: EXECUTABLE, data: fs.readFileSync(executable), mode: 0o755 });
      form = `a single executable (Node.js ${nodeVersion} single-executable application, ${platform}): needs no Node.js.`;
      console.log(`made the single executable from ${options.node} (${nodeVersion}): ${kib(files[0]!.data.length)} (${elapsed(step)})`);
    }
    files.push({ name: "README.txt", data: Buffer.from(readme(version, platform, form, bundled, pkg.license ?? "see package.json", nodeVersion)), mode: 0o644 });

    // The unpacked layout, then the archive from the same files.
    const layOut = (dir: string): void => {
      fs.mkdirSync(dir, { recursive: true });
      for (const file of files) writeAtomically(path.join(dir, file.name), file.data, file.mode);
      const names = new Set(files.map((f) => f.name));
      for (const stale of fs.readdirSync(dir)) if (!names.has(stale)) fs.rmSync(path.join(dir, stale), { recursive: true, force: true });
    };
    layOut(stage);
    const { port, ms } = await startsAndPrintsPort(path.join(stage, EXECUTABLE));
    console.log(`checked: ${path.relative(root, path.join(stage, EXECUTABLE))} started and listened on port ${port} after ${ms.toFixed(0)} ms`);

    step = process.hrtime.bigint();
    const mtime = Number(process.env.SOURCE_DATE_EPOCH ?? 0) || 0;
    writeTarGz(archive, files, mtime);
    const sha256 = crypto.createHash("sha256").update(fs.readFileSync(archive)).digest("hex");
    writeAtomically(`${archive}.sha256`, Buffer.from(`${sha256}  ${path.basename(archive)}\n`), 0o644);
    console.log(`wrote ${path.relative(root, archive)}: ${kib(fs.statSync(archive).size)} (${elapsed(step)}), sha256 ${sha256}`);
    for (const file of files) console.log(`  ${file.name}  ${kib(file.data.length)}  ${(file.mode & 0o111) !== 0 ? "executable" : ""}`);
    console.log(`wrote ${path.relative(root, stage)}/ (the same files, unpacked)`);
    if (options.dir !== undefined) {
      layOut(options.dir);
      console.log(`wrote ${options.dir}/ (the same files, unpacked)`);
    }
    console.log(`install: pulumi plugin install resource barrack ${version} -f ${path.relative(process.cwd(), archive) || archive}`);
    console.log(`done in ${elapsed(started)}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`build-plugin: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
