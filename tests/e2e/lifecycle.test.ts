/**
 * End-to-end, real Pulumi engine: one `examples/gpu-training-node` stack walked through its lifecycle
 * against the emulator, as ordered steps (every `pulumi up` costs seconds, so they share one stack):
 *
 *   1. up (openPorts "22,6006");
 *   2. refresh of the settled stack: no API mutation, and the next preview plans nothing;
 *   3. powerState running → stopped → hibernated → running: each an in-place update of `trainer`
 *      (same id), with exactly the power calls needed, nothing else touched;
 *   4. openPorts "22,6006,8888" then "22": a firewall rule added, then two removed, in place (same id);
 *   5. out-of-band stop of the instance + out-of-band delete of the firewall: refresh shows the drift
 *      (instance updated to stopped, firewall dropped), the preview plans to put both back, up does;
 *   6. out-of-band delete of the instance: refresh drops it, the preview plans to create it again;
 *   7. two checks on output captured above: no false "attaching will fail" warning for a firewall that is
 *      already attached, and no false `rules` change in a preview where the instance id is unknown;
 *   8. destroy: the emulator holds nothing.
 *
 * Never skipped: without the Pulumi CLI, createTestStack throws and every test fails.
 */
import { randomBytes } from "crypto";
import * as path from "path";
import { BarrackClient } from "../../provider/client";
import type { OperationResult, TestStack } from "./harness";
import { mutations, NO_OBJECTS, objects, useE2eEmulator, type Inventory } from "./support";

jest.setTimeout(240_000);

const PROGRAM_DIR = path.resolve(__dirname, "..", "..", "examples", "gpu-training-node");
const API_KEY = `brk-e2e-${randomBytes(12).toString("hex")}`;
const NAMES = ["trainer-key", "trainer-setup", "trainer-data", "trainer", "trainer-fw"] as const;

type WireInstance = Inventory["instances"][number];
type WireFirewall = Inventory["firewalls"][number];

/** The ops of every resource but the listed ones, which must all be `same`. */
function othersThan(result: OperationResult, ...changed: string[]): Record<string, string[]> {
  return Object.fromEntries(NAMES.filter((n) => !changed.includes(n)).map((n) => [n, result.opsFor(n)]));
}
function allSame(...names: string[]): Record<string, string[]> {
  return Object.fromEntries(NAMES.filter((n) => !names.includes(n)).map((n) => [n, ["same"]]));
}

function ports(firewall: WireFirewall): number[] {
  return firewall.rules.map((r) => r.port_range_min ?? -1).sort((a, b) => a - b);
}

