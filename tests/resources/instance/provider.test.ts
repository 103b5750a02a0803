import { BarrackClient, BarrackConflictError, BarrackValidationError } from "../../../provider/client";
import type { Instance as WireInstance } from "../../../provider/contract";
import { INSTANCE_OUTPUT_KEYS, InstanceArgs, validateGpu } from "../../../provider/resources/instance/args";
import { instanceProvider } from "../../../provider/resources/instance/provider";
import { UNKNOWN, engineInputs, named, useEmulator, importedSshKey } from "../support";

const handle = useEmulator();

const H100 = "H100-SXM5-80GB";
const A6000 = "RTX-A6000";

/** Minimal valid inputs for an advanced-tier H100 instance, given an SSH key and OS image. */
function advancedArgs(sshKeyId: string, osImageId: string): Record<string, unknown> {
  return { name: "gpu-node", region: "FINLAND-1", gpuModel: H100, gpuCount: 1, osImageId, sshKeyIds: [sshKeyId] };
}

const sshKey = () => importedSshKey(handle.client);

async function osImageId(region: string): Promise<string> {
  const { images } = await handle.client.call("listOsImages", { query: { region } });
  const ubuntu = images.find((i) => i.id.toLowerCase().startsWith("ubuntu"));
  if (!ubuntu) throw new Error(`the emulator lists no Ubuntu image in ${region}`);
  return ubuntu.id;
}

/** Inputs for FINLAND-1 with a fresh key (most tests). */
async function advanced(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return { ...advancedArgs(await sshKey(), await osImageId("FINLAND-1")), ...overrides };
}

/** check → create, as the engine does. */
async function createInstance(args: Record<string, unknown>) {
  const checked = await instanceProvider.check({}, args);
  expect(checked.failures).toBeUndefined();
  return instanceProvider.create(engineInputs(checked.inputs!));
}

/** check → update, as the engine does (olds are the stored outputs). */
async function updateInstance(id: string, olds: Record<string, unknown>, oldInputs: Record<string, unknown>, news: Record<string, unknown>) {
  const checked = await instanceProvider.check(oldInputs, news);
  expect(checked.failures).toBeUndefined();
  expect((await instanceProvider.diff(id, olds, checked.inputs!)).replaces).toBeUndefined();
  return instanceProvider.update(id, olds, checked.inputs!);
}

async function getVm(id: string): Promise<WireInstance> {
  return (await handle.client.call("getInstance", { params: { vm_id: id } })).vm;
}

