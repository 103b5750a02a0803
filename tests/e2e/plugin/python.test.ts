/**
 * End-to-end, real Pulumi engine, a PYTHON program: `examples/python-training-node` with the generated
 * SDK (`sdk/python`, pip-installed into a virtualenv with PyPI's `pulumi`) and the native plugin, installed
 * from its archive with `pulumi plugin install` as the README says. One stack walked through its life:
 *
 *   1. up: an SSH key, two volumes and an instance, named by our autonaming, the private key a secret;
 *   2. up again: nothing changes and nothing is sent to the API but reads;
 *   3. stagingSizeGb 500 → 600: the detached volume grows in place (same id);
 *   4. gpuCount 1 → 2: the instance is replaced (a new id, the old one deleted);
 *   5. the staging volume grown out of band: refresh records the drift; the program catching up plans nothing;
 *   6. the data functions answered through the plugin (the stock output);
 *   7. destroy: the emulator holds nothing.
 *
 * Never skipped: without the CLI, the plugin archive or a Python virtualenv, the suite fails saying why.
 */
import * as path from "path";
import type { TestStack } from "../harness";
import { mutations, NO_OBJECTS, objects, useE2eEmulator } from "../support";

jest.setTimeout(600_000);

const PROGRAM_DIR = path.resolve(__dirname, "..", "..", "..", "examples", "python-training-node");
const NAMES = ["trainer-key", "trainer-data", "dataset-staging", "trainer"];

describe("e2e: a Python program under the native plugin (examples/python-training-node)", () => {
  const emu = useE2eEmulator();
  let stack: TestStack;
  let instanceId: string;
  let stagingId: string;

  const stagingVolume = () => emu.inventory().volumes.find((v) => v.volume_id === stagingId)!;

  beforeAll(async () => {
    stack = await emu.createStack({ programDir: PROGRAM_DIR, plugin: true });
  });

  it("up creates the key, the volume and the instance through the plugin", async () => {
    const result = await stack.up();
    for (const name of NAMES) expect({ name, ops: result.opsFor(name) }).toEqual({ name, ops: ["create"] });
    const state = await stack.resources();
    expect(state.map((r) => r.type).sort()).toEqual(["barrack:index:Instance", "barrack:index:SshKey", "barrack:index:Volume", "barrack:index:Volume"]);
    const outputs = await stack.outputMap();
    instanceId = String(outputs.instanceId!.value);
    stagingId = String(outputs.stagingVolumeId!.value);
    expect(outputs.instanceName!.value).toMatch(/^trainer-[0-9a-f]{7}$/);
    expect(outputs.sshPrivateKey!.secret).toBe(true);
    expect(String(outputs.sshPrivateKey!.value)).toContain("PRIVATE KEY");
    expect(outputs.hourlyCost!.value).toBeCloseTo(2.49, 2);
    const inventory = emu.inventory();
    expect(inventory.instances.map((i) => i.vm_id)).toEqual([instanceId]);
    expect(inventory.instances[0]!.status).toBe("ACTIVE");
    expect(inventory.volumes.map((v) => v.size_gb).sort()).toEqual([200, 500]);
    // The private key is in state only encrypted; the burn line came through the engine's log.
    expect(await stack.exportState()).not.toContain("PRIVATE KEY");
    expect(result.stdout).toMatch(/hourly burn: USD 0\.00 now → USD \d+\.\d\d after this plan/);
  });

  it("a second up changes nothing and sends no mutation", async () => {
    emu.resetCounters();
    const result = await stack.up();
    for (const name of NAMES) expect({ name, ops: result.opsFor(name) }).toEqual({ name, ops: ["same"] });
    expect(mutations(emu)).toEqual({});
  });

  it("a larger stagingSizeGb grows the detached volume in place", async () => {
    await stack.setConfig("stagingSizeGb", "600");
    const preview = await stack.preview();
    expect(preview.opsFor("dataset-staging")).toEqual(["update"]);
    const result = await stack.up();
    expect(result.opsFor("dataset-staging")).toEqual(["update"]);
    expect(result.opsFor("trainer")).toEqual(["same"]);
    expect(stagingVolume().size_gb).toBe(600);
  });

  it("another gpuCount replaces the instance: a new one, the old one deleted", async () => {
    await stack.setConfig("gpuCount", "2");
    const preview = await stack.preview();
    // Deleted first: the new instance needs the data volume the old one holds.
    expect(preview.opsFor("trainer")).toEqual(["delete-replaced", "replace", "create-replacement"]);
    const result = await stack.up();
    expect(result.opsFor("trainer")).toContain("replace");
    const instances = emu.inventory().instances;
    expect(instances.map((i) => i.gpu_count)).toEqual([2]);
    expect(instances[0]!.vm_id).not.toBe(instanceId);
    expect((await stack.outputs()).instanceId).toBe(instances[0]!.vm_id);
    instanceId = instances[0]!.vm_id;
  });

  it("refresh sees a volume grown outside Pulumi; the program catching up plans nothing", async () => {
    const response = await fetch(`${emu.url}volumes/${stagingId}/resize/`, {
      method: "POST",
      headers: { Authorization: `Bearer ${emu.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ new_size_gb: 700 }),
    });
    expect(response.status).toBeLessThan(300);
    await waitFor(() => stagingVolume().status === "available" && stagingVolume().size_gb === 700);
    const refreshed = await stack.refresh();
    expect(refreshed.opsFor("dataset-staging")).toEqual(["update"]);
    const state = (await stack.resources()).find((r) => r.id === stagingId)!;
    expect(state.outputs.sizeGb).toBe(700);
    await stack.setConfig("stagingSizeGb", "700");
    emu.resetCounters();
    const preview = await stack.preview();
    for (const name of NAMES) expect({ name, ops: preview.opsFor(name) }).toEqual({ name, ops: ["same"] });
    expect(mutations(emu)).toEqual({});
  });

  it("the data functions answer through the plugin with the stack's provider", async () => {
    const outputs = await stack.outputs();
    expect(typeof outputs.gpusInStock).toBe("number");
    expect(outputs.gpusInStock as number).toBeGreaterThan(0);
  });

  it("destroy leaves nothing in the account", async () => {
    const result = await stack.destroy();
    for (const name of NAMES) expect({ name, ops: result.opsFor(name) }).toEqual({ name, ops: ["delete"] });
    expect(objects(emu.inventory())).toEqual(NO_OBJECTS);
    expect(emu.inventory().costPerHour).toBe(0);
  });
});

async function waitFor(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error("timed out waiting for the emulator");
    await new Promise((r) => setTimeout(r, 50));
  }
}
