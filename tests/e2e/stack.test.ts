/**
 * End-to-end, real Pulumi engine: the full `examples/gpu-training-node` stack (SSH key, startup script,
 * NVMe volume, H100 instance with the volume, firewall with rules attached via `instanceIds`) against
 * the emulator, walked through ordered steps on ONE stack (every `pulumi up` costs seconds):
 *
 *   1. up: every resource created once, outputs match what the emulator holds;
 *   2. a second up with no change: every step `same`, no API mutation (only GETs), nothing changed;
 *   3. the API key (a secret in stack config) appears nowhere: neither export (with and without
 *      --show-secrets), no operation output or diagnostic, no file of the stack's temp dir; the
 *      serialized `__provider` is small and holds neither key nor endpoint;
 *   4. destroy: the emulator holds nothing (and bills nothing) afterwards.
 *
 * Never skipped: without the Pulumi CLI, createTestStack throws and every test fails.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { OperationResult, StateResource, TestStack } from "./harness";
import { mutations, NO_OBJECTS, objects, useE2eEmulator, type Inventory } from "./support";

jest.setTimeout(240_000);

const PROGRAM_DIR = path.resolve(__dirname, "..", "..", "examples", "gpu-training-node");
const API_KEY = `brk-e2e-${randomBytes(12).toString("hex")}`;
/** Logical names of the program's resources. */
const NAMES = ["trainer-key", "trainer-setup", "trainer-data", "trainer", "trainer-fw"] as const;
const TYPE_OF: Record<(typeof NAMES)[number], string> = {
  "trainer-key": "SshKey",
  "trainer-setup": "StartupScript",
  "trainer-data": "Volume",
  trainer: "Instance",
  "trainer-fw": "Firewall",
};