async function waitForStatus(id: string, status: string): Promise<WireInstance> {
  for (let i = 0; i < 200; i++) {
    const vm = await getVm(id);
    if (vm.status === status) return vm;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${id} never reached ${status}`);
}

function count(route: string): number {
  return handle.emulator.counters()[route] ?? 0;
}

const ssh = { direction: "ingress", protocol: "tcp", portRangeMin: 22, portRangeMax: 22 };
const https = { direction: "ingress", protocol: "tcp", portRangeMin: 443, portRangeMax: 443 };
const ping = { direction: "ingress", protocol: "icmp" };

describe("check", () => {
  const valid = advancedArgs("BRK-000001K", "ubuntu-24.04-cuda-12.8");
  const restore = { name: "restored", region: "CANADA-1", snapshotId: "BRK-000001S" };
  const bad: [string, Record<string, unknown>, Record<string, unknown>, string, RegExp][] = [
    ["no boot source", {}, { ...valid, osImageId: undefined }, "osImageId", /exactly one boot source/],
    ["two boot sources", {}, { ...valid, imageId: "BRK-000001I" }, "imageId", /osImageId and imageId/],
    ["a GPU count not offered", {}, { ...valid, gpuCount: 3 }, "gpuCount", /1, 2, 4, 8/],
    ["no GPU count", {}, { ...valid, gpuCount: undefined }, "gpuCount", /required/],
    ["no GPU model", {}, { ...valid, gpuModel: undefined }, "gpuModel", /required/],
    ["no SSH key", {}, { ...valid, sshKeyIds: [] }, "sshKeyIds", /at least one/],
    ["a name too short", {}, { ...valid, name: "a" }, "name", /2–30/],
    ["a name starting with -", {}, { ...valid, name: "-node" }, "name", /not starting/],
    ["an unknown region", {}, { ...valid, region: "MARS-1" }, "region", /FINLAND-1/],
    ["an unknown power state", {}, { ...valid, powerState: "off" }, "powerState", /running, stopped, hibernated/],
    ["a non-boolean publicIp", {}, { ...valid, publicIp: "yes" }, "publicIp", /true or false/],
    // 9000 characters but 18000 bytes: the limit is on bytes.
    ["cloud-init over 16 KB", {}, { ...valid, cloudInit: "é".repeat(9000) }, "cloudInit", /16384 bytes.*18000/],
    ["a boot volume outside CANADA-1", {}, { ...valid, osImageId: undefined, bootVolumeId: "BRK-000001V" }, "bootVolumeId", /only in CANADA-1/],
    ["the boot volume listed as data", {}, { ...valid, region: "CANADA-1", gpuModel: A6000, osImageId: undefined, bootVolumeId: "BRK-000001V", volumeIds: ["BRK-000001V"] }, "volumeIds", /boot volume/],
    ["a snapshot restore outside CANADA-1", {}, { ...restore, region: "FINLAND-1" }, "snapshotId", /only in CANADA-1/],
    ["cloud-init with a snapshot restore", {}, { ...restore, cloudInit: "#!/bin/sh" }, "cloudInit", /snapshot restore/],
    ["a bad rule CIDR", {}, { ...valid, securityRules: [{ ...ssh, remoteIpPrefix: "10.0.0.0/33" }] }, "securityRules.0.remoteIpPrefix", /CIDR/],
    ["a repeated rule", {}, { ...valid, securityRules: [ssh, https, ssh] }, "securityRules.2", /repeats/],
    ["a repeated volume", {}, { ...valid, volumeIds: ["BRK-000001V", "BRK-000001V"] }, "volumeIds", /twice/],
    ["a misspelt input", {}, { ...valid, gpucount: 1 }, "(inputs)", /gpucount/],
    [
      "a volume change on a running instance without allowStopForUpdate",
      { ...valid, volumeIds: [] }, { ...valid, volumeIds: ["BRK-000001V"] },
      "volumeIds", /allowStopForUpdate.*powerState: "stopped"/,
    ],
  ];
  it.each(bad)("rejects %s, naming the property", async (_what, olds, news, property, reason) => {
    const { failures } = await instanceProvider.check(olds, news);
    expect(named(failures)).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringMatching(reason) })]));
  });

  it("makes no API call when it fails", async () => {
    handle.emulator.resetCounters();
    await instanceProvider.check({}, { ...valid, gpuCount: 3 });
    await instanceProvider.check({}, { ...valid, osImageId: undefined });
    expect(handle.emulator.counters()).toEqual({});
  });

  it("applies defaults and passes valid input through", async () => {
    const { inputs, failures } = await instanceProvider.check({}, { ...valid, __provider: "text" });
    expect(failures).toBeUndefined();
    expect(inputs).toEqual({ ...valid, publicIp: true, securityRules: [], volumeIds: [], powerState: "running", allowStopForUpdate: false });
  });

  it("accepts a snapshot restore without GPU model, count or SSH keys", async () => {
    expect((await instanceProvider.check({}, restore)).failures).toBeUndefined();
  });

  it.each([
    ["allowStopForUpdate is set", { allowStopForUpdate: true }],
    ["the instance is being stopped", { powerState: "stopped" }],
    ["the instance is replaced anyway", { region: "FINLAND-2" }],
  ])("accepts a volume change when %s", async (_what, extra) => {
    const olds = { ...valid, volumeIds: [] };
    expect((await instanceProvider.check(olds, { ...valid, volumeIds: ["BRK-000001V"], ...extra })).failures).toBeUndefined();
  });

  it("accepts a volume change on a stopped instance that starts again", async () => {
    const olds = { ...valid, powerState: "stopped" };
    expect((await instanceProvider.check(olds, { ...valid, powerState: "running", volumeIds: ["BRK-000001V"] })).failures).toBeUndefined();
  });

  it("lets values unknown during preview through", async () => {
    const { failures, inputs } = await instanceProvider.check({}, { ...valid, osImageId: UNKNOWN, sshKeyIds: [UNKNOWN], volumeIds: UNKNOWN });
    expect(failures).toBeUndefined();
    expect(inputs).toMatchObject({ osImageId: UNKNOWN, sshKeyIds: [UNKNOWN], volumeIds: UNKNOWN });
  });
});

describe("diff", () => {
  const inputs = {
    ...advancedArgs("BRK-000001K", "ubuntu-24.04-cuda-12.8"),
    publicIp: true, securityRules: [], volumeIds: [], powerState: "running", allowStopForUpdate: false,
  };
  const olds = { ...inputs, instanceId: "BRK-000001D", status: "ACTIVE", tier: "advanced", firewallIds: [] };

  it("reports no change for identical inputs (ignoring outputs, timeouts and allowStopForUpdate)", async () => {
    expect(await instanceProvider.diff("BRK-000001D", olds, { ...inputs, timeouts: { create: "1h" }, allowStopForUpdate: true })).toEqual({ changes: false });
  });

  it("ignores the order of SSH keys", async () => {
    const two = { ...olds, sshKeyIds: ["BRK-000001K", "BRK-000002K"] };
    expect(await instanceProvider.diff("BRK-000001D", two, { ...inputs, sshKeyIds: ["BRK-000002K", "BRK-000001K"] })).toEqual({ changes: false });
  });

  it.each([
    ["publicIp", false],
    ["securityRules", [{ ...ssh, ethertype: "IPv4", remoteIpPrefix: "0.0.0.0/0" }]],
    ["volumeIds", ["BRK-000001V"]],
    ["powerState", "stopped"],
    ["powerState", "hibernated"],
  ])("updates %s in place", async (key, value) => {
    expect(await instanceProvider.diff("BRK-000001D", olds, { ...inputs, [key]: value })).toEqual({ changes: true });
  });

  it.each([
    ["region", "FINLAND-2"],
    ["gpuModel", "B300-262GB"],
    ["gpuCount", 2],
    ["osImageId", "ubuntu-22.04-cuda-12.4"],
    ["bootVolumeId", "BRK-000001V"],
    ["imageId", "BRK-000001I"],
    ["snapshotId", "BRK-000001S"],
    ["sshKeyIds", ["BRK-000002K"]],
    ["startupScriptId", "BRK-000001C"],
    ["cloudInit", "#cloud-config\n"],
  ])("replaces on %s, deleting first because the name is kept", async (key, value) => {
    expect(await instanceProvider.diff("BRK-000001D", olds, { ...inputs, [key]: value })).toEqual({ changes: true, replaces: [key], deleteBeforeReplace: true });
  });

  it("replaces on a new name without deleting first", async () => {
    expect(await instanceProvider.diff("BRK-000001D", olds, { ...inputs, name: "other-node" })).toEqual({ changes: true, replaces: ["name"] });
  });

  it("treats an unknown replace-only value as a replacement", async () => {
    expect(await instanceProvider.diff("BRK-000001D", olds, { ...inputs, osImageId: UNKNOWN })).toMatchObject({ replaces: ["osImageId"] });
  });

  describe("of a snapshot restore", () => {
    const restoreInputs = { name: "restored", region: "CANADA-1", snapshotId: "BRK-000001S", publicIp: true, securityRules: [], volumeIds: [], powerState: "running", allowStopForUpdate: false };
    const restored = { ...restoreInputs, gpuModel: A6000, gpuCount: 2, sshKeyIds: ["BRK-000001K"], osImageId: undefined, instanceId: "BRK-000002D" };
    it("sees the inherited GPU model, count and SSH keys as no change", async () => {
      expect(await instanceProvider.diff("BRK-000002D", restored, restoreInputs)).toEqual({ changes: false });
    });
    it("replaces when an inherited input is set to something else", async () => {
      expect(await instanceProvider.diff("BRK-000002D", restored, { ...restoreInputs, gpuCount: 4 })).toMatchObject({ replaces: ["gpuCount"] });
    });
  });
});

describe("create", () => {
  it("deploys an ACTIVE instance and reports it", async () => {
    const args = await advanced({ securityRules: [ssh], cloudInit: "#cloud-config\npackages: [htop]\n" });
    const { id, outs } = await createInstance(args);
    expect(id).toMatch(/^BRK-\d{6}D$/);
    expect(outs).toMatchObject({
      ...args,
      instanceId: id,
      status: "ACTIVE",
      powerState: "running",
      tier: "advanced",
      bootSource: "os_image",
      publicIp: true,
      securityRules: [{ ...ssh, ethertype: "IPv4", remoteIpPrefix: "0.0.0.0/0" }],
      volumeIds: [],
      firewallIds: [],
      flavor: { vcpus: 24, ramGb: 240, diskGb: 1000 },
      currency: "USD",
    });
    expect(outs.costPerHour).toBeCloseTo(2.49, 4); // one H100-SXM5 at $2.49/h
    expect(outs.ipAddress).toEqual(expect.any(String));
    expect(outs).not.toHaveProperty("bootVolumeId");
    expect(JSON.parse(JSON.stringify(outs))).toEqual(outs); // plain JSON
    expect([...INSTANCE_OUTPUT_KEYS]).toEqual(expect.arrayContaining(Object.keys(outs))); // each output is declared on the class
    expect(handle.emulator.inventory().instances.map((vm) => [vm.vm_id, vm.status])).toEqual([[id, "ACTIVE"]]);
    // What was deployed matches the inputs: the next preview is empty.
    const checked = await instanceProvider.check({}, args);
    expect(await instanceProvider.diff(id, outs, checked.inputs!)).toEqual({ changes: false });
  });

  it("deploys stopped when powerState is stopped", async () => {
    const { id, outs } = await createInstance(await advanced({ powerState: "stopped" }));
    expect(outs).toMatchObject({ powerState: "stopped", status: "SHUTOFF" });
    expect((await getVm(id)).status).toBe("SHUTOFF");
    expect(count("POST vms/{vm_id}/stop/")).toBe(1);
  });

  it("boots from a bootable volume in CANADA-1, not listing it as a data volume", async () => {
    const { volume } = await handle.client.call("createVolume", {
      body: { name: "boot-disk", region: "CANADA-1", size_gb: 200, volume_type: "SSD", bootable: true, image_id: await osImageId("CANADA-1") },
    });
    for (let i = 0; i < 200 && (await handle.client.call("getVolume", { params: { volume_id: volume.volume_id } })).volume.status !== "available"; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const { id, outs } = await createInstance({ name: "from-disk", region: "CANADA-1", gpuModel: A6000, gpuCount: 1, bootVolumeId: volume.volume_id, sshKeyIds: [await sshKey()] });
    expect(outs).toMatchObject({ bootSource: "volume", bootVolumeId: volume.volume_id, volumeIds: [], tier: "legacy", status: "ACTIVE" });
    expect(outs).not.toHaveProperty("osImageId");
    expect((await getVm(id)).volume_ids).toEqual([volume.volume_id]);
  });

  describe("from a snapshot", () => {
    /** A CANADA-1 instance with two GPUs and an SSH rule, and a finished snapshot of it. */
    async function snapshotOfBase() {
      const keyId = await sshKey();
      const base = await createInstance({ name: "base", region: "CANADA-1", gpuModel: A6000, gpuCount: 2, osImageId: await osImageId("CANADA-1"), sshKeyIds: [keyId], securityRules: [ssh] });
      const { snapshot } = await handle.client.call("createSnapshot", { body: { vm_id: base.id, name: "base-snap" } });
      for (let i = 0; i < 200 && (await handle.client.call("getSnapshot", { params: { snapshot_id: snapshot.snapshot_id } })).snapshot.status !== "SUCCESS"; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      return { baseId: base.id, keyId, snapshotId: snapshot.snapshot_id };
    }

    it("restores into a new instance that inherits GPUs and keys, then applies what the restore can't carry", async () => {
      const { baseId, keyId, snapshotId } = await snapshotOfBase();
      handle.emulator.resetCounters();
      const args = { name: "restored", region: "CANADA-1", snapshotId, publicIp: false, securityRules: [https], powerState: "stopped" };
      const { id, outs } = await createInstance(args);
      expect(id).not.toBe(baseId);
      expect(outs).toMatchObject({
        ...args,
        securityRules: [{ ...https, ethertype: "IPv4", remoteIpPrefix: "0.0.0.0/0" }],
        bootSource: "snapshot",
        gpuModel: A6000,
        gpuCount: 2,
        sshKeyIds: [keyId],
        status: "SHUTOFF",
      });
      expect(count("POST snapshots/{snapshot_id}/restore/")).toBe(1);
      expect(count("POST vms/")).toBe(0);
      // The inherited SSH rule was replaced by the declared one.
      expect(count("POST vms/{vm_id}/security-rules/")).toBe(1);
      expect(count("DELETE vms/{vm_id}/security-rules/{rule_id}/")).toBe(1);
      expect(handle.emulator.inventory().instances).toHaveLength(2);
      const checked = await instanceProvider.check({}, args);
      expect(await instanceProvider.diff(id, outs, checked.inputs!)).toEqual({ changes: false });
    });

    it("refuses an inherited input that differs from the snapshot's, before restoring", async () => {
      const { snapshotId } = await snapshotOfBase();
      handle.emulator.resetCounters();
      await expect(createInstance({ name: "restored", region: "CANADA-1", snapshotId, gpuCount: 4 })).rejects.toThrow(/inherits gpuCount 2/);
      expect(count("POST snapshots/{snapshot_id}/restore/")).toBe(0);
    });
  });

  it("records an instance whose power state could not be applied as a partial create", async () => {
    handle.emulator.injectFault({ method: "POST", path: "vms/{vm_id}/stop/", kind: "status", status: 409 });
    const checked = await instanceProvider.check({}, await advanced({ powerState: "stopped" }));
    const error = (await instanceProvider.create(engineInputs(checked.inputs!)).catch((e: unknown) => e)) as Error & { id?: string; properties?: Record<string, unknown> };
    expect(error.message).toMatch(/was created but did not finish/);
    expect(error.id).toMatch(/^BRK-\d{6}D$/);
    expect(error.properties).toMatchObject({ instanceId: error.id, status: "ACTIVE", __provider: "serialized-provider-text" });
    expect(handle.emulator.inventory().instances).toHaveLength(1);
  });
});

describe("read", () => {
  it("shows an out-of-band stop as drift", async () => {
    const args = await advanced();
    const { id, outs } = await createInstance(args);
    await handle.client.call("stopInstance", { params: { vm_id: id } });
    await waitForStatus(id, "SHUTOFF");
    const refreshed = await instanceProvider.read(id, outs);
    expect(refreshed).toMatchObject({ id, props: { powerState: "stopped", status: "SHUTOFF" } });
    const checked = await instanceProvider.check({}, args);
    expect(await instanceProvider.diff(id, refreshed.props!, checked.inputs!)).toEqual({ changes: true });
  });

  it("keeps inputs the API does not echo", async () => {
    const { id, outs } = await createInstance(await advanced({ cloudInit: "#!/bin/sh\necho hi\n", timeouts: { create: "40m" }, allowStopForUpdate: true }));
    expect((await instanceProvider.read(id, outs)).props).toMatchObject({ cloudInit: "#!/bin/sh\necho hi\n", timeouts: { create: "40m" }, allowStopForUpdate: true });
  });

  it("drops an instance deleted out of band", async () => {
    const { id, outs } = await createInstance(await advanced());
    await handle.client.call("deleteInstance", { params: { vm_id: id } });
    for (let i = 0; i < 200 && handle.emulator.inventory().instances.length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await instanceProvider.read(id, outs)).toEqual({});
  });
});

describe("update", () => {
  it("moves through power states in place, keeping the id", async () => {
    const args = await advanced();
    const created = await createInstance(args);
    const id = created.id;
    let outs = created.outs;
    let inputs = args;
    const route = (verb: string) => `POST vms/{vm_id}/${verb}/`;
    const steps: [string, string, Record<string, number>][] = [
      ["stopped", "SHUTOFF", { stop: 1 }],
      ["hibernated", "HIBERNATED", { start: 1, hibernate: 1 }], // stopped → hibernated goes through running
      ["stopped", "SHUTOFF", { restore: 1, stop: 1 }],
      ["running", "ACTIVE", { start: 1 }],
      ["hibernated", "HIBERNATED", { hibernate: 1 }],
      ["running", "ACTIVE", { restore: 1 }],
    ];
    for (const [powerState, status, calls] of steps) {
      handle.emulator.resetCounters();
      const news = { ...args, powerState };
      ({ outs } = await updateInstance(id, outs, inputs, news));
      inputs = news;
      expect(outs).toMatchObject({ instanceId: id, powerState, status });
      for (const verb of ["start", "stop", "hibernate", "restore"]) expect([powerState, verb, count(route(verb))]).toEqual([powerState, verb, calls[verb] ?? 0]);
    }
    expect(handle.emulator.inventory().instances.map((vm) => vm.vm_id)).toEqual([id]);
    expect(count("POST vms/")).toBe(0);
  });

  it("turns the public IP off and on", async () => {
    const args = await advanced();
    const { id, outs } = await createInstance(args);
    const { outs: off } = await updateInstance(id, outs, args, { ...args, publicIp: false });
    expect(off).toMatchObject({ publicIp: false, instanceId: id });
    expect(off).not.toHaveProperty("ipAddress");
    const { outs: on } = await updateInstance(id, off, { ...args, publicIp: false }, args);
    expect(on).toMatchObject({ publicIp: true, ipAddress: expect.any(String) });
    expect(count("POST vms/{vm_id}/public-ip/")).toBe(2);
  });

  it("adds and removes only the security rules that differ", async () => {
    const args = await advanced({ securityRules: [ssh, https] });
    const { id, outs } = await createInstance(args);
    handle.emulator.resetCounters();
    const news = { ...args, securityRules: [https, ping] };
    const { outs: updated } = await updateInstance(id, outs, args, news);
    expect(count("POST vms/{vm_id}/security-rules/")).toBe(1); // ping
    expect(count("DELETE vms/{vm_id}/security-rules/{rule_id}/")).toBe(1); // ssh
    expect(count("POST vms/")).toBe(0);
    expect(updated.securityRules).toEqual(expect.arrayContaining([
      { ...https, ethertype: "IPv4", remoteIpPrefix: "0.0.0.0/0" },
      { ...ping, ethertype: "IPv4", remoteIpPrefix: "0.0.0.0/0" },
    ]));
    expect(updated.securityRules).toHaveLength(2);
  });

  it("changes the public IP of a hibernated instance by restoring it, and hibernates it again", async () => {
    const args = await advanced({ powerState: "hibernated" });
    const { id, outs } = await createInstance(args);
    handle.emulator.resetCounters();
    const { outs: updated } = await updateInstance(id, outs, args, { ...args, publicIp: false });
    expect(updated).toMatchObject({ publicIp: false, powerState: "hibernated", status: "HIBERNATED" });
    expect([count("POST vms/{vm_id}/restore/"), count("POST vms/{vm_id}/hibernate/")]).toEqual([1, 1]);
  });

  describe("volumes", () => {
    async function dataVolume(name = "data-vol"): Promise<string> {
      const { volume } = await handle.client.call("createVolume", { body: { name, region: "FINLAND-1", size_gb: 500, volume_type: "NVMe" } });
      for (let i = 0; i < 200 && (await handle.client.call("getVolume", { params: { volume_id: volume.volume_id } })).volume.status !== "available"; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      return volume.volume_id;
    }

    it("attaches with allowStopForUpdate by stopping and restarting the instance", async () => {
      const volumeId = await dataVolume();
      const args = await advanced();
      const { id, outs } = await createInstance(args);
      handle.emulator.resetCounters();
      const news = { ...args, volumeIds: [volumeId], allowStopForUpdate: true };
      const { outs: updated } = await updateInstance(id, outs, args, news);
      expect(updated).toMatchObject({ instanceId: id, volumeIds: [volumeId], powerState: "running", status: "ACTIVE" });
      expect([count("POST vms/{vm_id}/stop/"), count("POST vms/{vm_id}/attach-volumes/"), count("POST vms/{vm_id}/start/")]).toEqual([1, 1, 1]);
      expect((await handle.client.call("getVolume", { params: { volume_id: volumeId } })).volume.attached_to).toBe(id);

      // Detaching again: the same dance.
      handle.emulator.resetCounters();
      const { outs: detached } = await updateInstance(id, updated, news, { ...news, volumeIds: [] });
      expect(detached).toMatchObject({ volumeIds: [], status: "ACTIVE" });
      expect([count("POST vms/{vm_id}/stop/"), count("POST vms/{vm_id}/detach-volumes/"), count("POST vms/{vm_id}/start/")]).toEqual([1, 1, 1]);
    });

    it("attaches while stopping the instance anyway, without starting it", async () => {
      const volumeId = await dataVolume();
      const args = await advanced();
      const { id, outs } = await createInstance(args);
      handle.emulator.resetCounters();
      const { outs: updated } = await updateInstance(id, outs, args, { ...args, volumeIds: [volumeId], powerState: "stopped" });
      expect(updated).toMatchObject({ volumeIds: [volumeId], powerState: "stopped", status: "SHUTOFF" });
      expect([count("POST vms/{vm_id}/stop/"), count("POST vms/{vm_id}/start/")]).toEqual([1, 0]);
    });

    it("without allowStopForUpdate, fails at preview, and an update refuses to stop the instance", async () => {
      const volumeId = await dataVolume();
      const args = await advanced();
      const { id, outs } = await createInstance(args);
      const news = { ...args, volumeIds: [volumeId] };
      const { failures } = await instanceProvider.check(args, news);
      expect(failures).toEqual([expect.objectContaining({ property: "volumeIds", reason: expect.stringMatching(/allowStopForUpdate/) })]);

      // Should the engine get here anyway (e.g. the volume id was unknown at preview), nothing is stopped.
      handle.emulator.resetCounters();
      const checked = await instanceProvider.check({}, news);
      await expect(instanceProvider.update(id, outs, checked.inputs!)).rejects.toThrow(/allowStopForUpdate: true/);
      expect([count("POST vms/{vm_id}/stop/"), count("POST vms/{vm_id}/attach-volumes/")]).toEqual([0, 0]);
      expect((await getVm(id)).status).toBe("ACTIVE");
    });
  });
});

describe("delete", () => {
  it("deletes and waits until gone; a second delete is fine", async () => {
    const { id, outs } = await createInstance(await advanced());
    await instanceProvider.delete(id, outs);
    expect(handle.emulator.inventory().instances).toHaveLength(0);
    await expect(instanceProvider.delete(id, outs)).resolves.toBeUndefined();
  });

  it("waits out a transition before deleting", async () => {
    const { id, outs } = await createInstance(await advanced());
    await handle.client.call("stopInstance", { params: { vm_id: id } });
    await instanceProvider.delete(id, outs);
    expect(handle.emulator.inventory().instances).toHaveLength(0);
  });
});

describe("GPU stock", () => {
  it("warns at preview when the model × count is out of stock, naming what is available", async () => {
    const args = await advanced({ gpuCount: 8 });
    handle.emulator.setGpuStock("FINLAND-1", H100, 4);
    const logged = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const { failures } = await instanceProvider.check({}, args);
      expect(failures).toBeUndefined();
      const warnings = logged.mock.calls.map((c) => String(c[0])).filter((line) => line.startsWith("warning:"));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/8× H100-SXM5-80GB is out of stock in FINLAND-1/);
      expect(warnings[0]).toMatch(/4 GPUs free there.*1× \(4 instances\), 2× \(2 instances\), 4× \(1 instance\)/);
      expect(warnings[0]).toMatch(/available in FINLAND-2/);
    } finally {
      logged.mockRestore();
    }
  });

  it("warns nothing when in stock, and refuses a model of the other tier at check", async () => {
    const logged = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      await instanceProvider.check({}, await advanced());
      expect(logged.mock.calls.filter((c) => String(c[0]).startsWith("warning:"))).toEqual([]);
      const { failures } = await instanceProvider.check({}, await advanced({ gpuModel: A6000 }).then((a) => ({ ...a, name: "other" })));
      expect(failures).toEqual([{ property: "gpuModel", reason: expect.stringMatching(/RTX-A6000 is sold in the legacy tier \(CANADA-1\), not in FINLAND-1/) }]);
    } finally {
      logged.mockRestore();
    }
  });

  it("estimates the hourly cost at preview, only when the GPUs change", async () => {
    const logged = jest.spyOn(console, "log").mockImplementation(() => undefined);
    const estimates = () => logged.mock.calls.map((c) => String(c[0])).filter((line) => line.includes("will cost about"));
    try {
      const args = await advanced({ gpuCount: 2 });
      await instanceProvider.check({}, args);
      expect(estimates()).toEqual([expect.stringMatching(/will cost about USD 4\.98\/h .*2× H100-SXM5-80GB/)]);
      await instanceProvider.check(args, { ...args, powerState: "stopped" });
      expect(estimates()).toHaveLength(1); // same GPUs: nothing new to estimate
      await instanceProvider.check(args, { ...args, gpuCount: 4 });
      expect(estimates()[1]).toMatch(/USD 9\.96\/h/);
    } finally {
      logged.mockRestore();
    }
  });

  it("fails create at once when out of stock, well before the deadline", async () => {
    const args = await advanced({ gpuCount: 2, timeouts: { create: "30m" } });
    handle.emulator.setGpuStock("FINLAND-1", H100, 1);
    const started = Date.now();
    const error = await createInstance(args).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(BarrackConflictError);
    expect((error as Error).message).toMatch(/cannot create instance "gpu-node": 2× H100-SXM5-80GB is out of stock in FINLAND-1 .*1× \(1 instance\).*available in FINLAND-2/);
    expect(handle.emulator.inventory().instances).toHaveLength(0);
  });

  it("explains a hibernated instance that cannot come back because its GPUs were taken", async () => {
    const args = await advanced({ powerState: "hibernated" });
    const { id, outs } = await createInstance(args);
    handle.emulator.setGpuStock("FINLAND-1", H100, 0);
    const checked = await instanceProvider.check(args, { ...args, powerState: "running" });
    await expect(instanceProvider.update(id, outs, checked.inputs!)).rejects.toThrow(new RegExp(`cannot restore ${id}: 1× H100-SXM5-80GB is out of stock in FINLAND-1.*stays HIBERNATED`));
    expect((await getVm(id)).status).toBe("HIBERNATED");
  });

  it("refuses an unknown GPU model at check, unless the live catalogue lists it (then its maximum applies)", async () => {
    const args = await advanced({ gpuModel: "H200-NEW", gpuCount: 8 });
    expect((await validateGpu(args as InstanceArgs, () => undefined))[0]).toMatchObject({ property: "gpuModel", reason: expect.stringMatching(/unknown GPU model "H200-NEW"/) });
    const live = { call: async () => ({ specs: [{ gpu_model: "H200-NEW", tier: "advanced", max_count: 4 }] }) } as unknown as BarrackClient;
    expect(await validateGpu(args as InstanceArgs, () => live)).toEqual([{ property: "gpuCount", reason: "H200-NEW takes at most 4 GPUs per instance, not 8" }]);
    expect(await validateGpu({ ...args, gpuCount: 4 } as InstanceArgs, () => live)).toEqual([]);
  });
});

describe("ambiguous create", () => {
  it("adopts the instance a lost response created instead of deploying a second", async () => {
    const args = await advanced();
    handle.emulator.resetCounters();
    handle.emulator.injectFault({ method: "POST", path: "vms/", kind: "commitThenFail", count: 1 });
    const { id, outs } = await createInstance(args);
    expect(outs).toMatchObject({ instanceId: id, status: "ACTIVE" });
    expect(handle.emulator.inventory().instances.map((vm) => vm.vm_id)).toEqual([id]);
    expect(count("POST vms/")).toBe(1);
  });
});
