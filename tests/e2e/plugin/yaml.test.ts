/**
 * End-to-end, real Pulumi engine, a YAML program: `tests/e2e/fixtures/plugin-yaml/Pulumi.yaml`
 * (`runtime: yaml`: a `barrack:index:Volume` and an `fn::invoke` of `barrack:index:getRegions`) run by
 * the YAML language host `pulumi-language-yaml` v1.25.0 (built by scripts/ensure-yaml.sh, put on PATH) and
 * the native plugin, installed from its archive with `pulumi plugin install` as the README says. A YAML
 * program needs no SDK: the host gets the schema from the plugin through the engine.
 *
 *   1. up: the data function answers, the volume is created in the emulator;
 *   2. a second up changes nothing and sends no mutation;
 *   3. config sizeGb 100 → 200: the volume grows in place (same id);
 *   4. destroy: the emulator holds nothing.
 *
 * The harness's createTestStack knows Node.js and Python programs only, so the stack is made here the same
 * way (temp PULUMI_HOME, file backend, passphrase secrets). Never skipped: without the CLI, the plugin
 * archive or the YAML host (Go and the module proxy build it), the suite fails saying why.
 */
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT, pulumiBinDir } from "../harness";
import { packageVersion, pluginArchive } from "../harness/plugin";
import { mutations, NO_OBJECTS, objects, useE2eEmulator } from "../support";

jest.setTimeout(900_000);

const FIXTURE = path.join(REPO_ROOT, "tests", "e2e", "fixtures", "plugin-yaml", "Pulumi.yaml");

/** Runs scripts/ensure-yaml.sh (asynchronously: a cold build takes minutes); returns the host's directory. */
function ensureYaml(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [path.join(REPO_ROOT, "scripts", "ensure-yaml.sh")], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (err) => reject(new Error(`could not run scripts/ensure-yaml.sh: ${err.message}`)));
    child.on("close", (code) => {
      const dir = stdout.trim().split("\n").pop()?.trim() ?? "";
      if (code === 0 && dir !== "" && fs.existsSync(path.join(dir, "pulumi-language-yaml"))) resolve(dir);
      else {
        reject(
          new Error(
            `scripts/ensure-yaml.sh could not provide pulumi-language-yaml (these tests never skip; it needs Go and the module proxy), exit ${code}:\n` +
              stderr.trim().split("\n").slice(-30).join("\n"),
          ),
        );
      }
    });
  });
}

/** The Automation API's handle on the leg's CLI (it wants <root>/bin/pulumi). */
async function pulumiCommand(binDir: string): Promise<PulumiCommand> {
  let root = path.dirname(binDir);
  if (path.basename(binDir) !== "bin") {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-barrack-cli-"));
    fs.mkdirSync(path.join(root, "bin"));
    fs.symlinkSync(path.join(binDir, "pulumi"), path.join(root, "bin", "pulumi"));
  }
  return PulumiCommand.get({ root, skipVersionCheck: true });
}