/** Every file under `dir` (not following symlinks), for leak scans. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

describe("e2e: full gpu-training-node stack (up, no-op up, secrets, destroy)", () => {
  const emu = useE2eEmulator({ apiKey: API_KEY });
  let stack: TestStack;
  let baseline: Inventory;
  /** Every operation's result, scanned for the key at the end. */
  const results: OperationResult[] = [];
  let created: Record<string, unknown>;

  beforeAll(async () => {
    baseline = emu.inventory();
    stack = await emu.createStack({ programDir: PROGRAM_DIR });
  });

  it("starts from an emulator holding no resources", () => {
    expect(objects(baseline)).toEqual(NO_OBJECTS);
  });

  it("up creates every resource once, wired together, with outputs matching the API", async () => {
    emu.resetCounters();
    const up = await stack.up();
    results.push(up);

    expect(up.counts).toMatchObject({ create: 6, update: 0, replace: 0, delete: 0 }); // 5 resources + the stack
    for (const name of NAMES) expect(up.opsFor(name)).toEqual(["create"]);

    // Each create call exactly once (no retried or duplicated creates), rules and attachment once each.
    const calls = mutations(emu);
    expect(calls).toMatchObject({
      "POST ssh-keys/": 1,
      "POST scripts/": 1,
      "POST volumes/": 1,
      "POST vms/": 1,
      "POST firewalls/": 1,
      "POST firewalls/{firewall_id}/rules/": 2,
      "POST firewalls/{firewall_id}/attach/": 1,
    });
    expect(Object.keys(calls).filter((route) => route.startsWith("DELETE "))).toEqual([]);

    const inv = emu.inventory();
    expect(inv.instances).toHaveLength(1);
    expect(inv.volumes).toHaveLength(1);
    expect(inv.firewalls).toHaveLength(1);
    expect(inv.sshKeys).toHaveLength(1);
    expect(inv.scripts).toHaveLength(1);
    const [vm] = inv.instances;
    const [volume] = inv.volumes;
    const [firewall] = inv.firewalls;
    const [key] = inv.sshKeys;
    const [script] = inv.scripts;

    const out = up.outputs;
    created = out;
    expect(out.instanceId).toBe(vm!.vm_id);
    expect(out.instanceId).toMatch(/^BRK-\d+D$/);
    expect(out.status).toBe("ACTIVE");
    expect(vm!.status).toBe("ACTIVE");
    expect(typeof out.ipAddress).toBe("string");
    expect(out.ipAddress).toBe(vm!.ip_address);
    expect(out.sshCommand).toBe(`ssh -i trainer.pem ubuntu@${vm!.ip_address}`);
    expect(out.volumeId).toBe(volume!.volume_id);
    expect(out.firewallId).toBe(firewall!.firewall_id);
    expect(out.instanceCostPerHour).toBeCloseTo(vm!.per_minute_rate * 60, 6);
    expect(out.instanceCostPerHour as number).toBeGreaterThan(0);
    expect(out.volumeCostPerHour as number).toBeGreaterThan(0);
    expect(out.sshPrivateKey).toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    expect((await stack.outputMap()).sshPrivateKey?.secret).toBe(true);

    // The instance as the API holds it: H100 in FINLAND-1 with the key, the script, the volume, the firewall.
    expect(vm).toMatchObject({
      vm_name: expect.stringMatching(/^trainer-[0-9a-f]{7}$/), // autonamed
      region: "FINLAND-1",
      gpu_model: "H100-SXM5-80GB",
      gpu_count: 1,
      public_ip: true,
      boot_source: "os_image",
      ssh_key_ids: [key!.key_id],
      startup_script_id: script!.script_id,
    });
    expect(vm!.volume_ids).toContain(volume!.volume_id);
    expect(vm!.firewall_ids).toEqual([firewall!.firewall_id]);
    expect(volume).toMatchObject({ name: expect.stringMatching(/^trainer-data-[0-9a-f]{7}$/), volume_type: "NVMe", size_gb: 500, status: "in-use", attached_to: vm!.vm_id });
    expect(firewall).toMatchObject({ name: expect.stringMatching(/^trainer-fw-[0-9a-f]{7}$/), region: "FINLAND-1", status: "SUCCESS" });
    expect(firewall!.attachments.map((a) => [a.vm_id, a.status])).toEqual([[vm!.vm_id, "SUCCESS"]]);
    expect(firewall!.rules.map((r) => [r.direction, r.protocol, r.port_range_min, r.port_range_max, r.remote_ip_prefix]).sort()).toEqual([
      ["ingress", "tcp", 22, 22, "0.0.0.0/0"],
      ["ingress", "tcp", 6006, 6006, "0.0.0.0/0"],
    ]);
    expect(script!.content).toContain("mount /dev/vdb /data");

    // The state: one resource per name, of the right type, with the API's ids.
    const state = await stack.resources();
    expect(state.map((r) => r.name).sort()).toEqual([...NAMES].sort());
    const byName = new Map(state.map((r) => [r.name, r]));
    for (const name of NAMES) expect(byName.get(name)!.type).toBe(`pulumi-nodejs:dynamic/barrack:${TYPE_OF[name]}`);
    expect(byName.get("trainer")!.id).toBe(vm!.vm_id);
    expect(byName.get("trainer-data")!.id).toBe(volume!.volume_id);
    expect(byName.get("trainer-fw")!.id).toBe(firewall!.firewall_id);
    expect(byName.get("trainer-key")!.id).toBe(key!.key_id);
    expect(byName.get("trainer-setup")!.id).toBe(script!.script_id);
    // (Its `firewallIds` output is as read when the instance was created, before the firewall attached.)
    expect(byName.get("trainer")!.outputs).toMatchObject({ powerState: "running", status: "ACTIVE", volumeIds: [volume!.volume_id] });
    expect(byName.get("trainer-fw")!.outputs).toMatchObject({ instanceIds: [vm!.vm_id], firewallId: firewall!.firewall_id });
  });

  it("a second up with no change does nothing: all same, only GET requests, nothing changed", async () => {
    const before = objects(emu.inventory());
    emu.resetCounters();
    const up = await stack.up();
    results.push(up);

    expect(up.counts).toMatchObject({ same: 6, create: 0, update: 0, replace: 0, delete: 0 });
    for (const name of NAMES) expect(up.opsFor(name)).toEqual(["same"]);
    expect(up.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`)).toEqual([]);
    expect(mutations(emu)).toEqual({});
    expect(up.outputs).toEqual(created);
    expect(objects(emu.inventory())).toEqual(before);
  });

  it("never reveals the API key: state export, --show-secrets export, operation output, temp files; __provider is small", async () => {
    // The key does exist in config, as a secret (so a missing key cannot make this test pass vacuously).
    expect(await stack.stack.getConfig("barrack:apiKey")).toEqual({ value: API_KEY, secret: true });

    // Without --show-secrets the key is nowhere, not even inside a secret (only ciphertext).
    const exported = await stack.exportState();
    expect(exported).not.toContain(API_KEY);
    expect(exported).not.toContain(String(created.sshPrivateKey));

    // With --show-secrets, Pulumi decrypts every secret. The engine records the stack config it gave the
    // pulumi-nodejs provider (barrack:apiKey included) in that provider's state entry, encrypted; the key
    // may show there and only there, as a decrypted secret: never in a Barrack resource, never in plain text.
    const revealed = await stack.exportState({ showSecrets: true });
    expect(revealed).toContain(String(created.sshPrivateKey).split("\n")[1]); // secrets really are decrypted
    const deployment = (text: string) =>
      (JSON.parse(text) as { deployment: { resources: Record<string, unknown>[] } }).deployment.resources;
    const withKey = deployment(revealed).filter((r) => JSON.stringify(r).includes(API_KEY));
    expect(withKey.map((r) => r.type)).toEqual(withKey.length ? ["pulumi:providers:pulumi-nodejs"] : []);
    const providerEntry = deployment(exported).find((r) => r.type === "pulumi:providers:pulumi-nodejs");
    for (const where of ["inputs", "outputs"] as const) {
      const stored = (providerEntry?.[where] as Record<string, unknown> | undefined)?.["barrack:apiKey"];
      if (stored !== undefined) {
        // Stored as a secret: the engine's secret signature and ciphertext, no plaintext.
        expect(stored).toEqual({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) });
      }
    }

    // The serialized provider: a small shim naming its resource type, no key, no endpoint.
    const resources: StateResource[] = await stack.resources({ showSecrets: true });
    expect(resources).toHaveLength(NAMES.length);
    for (const r of resources) {
      for (const [where, props] of [["inputs", r.inputs], ["outputs", r.outputs]] as const) {
        const provider = props.__provider;
        expect({ resource: r.name, where, type: typeof provider }).toEqual({ resource: r.name, where, type: "string" });
        const text = String(provider);
        expect({ resource: r.name, where, bytes: text.length, small: text.length < 4096 }).toMatchObject({ small: true });
        expect(text).not.toContain(API_KEY);
        expect(text).not.toContain(String(emu.port));
        expect(text).toContain("pulumi-barrack/provider-impl");
      }
    }

    // Every line the engine, the program and the providers printed so far.
    for (const r of results) {
      expect(r.text).not.toContain(API_KEY);
      for (const d of r.diagnostics) expect(d.message).not.toContain(API_KEY);
    }
    expect(results.some((r) => r.text.includes(String(created.instanceId)))).toBe(true); // the scan sees real output

    // Every file of the stack's temp dir: state backend (checkpoints, history, backups), PULUMI_HOME, the
    // stack config (where the key is stored encrypted).
    const files = filesUnder(stack.tempDir);
    expect(files.some((f) => fs.readFileSync(f).includes(String(created.instanceId)))).toBe(true); // the checkpoint is among them
    const leaking = files.filter((f) => fs.statSync(f).size < 64 * 1024 * 1024 && fs.readFileSync(f).includes(API_KEY));
    expect(leaking).toEqual([]);
    const stackConfig = fs.readFileSync(path.join(stack.workDir, `Pulumi.${stack.stackName}.yaml`), "utf8");
    expect(stackConfig).toMatch(/barrack:apiKey:\s*\n\s*secure:/);
  });

  it("destroy deletes everything: the emulator holds nothing and bills nothing", async () => {
    emu.resetCounters();
    const destroy = await stack.destroy();
    results.push(destroy);
    expect(destroy.counts).toMatchObject({ delete: 6 });
    for (const name of NAMES) expect(destroy.opsFor(name)).toEqual(["delete"]);
    expect(destroy.text).not.toContain(API_KEY);

    const calls = mutations(emu);
    expect(calls).toMatchObject({
      "DELETE vms/{vm_id}/": 1,
      "DELETE volumes/{volume_id}/": 1,
      "DELETE firewalls/{firewall_id}/": 1,
      "DELETE ssh-keys/{key_id}/": 1,
      "DELETE scripts/{script_id}/": 1,
    });

    const inv = emu.inventory();
    expect(objects(inv)).toEqual(NO_OBJECTS);
    expect(inv.costPerHour).toBe(0);
    expect(await stack.resources()).toEqual([]);
  });
});
