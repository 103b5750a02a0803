/**
 * End-to-end, real Pulumi engine, a GO program: `examples/go-volume`, built with `go build` against the
 * generated Go SDK (`sdk/go/barrack`, through its go.mod's `replace … => ../../sdk`) and run as an
 * Automation API INLINE program: the program runs in the Go process and the CLI talks to it over
 * `--client`, so no Go language host is needed (the module proxy serves none, notes §4). The program
 * installs the native plugin from its archive into its PULUMI_HOME (`pulumi plugin install … -f`), as the
 * README says, and keeps its state in a local file backend.
 *
 *   0. the generated Go SDK and the example vet cleanly;
 *   1. up: the data function getRegions answers, the volume is created in the emulator;
 *   2. preview and a second up: nothing changes, and nothing but reads reaches the API;
 *   3. destroy: the emulator holds nothing.
 *
 * The binary is built once per content (the example's and sdk/'s Go files, go.mod/go.sum, the Go version)
 * into ${PULUMI_BARRACK_CACHE:-~/.cache/pulumi-barrack}/go-volume-<hash>/, under the lock the other Go
 * builds take. Measured 2026-12-06 on 2 busy cores (load ~6), modules already downloaded: 113 s wall
 * (106 s CPU, +615 MB of Go build cache) with an empty Go build cache, 8 s when only main.go changed. The CLI is the leg's (`pulumiBinDir()`): --client works with
 * CLI 3.248.0 and 3.276.0.
 *
 * Never skipped: without Go (>= 1.26.6, the go line of pulumi sdk/v3 v3.276.0), the CLI or the plugin
 * archive, the suite fails saying why.
 */
import { spawn } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT, pulumiBinDir } from "../harness";
import { packageVersion, pluginArchive } from "../harness/plugin";
import { mutations, NO_OBJECTS, objects, useE2eEmulator } from "../support";

jest.setTimeout(900_000);

const EXAMPLE_DIR = path.join(REPO_ROOT, "examples", "go-volume");
const SDK_DIR = path.join(REPO_ROOT, "sdk");
const CACHE_ROOT = process.env.PULUMI_BARRACK_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "pulumi-barrack");
/** Binaries of older contents kept in the cache besides the current one. */
const KEEP_OLD_BUILDS = 2;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command asynchronously (the suite's emulator answers from this process). */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The environment for `go`: the local toolchain, the checksum DB skipped for pulumi's tags, go.mod never rewritten. */
function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOTOOLCHAIN: process.env.GOTOOLCHAIN || "local",
    GONOSUMDB: process.env.GONOSUMDB || "github.com/pulumi/pulumi",
    GOFLAGS: "-mod=readonly -buildvcs=false",
  };
}

async function goVersion(): Promise<string> {
  let r: Run;
  try {
    r = await run("go", ["env", "GOVERSION"], { env: goEnv() });
  } catch (err) {
    throw new Error(`Go is not installed (these tests never skip): install Go >= 1.26.6 to build examples/go-volume (${(err as Error).message})`);
  }
  if (r.code !== 0) throw new Error(`\`go env GOVERSION\` failed (${r.code}):\n${r.stderr}`);
  return r.stdout.trim();
}

/** A hash of the Go sources the binary is built from, and of the Go version. */
function sourceHash(go: string): string {
  const hash = createHash("sha256").update(go).update("\0");
  const add = (file: string) => hash.update(path.relative(REPO_ROOT, file)).update("\0").update(fs.readFileSync(file)).update("\0");
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".go") || entry.name === "go.mod" || entry.name === "go.sum" || entry.name.endsWith(".json")) add(full);
    }
  };
  for (const f of ["go.mod", "go.sum"]) add(path.join(SDK_DIR, f));
  walk(path.join(SDK_DIR, "go"));
  walk(EXAMPLE_DIR);
  return hash.digest("hex").slice(0, 16);
}

/** `go build`s examples/go-volume into the cache (once per content), returning the binary. */
async function goVolumeBinary(): Promise<string> {
  const go = await goVersion();
  const dir = path.join(CACHE_ROOT, `go-volume-${sourceHash(go)}`);
  const binary = path.join(dir, "go-volume");
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(binary)) {
    const started = Date.now();
    // The lock scripts/ensure-pulumi.sh takes: one heavy Go build at a time on the machine.
    const script = `[ -x "$1" ] || { go build -trimpath -o "$1.tmp.$$" . && mv -f "$1.tmp.$$" "$1"; }`;
    const r = await run("flock", [path.join(CACHE_ROOT, ".build.lock"), "bash", "-c", script, "_", binary], { cwd: EXAMPLE_DIR, env: goEnv() });
    if (r.code !== 0 || !fs.existsSync(binary)) throw new Error(`go build in examples/go-volume failed (${r.code}) with ${go}:\n${r.stderr}`);
    process.stderr.write(`go.test: built examples/go-volume with ${go} in ${((Date.now() - started) / 1000).toFixed(0)}s (${binary})\n`);
    pruneOldBuilds(dir);
  }
  return binary;
}