describe("e2e: a YAML program under the native plugin (tests/e2e/fixtures/plugin-yaml)", () => {
  let tempDir: string | undefined;
  let stack: Stack;
  let env: Record<string, string>;
  let destroyed = true;
  let volumeId: string;

  const volumes = () => emu.inventory().volumes;
  const quiet = { color: "never" as const, onOutput: () => undefined };

  // Registered before useE2eEmulator's afterAll (jest runs them in order): leftovers are destroyed while
  // the emulator still answers.
  afterAll(async () => {
    if (tempDir === undefined) return;
    if (!destroyed && stack) {
      try {
        await stack.destroy(quiet);
      } catch (err) {
        console.warn(`yaml.test: destroying the leftovers failed (temp dir ${tempDir}): ${(err as Error).message}`);
        return;
      }
    }
    if (process.env.PULUMI_BARRACK_KEEP_TMP !== "1") fs.rmSync(tempDir, { recursive: true, force: true });
  });
  const emu = useE2eEmulator();

  beforeAll(async () => {
    const binDir = pulumiBinDir();
    const yamlDir = await ensureYaml();
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-barrack-yaml-"));
    const [home, state, workDir] = ["home", "state", "work"].map((d) => path.join(tempDir!, d));
    for (const d of [home!, state!, workDir!]) fs.mkdirSync(d);
    fs.copyFileSync(FIXTURE, path.join(workDir!, "Pulumi.yaml"));
    env = {
      // The YAML host on PATH (the CLI looks beside itself first, then on PATH, and says so in a warning).
      PATH: [yamlDir, binDir, process.env.PATH ?? ""].join(path.delimiter),
      PULUMI_HOME: home!,
      PULUMI_BACKEND_URL: `file://${state}`,
      PULUMI_CONFIG_PASSPHRASE: "pulumi-barrack-e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      BARRACK_API_KEY: "",
      BARRACK_API_URL: "",
      BARRACK_AUTH_SCHEME: "",
    };
    const installed = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        path.join(binDir, "pulumi"),
        ["plugin", "install", "resource", "barrack", packageVersion(), "-f", pluginArchive(), "--non-interactive"],
        { cwd: workDir, env: { ...process.env, ...env } },
        (err, _stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    if (installed.code !== 0) throw new Error(`pulumi plugin install resource barrack failed (${installed.code}): ${installed.stderr}`);
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "e2e", workDir: workDir! },
      { pulumiCommand: await pulumiCommand(binDir), pulumiHome: home, envVars: env, secretsProvider: "passphrase" },
    );
    await stack.setAllConfig({
      "barrack:endpoint": { value: emu.url },
      "barrack:apiKey": { value: emu.apiKey, secret: true },
    });
  });

  it("up creates the volume through the YAML host and the plugin, after getRegions answered", async () => {
    destroyed = false;
    const result = await stack.up(quiet);
    expect(result.summary.resourceChanges).toEqual({ create: 2 });
    const outputs = result.outputs;
    volumeId = String(outputs.volumeId!.value);
    expect(outputs.volumeName!.value).toMatch(/^data-[0-9a-f]{7}$/);
    expect(outputs.sizeGb!.value).toBe(100);
    const regions = outputs.regions!.value as { name: string; tier: string; volumeTypes: string[] }[];
    expect(regions.length).toBeGreaterThan(0);
    expect(regions.every((r) => r.tier === "advanced")).toBe(true);
    expect(regions.find((r) => r.name === "FINLAND-1")?.volumeTypes).toContain("NVMe");
    expect(volumes().map((v) => ({ id: v.volume_id, region: v.region, type: v.volume_type, size: v.size_gb }))).toEqual([
      { id: volumeId, region: "FINLAND-1", type: "NVMe", size: 100 },
    ]);
    // The host is the one ensure-yaml.sh built (the CLI names it when it comes from PATH).
    expect(result.stdout).toContain("pulumi-language-yaml");
  });

  it("a second up changes nothing and sends no mutation", async () => {
    emu.resetCounters();
    const result = await stack.up(quiet);
    expect(result.summary.resourceChanges).toEqual({ same: 2 });
    expect(mutations(emu)).toEqual({});
  });

  it("a larger sizeGb grows the volume in place", async () => {
    await stack.setConfig("sizeGb", { value: "200" });
    const preview = await stack.preview(quiet);
    expect(preview.changeSummary).toEqual({ same: 1, update: 1 });
    const result = await stack.up(quiet);
    expect(result.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(volumes().map((v) => [v.volume_id, v.size_gb])).toEqual([[volumeId, 200]]);
  });

  it("destroy leaves nothing in the account", async () => {
    const result = await stack.destroy(quiet);
    expect(result.summary.resourceChanges).toEqual({ delete: 2 });
    destroyed = true;
    expect(objects(emu.inventory())).toEqual(NO_OBJECTS);
  });
});
