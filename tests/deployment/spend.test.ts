/**
 * The plan ledger (provider/deployment/spend.ts): hourly cost per resource before/after a plan, the
 * account's current burn (read once per process), the one-line summary, and `barrack:maxHourlySpend`.
 * Against the emulator, whose billing the figures must match.
 */
import { BarrackClient } from "../../provider/client";
import type { Instance } from "../../provider/contract";
import { burnLine, HIBERNATED_HOURLY, planCostSummary, planLedger, recordPlanCost, resetPlanLedger } from "../../provider/deployment/spend";
import { noteChecked, noteOperation } from "../../provider/deployment/run";
import type { StateResource } from "../../provider/deployment/stackState";
import { UNKNOWN, useEmulator } from "../resources/support";

const handle = useEmulator();
beforeEach(() => resetPlanLedger());

const H100 = "H100-SXM5-80GB"; // USD 2.49 per GPU per hour
const trainer = { type: "Instance", label: "trainer", after: { region: "FINLAND-1", gpuModel: H100, gpuCount: 2, powerState: "running" } };
const data = { type: "Volume", label: "data", after: { region: "FINLAND-1", type: "NVMe", sizeGb: 500 } }; // USD 0.30 per TB per hour

/** A resource of the stack's state, named `<name>-1a2b3c4`. */
const inState = (type: string, name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}): StateResource => ({
  urn: `urn:pulumi:dev::proj::pulumi-nodejs:dynamic/barrack:${type}::${name}`,
  type: `pulumi-nodejs:dynamic/barrack:${type}`,
  inputs: { name: `${name}-1a2b3c4`, ...inputs },
  outputs,
});

let keys = 0;
async function deployed(name: string): Promise<Instance> {
  const { ssh_key } = await handle.client.call("createSshKey", { body: { name: `spend-key-${++keys}` } });
  const { vm } = await handle.client.call("deployInstance", {
    body: { vm_name: name, region: "FINLAND-1", gpu_model: H100, gpu_count: 1, os_image_id: "ubuntu-24.04-cuda-12.8", ssh_key_ids: [ssh_key.key_id] },
  });
  return until(vm.vm_id, "ACTIVE");
}