function pruneOldBuilds(current: string): void {
  const others = fs
    .readdirSync(CACHE_ROOT)
    .filter((name) => name.startsWith("go-volume-") && path.join(CACHE_ROOT, name) !== current)
    .map((name) => ({ dir: path.join(CACHE_ROOT, name), mtime: fs.statSync(path.join(CACHE_ROOT, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of others.slice(KEEP_OLD_BUILDS)) fs.rmSync(old.dir, { recursive: true, force: true });
}

interface Report {
  op: string;
  changes: Record<string, number>;
  outputs?: Record<string, unknown>;
}

describe("e2e: a Go program (Automation API inline) under the native plugin (examples/go-volume)", () => {
  // Registered before useE2eEmulator's afterAll (jest runs them in order), so leftovers are destroyed
  // while the emulator still answers.
  afterAll(async () => {
    if (tempDir === undefined) return;
    if (!destroyed) {
      try {
        await goVolume("destroy");
      } catch (err) {
        console.warn(`go.test: destroying the leftovers failed (temp dir ${tempDir}): ${(err as Error).message}`);
        return;
      }
    }
    if (process.env.PULUMI_BARRACK_KEEP_TMP !== "1") fs.rmSync(tempDir, { recursive: true, force: true });
  });
  const emu = useE2eEmulator();
  let binary: string;
  let tempDir: string;
  let volumeId: string;
  let destroyed = true;

  /** Runs `go-volume <flags> <command>` against the suite's emulator; returns its JSON reports. */
  const goVolume = async (command: string, opts: { install?: boolean } = {}): Promise<Report[]> => {
    const binDir = pulumiBinDir();
    const args = [
      "-endpoint", emu.url,
      "-api-key", emu.apiKey,
      "-pulumi", path.join(binDir, "pulumi"),
      "-pulumi-home", path.join(tempDir, "home"),
      "-backend", `file://${path.join(tempDir, "state")}`,
      "-work-dir", path.join(tempDir, "work"),
      "-stack", "e2e",
      "-size", "150",
      ...(opts.install ? ["-plugin-archive", pluginArchive(), "-plugin-version", packageVersion()] : []),
      command,
    ];
    const env: NodeJS.ProcessEnv = { ...process.env };
    // The flags say where the state and the plugins are.
    delete env.PULUMI_BACKEND_URL;
    delete env.PULUMI_HOME;
    const r = await run(binary, args, {
      env: {
        ...env,
        PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
        PULUMI_CONFIG_PASSPHRASE: "pulumi-barrack-e2e-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        BARRACK_API_URL: "",
        BARRACK_API_KEY: "",
        BARRACK_AUTH_SCHEME: "",
      },
    });
    if (r.code !== 0) throw new Error(`go-volume ${command} exited with ${r.code}:\n${r.stderr.split("\n").slice(-40).join("\n")}`);
    return r.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Report);
  };

  beforeAll(async () => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-barrack-go-"));
    binary = await goVolumeBinary();
  });


  it("the generated Go SDK and the example vet cleanly", async () => {
    for (const dir of [SDK_DIR, EXAMPLE_DIR]) {
      const r = await run("go", ["vet", "./..."], { cwd: dir, env: goEnv() });
      expect({ dir: path.relative(REPO_ROOT, dir), code: r.code, stderr: r.stderr }).toEqual({ dir: path.relative(REPO_ROOT, dir), code: 0, stderr: "" });
    }
  });

  it("up creates the volume through the plugin, after the getRegions data function answered", async () => {
    destroyed = false;
    const reports = await goVolume("up", { install: true });
    expect(reports.map((r) => [r.op, r.changes])).toEqual([["up", { create: 2 }]]);
    const outputs = reports[0]!.outputs!;
    volumeId = String(outputs.volumeId);
    expect(outputs.volumeName).toMatch(/^go-data-[0-9a-f]{7}$/);
    expect(outputs.sizeGb).toBe(150);
    expect(outputs.status).toBe("available");
    expect(outputs.regionCount as number).toBeGreaterThan(0);
    const volumes = emu.inventory().volumes;
    expect(volumes.map((v) => ({ id: v.volume_id, name: v.name, region: v.region, type: v.volume_type, size: v.size_gb }))).toEqual([
      { id: volumeId, name: outputs.volumeName, region: "FINLAND-1", type: "NVMe", size: 150 },
    ]);
    expect(emu.counters()["GET regions/"] ?? 0).toBeGreaterThan(0);
  });

  it("preview and a second up change nothing and send no mutation", async () => {
    emu.resetCounters();
    expect(await goVolume("preview")).toEqual([{ op: "preview", changes: { same: 2 } }]);
    const reports = await goVolume("up");
    expect(reports.map((r) => [r.op, r.changes])).toEqual([["up", { same: 2 }]]);
    expect(reports[0]!.outputs!.volumeId).toBe(volumeId);
    expect(mutations(emu)).toEqual({});
    expect(emu.inventory().volumes.map((v) => v.volume_id)).toEqual([volumeId]);
  });

  it("destroy leaves nothing in the account", async () => {
    expect(await goVolume("destroy")).toEqual([{ op: "destroy", changes: { delete: 2 } }]);
    destroyed = true;
    expect(objects(emu.inventory())).toEqual(NO_OBJECTS);
  });
});