describe("e2e: gpu-training-node lifecycle (power states, firewall rules, drift, destroy)", () => {
  const emu = useE2eEmulator({ apiKey: API_KEY });
  let client: BarrackClient;
  let stack: TestStack;
  /** Ids from the first up. */
  let ids: { instance: string; firewall: string; volume: string; key: string; script: string };
  /** Provider warnings per step ("warning: …" lines from check()). */
  const warnings: Record<string, string[]> = {};
  /** The firewall's planned step in the preview after the instance was deleted out of band. */
  let firewallStepWithUnknownInstance: OperationResult["steps"][number] | undefined;
  /** …and the CLI's line for it. */
  let firewallPreviewLine: string | undefined;

  const only = <T,>(items: T[], what: string): T => {
    expect({ what, count: items.length }).toEqual({ what, count: 1 });
    return items[0]!;
  };
  const instance = (): WireInstance => only(emu.inventory().instances, "instances");
  const firewall = (): WireFirewall => only(emu.inventory().firewalls, "firewalls");

  async function until(what: string, done: (inv: Inventory) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(emu.inventory())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(emu.inventory().instances.map((i) => i.status))}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function run(step: string, op: () => Promise<OperationResult>): Promise<OperationResult> {
    const result = await op();
    // Provider warnings arrive as console output ("warning: …"), i.e. info diagnostics.
    warnings[step] = result.diagnostics.filter((d) => d.severity === "warning" || /^warning:/i.test(d.message)).map((d) => d.message);
    expect(result.text).not.toContain(API_KEY);
    return result;
  }

  async function stateOf(name: string) {
    return (await stack.resources()).find((r) => r.name === name);
  }

  beforeAll(async () => {
    client = new BarrackClient({ apiKey: API_KEY, baseUrl: emu.url });
    stack = await emu.createStack({ programDir: PROGRAM_DIR, config: { openPorts: "22,6006", powerState: "running" } });
  });

  it("up creates the node", async () => {
    const up = await run("up", () => stack.up());
    expect(up.counts).toMatchObject({ create: 6, update: 0, replace: 0, delete: 0 });
    const vm = instance();
    const fw = firewall();
    expect(vm.status).toBe("ACTIVE");
    expect(ports(fw)).toEqual([22, 6006]);
    expect(fw.attachments.map((a) => [a.vm_id, a.status])).toEqual([[vm.vm_id, "SUCCESS"]]);
    ids = {
      instance: vm.vm_id,
      firewall: fw.firewall_id,
      volume: only(emu.inventory().volumes, "volumes").volume_id,
      key: only(emu.inventory().sshKeys, "sshKeys").key_id,
      script: only(emu.inventory().scripts, "scripts").script_id,
    };
    expect(up.outputs).toMatchObject({ instanceId: ids.instance, firewallId: ids.firewall, volumeId: ids.volume, status: "ACTIVE" });
  });

  it("refresh of the settled stack changes nothing in the API, and the next preview plans nothing", async () => {
    emu.resetCounters();
    const refresh = await run("settled refresh", () => stack.refresh());
    expect(mutations(emu)).toEqual({});
    expect(refresh.counts.delete).toBe(0);
    expect((await stack.resources()).map((r) => r.name).sort()).toEqual([...NAMES].sort());
    // Only the firewall attachment, made after the instance was created, may be news to the instance's state.
    const trainerAfter = await stateOf("trainer");
    expect(trainerAfter!.outputs).toMatchObject({ powerState: "running", status: "ACTIVE", firewallIds: [ids.firewall] });

    const preview = await run("settled preview", () => stack.preview());
    expect(preview.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
    expect(othersThan(preview)).toEqual(allSame());
    expect(mutations(emu)).toEqual({});
  });

  describe.each([
    { powerState: "stopped", status: "SHUTOFF", calls: { "POST vms/{vm_id}/stop/": 1 } },
    // From stopped, hibernating needs the instance running first.
    { powerState: "hibernated", status: "HIBERNATED", calls: { "POST vms/{vm_id}/start/": 1, "POST vms/{vm_id}/hibernate/": 1 } },
    { powerState: "running", status: "ACTIVE", calls: { "POST vms/{vm_id}/restore/": 1 } },
  ])("powerState → $powerState", ({ powerState, status, calls }) => {
    it(`updates the instance in place to ${status} (same id), touching nothing else`, async () => {
      await stack.setConfig("powerState", powerState);
      emu.resetCounters();
      const up = await run(`powerState ${powerState}`, () => stack.up());
      expect(up.opFor("trainer")).toBe("update");
      expect(up.opsFor("trainer")).toEqual(["update"]);
      expect(othersThan(up, "trainer")).toEqual(allSame("trainer"));
      expect(up.counts).toMatchObject({ update: 1, create: 0, replace: 0, delete: 0 });
      expect(up.stepsFor("trainer")[0]!.changedInputs).toEqual(["powerState"]);

      expect(up.outputs).toMatchObject({ instanceId: ids.instance, status });
      const vm = instance();
      expect(vm).toMatchObject({ vm_id: ids.instance, status });
      expect(vm.volume_ids).toContain(ids.volume);
      expect(mutations(emu)).toEqual(calls);
      expect((await stateOf("trainer"))!).toMatchObject({ id: ids.instance, outputs: { powerState, status } });
    });
  });

  it("adds a firewall rule in place (openPorts 22,6006,8888): same firewall, one rule added", async () => {
    await stack.setConfig("openPorts", "22,6006,8888");
    emu.resetCounters();
    const up = await run("openPorts +8888", () => stack.up());
    expect(up.opsFor("trainer-fw")).toEqual(["update"]);
    expect(up.stepsFor("trainer-fw")[0]!.changedInputs).toEqual(["rules"]);
    expect(othersThan(up, "trainer-fw")).toEqual(allSame("trainer-fw"));
    expect(up.outputs.firewallId).toBe(ids.firewall);
    const fw = firewall();
    expect(fw.firewall_id).toBe(ids.firewall);
    expect(ports(fw)).toEqual([22, 6006, 8888]);
    expect(fw.attachments.map((a) => [a.vm_id, a.status])).toEqual([[ids.instance, "SUCCESS"]]);
    expect(mutations(emu)).toEqual({ "POST firewalls/{firewall_id}/rules/": 1 });
    const state = await stateOf("trainer-fw");
    expect(state!.id).toBe(ids.firewall);
    expect((state!.outputs.rules as unknown[]).length).toBe(3);
    expect(state!.outputs.ruleIds).toEqual(fw.rules.map((r) => r.rule_id));
  });

  it("removes firewall rules in place (openPorts 22): same firewall, two rules removed", async () => {
    await stack.setConfig("openPorts", "22");
    emu.resetCounters();
    const up = await run("openPorts 22", () => stack.up());
    expect(up.opsFor("trainer-fw")).toEqual(["update"]);
    expect(othersThan(up, "trainer-fw")).toEqual(allSame("trainer-fw"));
    const fw = firewall();
    expect(fw.firewall_id).toBe(ids.firewall);
    expect(ports(fw)).toEqual([22]);
    expect(fw.attachments.map((a) => [a.vm_id, a.status])).toEqual([[ids.instance, "SUCCESS"]]);
    expect(mutations(emu)).toEqual({ "DELETE firewalls/{firewall_id}/rules/{rule_id}/": 2 });
    const state = await stateOf("trainer-fw");
    expect(state!.outputs.rules).toEqual([
      { direction: "ingress", protocol: "tcp", ethertype: "IPv4", remoteIpPrefix: "0.0.0.0/0", portRangeMin: 22, portRangeMax: 22 },
    ]);
  });

  it("refresh shows out-of-band drift (instance stopped, firewall deleted); preview and up put it back", async () => {
    await client.call("stopInstance", { params: { vm_id: ids.instance } });
    await client.call("deleteFirewall", { params: { firewall_id: ids.firewall }, query: { force: true } });
    await until("the instance to stop", (inv) => inv.instances[0]?.status === "SHUTOFF");
    expect(emu.inventory().firewalls).toEqual([]);

    emu.resetCounters();
    const refresh = await run("drift refresh", () => stack.refresh());
    expect(mutations(emu)).toEqual({}); // refresh only reads
    expect(refresh.opFor("trainer")).toBe("update");
    expect(refresh.opFor("trainer-fw")).toBe("delete");
    expect(refresh.counts).toMatchObject({ delete: 1 });
    expect(refresh.counts.update).toBeGreaterThanOrEqual(1);
    const state = await stack.resources();
    expect(state.map((r) => r.name).sort()).toEqual(NAMES.filter((n) => n !== "trainer-fw").sort());
    expect(state.find((r) => r.name === "trainer")!.outputs).toMatchObject({ powerState: "stopped", status: "SHUTOFF", firewallIds: [] });

    const preview = await run("drift preview", () => stack.preview());
    expect(preview.opFor("trainer")).toBe("update");
    expect(preview.opFor("trainer-fw")).toBe("create");
    expect(preview.counts).toMatchObject({ create: 1, update: 1, replace: 0, delete: 0 });
    expect(othersThan(preview, "trainer", "trainer-fw")).toEqual(allSame("trainer", "trainer-fw"));

    const up = await run("drift up", () => stack.up());
    expect(up.opsFor("trainer")).toEqual(["update"]);
    expect(up.opsFor("trainer-fw")).toEqual(["create"]);
    expect(up.outputs).toMatchObject({ instanceId: ids.instance, status: "ACTIVE" });
    expect(instance()).toMatchObject({ vm_id: ids.instance, status: "ACTIVE" });
    const fw = firewall();
    expect(fw.firewall_id).not.toBe(ids.firewall);
    expect(up.outputs.firewallId).toBe(fw.firewall_id);
    expect(ports(fw)).toEqual([22]);
    expect(fw.attachments.map((a) => [a.vm_id, a.status])).toEqual([[ids.instance, "SUCCESS"]]);
    expect(mutations(emu)).toEqual({
      "POST vms/{vm_id}/start/": 1,
      "POST firewalls/": 1,
      "POST firewalls/{firewall_id}/rules/": 1,
      "POST firewalls/{firewall_id}/attach/": 1,
    });
    ids.firewall = fw.firewall_id;
  });

  it("refresh after an out-of-band instance delete drops it; the preview plans to create it again", async () => {
    await client.call("deleteInstance", { params: { vm_id: ids.instance } });
    await until("the instance to be gone", (inv) => inv.instances.length === 0);

    emu.resetCounters();
    const refresh = await run("deleted refresh", () => stack.refresh());
    expect(mutations(emu)).toEqual({});
    expect(refresh.opFor("trainer")).toBe("delete");
    expect(refresh.counts).toMatchObject({ delete: 1 });
    const state = await stack.resources();
    expect(state.map((r) => r.name).sort()).toEqual(NAMES.filter((n) => n !== "trainer").sort());
    // What the delete did to the others shows as their refreshed state: detached volume, firewall with no instance.
    expect(state.find((r) => r.name === "trainer-fw")!.outputs).toMatchObject({ firewallId: ids.firewall, instanceIds: [] });
    expect(state.find((r) => r.name === "trainer-data")!.outputs).toMatchObject({ volumeId: ids.volume, status: "available" });
    expect(state.find((r) => r.name === "trainer-data")!.outputs.attachedTo).toBeUndefined();

    const preview = await run("deleted preview", () => stack.preview());
    expect(preview.opFor("trainer")).toBe("create");
    expect(preview.opFor("trainer-fw")).toBe("update");
    expect(preview.counts).toMatchObject({ create: 1, replace: 0, delete: 0 });
    expect(mutations(emu)).toEqual({});
    firewallStepWithUnknownInstance = preview.stepsFor("trainer-fw")[0];
    firewallPreviewLine = preview.stdout.split("\n").find((line) => /Firewall trainer-fw/.test(line));
  });

  // The two checks below look at output already captured by the steps above; kept apart so that a failure
  // names the precise problem without hiding the lifecycle's other results.

  it("no 'attaching will fail' warning for a firewall already attached to the instance it lists (stopped/hibernated)", () => {
    // Neither up changes the firewall (its step is `same`, nothing is attached), so nothing can fail to attach.
    const steps = ["powerState stopped", "powerState hibernated"];
    expect(Object.fromEntries(steps.map((step) => [step, warnings[step]]))).toEqual(Object.fromEntries(steps.map((step) => [step, []])));
  });

  it("a preview with an unknown instance id reports only instanceIds as changed, not the unchanged firewall rules", () => {
    expect(firewallStepWithUnknownInstance).toBeDefined();
    // What the user sees: the CLI's diff summary for the firewall.
    expect(firewallPreviewLine).toMatch(/update \[diff: ~instanceIds\]/);
    // The new inputs must carry the rules' defaults (ethertype, remoteIpPrefix) as the stored ones do.
    expect(firewallStepWithUnknownInstance!.changedInputs).toEqual(["instanceIds"]);
  });

  it("destroy deletes what is left: the emulator holds nothing", async () => {
    const destroy = await run("destroy", () => stack.destroy());
    expect(destroy.counts).toMatchObject({ delete: 5 }); // 4 resources + the stack
    const inv = emu.inventory();
    expect(objects(inv)).toEqual(NO_OBJECTS);
    expect(inv.costPerHour).toBe(0);
    expect(await stack.resources()).toEqual([]);
  });
});