async function until(id: string, status: string): Promise<Instance> {
  for (let i = 0; i < 400; i++) {
    const { vm } = await handle.client.call("getInstance", { params: { vm_id: id } });
    if (vm.status === status) return vm;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${id} never reached ${status}`);
}

describe("plan ledger", () => {
  it("prices an instance and a volume and sums the plan into the one-line summary", async () => {
    expect(await recordPlanCost(trainer, handle.client)).toEqual({ failures: [], costed: true });
    expect(await recordPlanCost(data, handle.client)).toEqual({ failures: [], costed: true });
    expect(planLedger()).toEqual([
      { type: "Instance", label: "trainer", before: 0, after: 4.98, description: "2× H100-SXM5-80GB trainer" },
      { type: "Volume", label: "data", before: 0, after: 0.15, description: "500 GB NVMe data" },
    ]);
    expect(planCostSummary()).toBe("hourly burn: USD 0.00 now → USD 5.13 after this plan (+5.13: 2× H100-SXM5-80GB trainer, 500 GB NVMe data)");
  });

  it("counts what a replaced instance cost, though the engine checks the replacement again without old inputs", async () => {
    const before = { region: "FINLAND-1", gpuModel: H100, gpuCount: 2, powerState: "running" };
    const after = { ...before, gpuModel: "RTX-A6000" }; // USD 0.69 per GPU per hour
    await recordPlanCost({ type: "Instance", label: "trainer", before, after }, handle.client);
    await recordPlanCost({ type: "Instance", label: "trainer", after }, handle.client); // the re-check of a replacement
    expect(planLedger()).toEqual([{ type: "Instance", label: "trainer", before: 4.98, after: 1.38, description: "2× RTX-A6000 trainer" }]);
  });

  it("reads the current burn once per process, as the emulator bills it (running, stopped, hibernated, volumes)", async () => {
    const running = await deployed("running-node");
    const stopped = await deployed("stopped-node");
    const hibernated = await deployed("sleeping-node");
    await handle.client.call("stopInstance", { params: { vm_id: stopped.vm_id } });
    await handle.client.call("hibernateInstance", { params: { vm_id: hibernated.vm_id } });
    await until(stopped.vm_id, "SHUTOFF");
    await until(hibernated.vm_id, "HIBERNATED");
    await handle.client.call("createVolume", { body: { name: "old-data", region: "FINLAND-1", volume_type: "HDD", size_gb: 1000 } });
    expect(running.status).toBe("ACTIVE");

    const billed = handle.emulator.inventory().costPerHour;
    expect(billed).toBeCloseTo(2.49 + 2.49 + HIBERNATED_HOURLY.USD + 0.08, 6);
    handle.emulator.resetCounters();
    await recordPlanCost(trainer, handle.client);
    await recordPlanCost(data, handle.client);
    expect(planCostSummary()).toBe(`hourly burn: USD ${billed.toFixed(2)} now → USD ${(billed + 5.13).toFixed(2)} after this plan (+5.13: 2× H100-SXM5-80GB trainer, 500 GB NVMe data)`);
    // Read-only, and once per process: one list of each kind for both resources.
    const counters = handle.emulator.counters();
    expect(Object.keys(counters).filter((route) => !route.startsWith("GET "))).toEqual([]);
    expect(counters["GET vms/"]).toBe(1);
    expect(counters["GET volumes/"]).toBe(1);
    expect(counters["GET gpu-specs/"]).toBe(1);
  });

  it("fails the resource that pushes the plan over barrack:maxHourlySpend, naming the limit, the burn and the top resources", async () => {
    expect(await recordPlanCost(trainer, handle.client, { maxHourlySpend: 5 })).toEqual({ failures: [], costed: true });
    expect(await recordPlanCost(data, handle.client, { maxHourlySpend: 5 })).toEqual({
      failures: [{
        property: "sizeGb",
        reason: "this plan would raise the hourly burn to USD 5.13, over barrack:maxHourlySpend USD 5.00 (now USD 0.00, +5.13 planned; " +
          "adding the most: 2× H100-SXM5-80GB trainer +4.98, 500 GB NVMe data +0.15). Plan fewer or smaller resources, hibernate some, or raise barrack:maxHourlySpend",
      }],
    });
    // A resource that lowers the burn is never refused.
    const cheaper = { type: "Instance", label: "old", before: { ...trainer.after }, after: { ...trainer.after, powerState: "hibernated" } };
    expect(await recordPlanCost(cheaper, handle.client, { maxHourlySpend: 5 })).toEqual({ failures: [], costed: true });
  });

  it("counts the current burn against the limit, and names powerState for a restore from hibernation", async () => {
    await deployed("running-node"); // USD 2.49/h now
    const waking = { type: "Instance", label: "sleeper", before: { ...trainer.after, powerState: "hibernated" }, after: { ...trainer.after } };
    const { failures } = await recordPlanCost(waking, handle.client, { maxHourlySpend: 6 });
    expect(failures).toEqual([{ property: "powerState", reason: expect.stringMatching(/^this plan would raise the hourly burn to USD 7\.46, over barrack:maxHourlySpend USD 6\.00 \(now USD 2\.49, \+4\.97 planned; adding the most: 2× H100-SXM5-80GB sleeper \+4\.97\)/) }]);
  });

  it("an update counts its difference; recording a resource again replaces it; a stop still costs the GPUs", async () => {
    const bigger = { type: "Instance", label: "trainer", before: { ...trainer.after, gpuCount: 1 }, after: trainer.after };
    await recordPlanCost(bigger, handle.client);
    await recordPlanCost(bigger, handle.client); // check runs again: not counted twice
    await recordPlanCost({ type: "Instance", label: "paused", before: trainer.after, after: { ...trainer.after, powerState: "stopped" } }, handle.client);
    await recordPlanCost({ type: "Volume", label: "data", before: { ...data.after, sizeGb: 100 }, after: data.after }, handle.client);
    expect(planCostSummary()).toBe("hourly burn: USD 0.00 now → USD 2.61 after this plan (+2.61: 2× H100-SXM5-80GB trainer, 500 GB NVMe data)");
  });

  it("hibernating lowers the burn to the hibernation rate", async () => {
    await recordPlanCost({ type: "Instance", label: "trainer", before: trainer.after, after: { ...trainer.after, powerState: "hibernated" } }, handle.client);
    expect(planLedger()[0]).toMatchObject({ before: 4.98, after: HIBERNATED_HOURLY.USD, description: "2× H100-SXM5-80GB trainer (hibernated)" });
    expect(planCostSummary()).toBe("hourly burn: USD 0.00 now → USD 0.00 after this plan (−4.97: 2× H100-SXM5-80GB trainer (hibernated))");
  });

  it("a snapshot restore (GPUs omitted) is priced from the old values; unknown values and free resources are not counted", async () => {
    await recordPlanCost({ type: "Instance", label: "restored", before: trainer.after, after: { region: "FINLAND-1", powerState: "hibernated" } }, handle.client);
    await recordPlanCost({ type: "Instance", label: "later", after: { ...trainer.after, gpuCount: UNKNOWN } }, handle.client);
    await recordPlanCost({ type: "Firewall", label: "fw", after: { region: "FINLAND-1" } }, handle.client);
    expect(planLedger().map((r) => r.label)).toEqual(["restored"]);
  });

  it("counts the state's priced resources that no check was about as deleted, and says when the state is unknown", async () => {
    const kept = inState("Instance", "trainer", trainer.after);
    const state = [
      kept,
      inState("Instance", "old", { region: "FINLAND-1", gpuModel: H100, gpuCount: 1 }),
      // A restore from a snapshot: its GPUs are only in the outputs.
      inState("Instance", "restored", { region: "FINLAND-1", powerState: "running" }, { gpuModel: H100, gpuCount: 2 }),
      inState("Volume", "scratch", { region: "FINLAND-1", type: "NVMe", sizeGb: 1000 }),
      inState("SshKey", "key", {}),
      // A snapshot's size is only in its outputs: USD 0.10 per 100 GB per hour.
      inState("Snapshot", "nightly", {}, { region: "FINLAND-1", sizeGb: 200 }),
      { ...inState("Volume", "other", { region: "FINLAND-1", type: "NVMe", sizeGb: 1000 }), type: "pulumi-nodejs:dynamic/someone-else:Volume" },
    ];
    // trainer is checked (its old inputs are its state inputs, as the engine passes them) and grows to 3 GPUs.
    noteChecked("Instance", kept.inputs);
    await recordPlanCost({ type: "Instance", label: "trainer", before: kept.inputs, after: { ...trainer.after, gpuCount: 3 } }, handle.client);
    expect(planCostSummary({ resources: state })).toBe(
      // +2.49 (trainer) − 4.98 (restored) − 2.49 (old) − 0.30 (scratch) − 0.20 (nightly); the largest named first.
      "hourly burn: USD 0.00 now → USD 0.00 after this plan (−5.48: 2× H100-SXM5-80GB restored (deleted), 3× H100-SXM5-80GB trainer, 1× H100-SXM5-80GB old (deleted) and 2 more)",
    );
    expect(planCostSummary({ unavailable: "a targeted run" })).toBe("hourly burn: USD 0.00 now → USD 2.49 after this plan (+2.49: 3× H100-SXM5-80GB trainer; deletions not counted: a targeted run)");
    expect(planCostSummary({ resources: [kept] })).toBe("hourly burn: USD 0.00 now → USD 2.49 after this plan (+2.49: 3× H100-SXM5-80GB trainer)");
    // In an update, what this run created may be in the state already: a create is no deletion.
    noteChecked("Volume", { ...data.after, name: "fresh-1a2b3c4" });
    await recordPlanCost({ type: "Volume", label: "fresh", after: { ...data.after, name: "fresh-1a2b3c4" } }, handle.client);
    expect(planCostSummary({ resources: [kept, inState("Volume", "fresh", data.after)] })).toBe(
      "hourly burn: USD 0.00 now → USD 2.64 after this plan (+2.64: 3× H100-SXM5-80GB trainer, 500 GB NVMe fresh)",
    );
  });

  it("in an update, counts as deleted only what the engine deleted; after a failed operation it prints no line", async () => {
    const instance = (name: string, gpuCount: number) => {
      const props = { region: "FINLAND-1", gpuModel: H100, gpuCount };
      return inState("Instance", name, props, { name: `${name}-1a2b3c4`, ...props });
    };
    const [gone, unreached] = [instance("gone", 1), instance("unreached", 2)];
    await recordPlanCost(data, handle.client);
    // An update: the engine created the volume and deleted `gone`; it never reached `unreached`'s check.
    noteOperation("create", "Volume", { ...data.after, name: "data-1a2b3c4" }, true);
    noteOperation("delete", "Instance", gone.outputs, true);
    expect(planCostSummary({ resources: [gone, unreached] })).toBe("hourly burn: USD 0.00 now → USD 0.00 after this plan (−2.34: 1× H100-SXM5-80GB gone (deleted), 500 GB NVMe data)");
    noteOperation("update", "Instance", unreached.inputs, false);
    expect(await burnLine()).toEqual([]);
  });

  it("a failed update says nothing at close, whatever its plan", async () => {
    await recordPlanCost(trainer, handle.client);
    expect(await burnLine()).toEqual(["hourly burn: USD 0.00 now → USD 4.98 after this plan (+4.98: 2× H100-SXM5-80GB trainer; deletions not counted: no Pulumi CLI among this process's parents)"]);
    noteOperation("create", "Instance", trainer.after, false);
    expect(await burnLine()).toEqual([]);
  });

  it("names equal changes in the same order whatever order they were checked in", async () => {
    const one = (label: string) => ({ type: "Instance", label, after: { ...trainer.after, gpuCount: 1 } });
    for (const label of ["render-2", "render-0", "render-1"]) await recordPlanCost(one(label), handle.client);
    const line = planCostSummary();
    resetPlanLedger();
    for (const label of ["render-0", "render-1", "render-2"]) await recordPlanCost(one(label), handle.client);
    expect(planCostSummary()).toBe(line);
    expect(line).toBe("hourly burn: USD 0.00 now → USD 7.47 after this plan (+7.47: 1× H100-SXM5-80GB render-0, 1× H100-SXM5-80GB render-1, 1× H100-SXM5-80GB render-2)");
  });

  it("prints nothing for a plan that changes no cost", async () => {
    await recordPlanCost({ type: "Instance", label: "trainer", before: trainer.after, after: trainer.after }, handle.client);
    expect(planCostSummary()).toBeUndefined();
  });

  it("never fails a plan because a lookup failed", async () => {
    const offline = new BarrackClient({ apiKey: "k", baseUrl: "http://127.0.0.1:9/api/", maxRetries: 0, timeoutMs: 2000 });
    expect(await recordPlanCost(trainer, offline, { maxHourlySpend: 0 })).toEqual({ failures: [] });
    expect(planCostSummary()).toBeUndefined();
  });
});
