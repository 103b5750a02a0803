/**
 * State machines and the rules between objects: instance transitions and wrong-state 409s, volumes
 * (attach/detach, boot volumes, resize, clone, delete), snapshots/images/restore, firewalls, SSH keys in
 * use, and GPU stock.
 */
import { startEmulator, type RunningEmulator } from "../../emulator";
import {
  del, deployActive, deployBody, ed25519PublicKey, expectError, get, post, stopVm, UBUNTU, volumeAvailable, waitFor, waitGone, waitVm, waitVolume, type J,
} from "./helpers";

let emu: RunningEmulator;
let key: string;
let n = 0;
const name = (p: string): string => `${p}-${++n}`;
const SCALE = 0.001;

/**
 * Runs `fn` with simulated time standing still, so a transitional state seen in a response is still there
 * for the next requests however slow the machine is; time runs again afterwards.
 */
async function frozen<T>(fn: () => Promise<T>): Promise<T> {
  emu.setTimeScale(1e12);
  try {
    return await fn();
  } finally {
    emu.setTimeScale(SCALE);
  }
}

beforeAll(async () => {
  emu = await startEmulator({ port: 0, timeScale: SCALE });
  key = (await post(emu, "ssh-keys/", { name: "life-key", public_key: ed25519PublicKey() })).body.ssh_key.key_id;
});
afterAll(async () => {
  await emu.stop();
});

describe("instance state machine", () => {
  test("deploy goes CREATING → BUILD → ACTIVE, with an IP once ACTIVE", async () => {
    // Half a second per step, so polling sees each state even on a busy machine.
    const slow = await startEmulator({ port: 0, timeScale: SCALE, delays: { instanceCreating: 500, instanceBuild: 500 } });
    try {
      const k = (await post(slow, "ssh-keys/", { name: "k", public_key: ed25519PublicKey() })).body.ssh_key.key_id;
      const r = await post(slow, "vms/", deployBody(k, { vm_name: name("sm") }));
      expect(r.status).toBe(201);
      expect(r.body.vm.status).toBe("CREATING");
      expect(r.body.vm.ip_address).toBeNull();
      expect(r.body.vm.vm_id).toMatch(/^BRK-\d{6}D$/);
      const seen: unknown[] = ["CREATING"];
      const vm = (await waitVm(slow, r.body.vm.vm_id, "ACTIVE", seen)).vm;
      expect(seen).toEqual(["CREATING", "BUILD", "ACTIVE"]);
      expect(vm.ip_address).not.toBeNull();
    } finally {
      await slow.stop();
    }
  });

  test("stop, start, reboot, hibernate, restore and delete pass through their transitional states", async () => {
    const id = await deployActive(emu, key, { vm_name: name("sm") });
    const steps: Array<[string, string, string]> = [
      ["stop", "STOPPING", "SHUTOFF"],
      ["start", "STARTING", "ACTIVE"],
      ["reboot", "REBOOTING", "ACTIVE"],
      ["hibernate", "HIBERNATING", "HIBERNATED"],
      ["restore", "RESTORING", "ACTIVE"],
    ];
    for (const [action, transitional, target] of steps) {
      const r = await post(emu, `vms/${id}/${action}/`);
      expect([action, r.status, r.body.vm.status]).toEqual([action, 200, transitional]);
      await waitVm(emu, id, target);
    }
    await frozen(async () => {
      const d = await del(emu, `vms/${id}/`);
      expect([d.status, d.body.vm_id]).toEqual([200, id]);
      expect((await get(emu, `vms/${id}/`)).body.vm.status).toBe("DELETING");
      // A repeated delete while DELETING is accepted (idempotent).
      expect((await del(emu, `vms/${id}/`)).status).toBe(200);
    });
    await waitGone(emu, `vms/${id}/`);
    expect((await get(emu, "vms/")).body.vms.map((v: J) => v.vm_id)).not.toContain(id);
    expectError(await del(emu, `vms/${id}/`), 404);
  });

  test("actions in the wrong state are 409 naming the current status", async () => {
    const id = await frozen(async () => {
      const vmId = (await post(emu, "vms/", deployBody(key, { vm_name: name("ws") }))).body.vm.vm_id;
      // While CREATING nothing but reading is allowed.
      for (const action of ["start", "stop", "reboot", "hibernate", "restore"]) {
        const r = await post(emu, `vms/${vmId}/${action}/`);
        expectError(r, 409);
        expect(r.body.message).toContain("CREATING");
        expect(r.body.current_status).toBe("CREATING");
      }
      expectError(await del(emu, `vms/${vmId}/`), 409);
      expectError(await post(emu, `vms/${vmId}/public-ip/`, { enable: true }), 409);
      return vmId;
    });
    await waitVm(emu, id, "ACTIVE");
    const cases: Array<[string, string]> = [["start", "ACTIVE"], ["restore", "ACTIVE"]];
    for (const [action, status] of cases) {
      const r = await post(emu, `vms/${id}/${action}/`);
      expectError(r, 409);
      expect(r.body.message).toContain(status);
      expect(r.body.current_status).toBe(status);
    }
    await frozen(async () => {
      await post(emu, `vms/${id}/stop/`);
      const during = await post(emu, `vms/${id}/reboot/`);
      expectError(during, 409);
      expect(during.body.message).toContain("STOPPING");
    });
    await waitVm(emu, id, "SHUTOFF");
    for (const action of ["stop", "reboot", "hibernate", "restore"]) {
      const r = await post(emu, `vms/${id}/${action}/`);
      expectError(r, 409);
      expect(r.body.current_status).toBe("SHUTOFF");
    }
  });

  test("public IP toggle assigns and clears the address; security rules add and remove", async () => {
    const id = await deployActive(emu, key, { vm_name: name("ip"), public_ip: false });
    expect((await get(emu, `vms/${id}/`)).body.vm).toMatchObject({ public_ip: false, ip_address: null });
    const on = await post(emu, `vms/${id}/public-ip/`, { enable: true });
    expect(on.body.vm.public_ip).toBe(true);
    expect(on.body.vm.ip_address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const off = await post(emu, `vms/${id}/public-ip/`, { enable: false });
    expect(off.body.vm).toMatchObject({ public_ip: false, ip_address: null });
    expectError(await post(emu, `vms/${id}/public-ip/`, {}), 400, "enable");

    const ruleBody = { direction: "ingress", protocol: "tcp", ethertype: "IPv4", remote_ip_prefix: "0.0.0.0/0", port_range_min: 8888, port_range_max: 8888 };
    const added = await post(emu, `vms/${id}/security-rules/`, ruleBody);
    expect(added.status).toBe(201);
    expect(added.body.rule.rule_id).toMatch(/^BRK-\d{6}R$/);
    expectError(await post(emu, `vms/${id}/security-rules/`, ruleBody), 409); // identical rule
    expect((await get(emu, `vms/${id}/`)).body.vm.security_rules.map((r: J) => r.rule_id)).toEqual([added.body.rule.rule_id]);
    const removed = await del(emu, `vms/${id}/security-rules/${added.body.rule.rule_id}/`);
    expect(removed.body).toMatchObject({ instance_id: id, rule_id: added.body.rule.rule_id, tier: "legacy" });
    expect((await get(emu, `vms/${id}/`)).body.vm.security_rules).toEqual([]);
    expectError(await del(emu, `vms/${id}/security-rules/${added.body.rule.rule_id}/`), 404);
  });
});

describe("volumes and instances", () => {
  test("creating → available after about 30 simulated seconds", async () => {
    const t0 = Date.now();
    const r = await post(emu, "volumes/", { name: name("v"), region: "CANADA-1", size_gb: 500, volume_type: "SSD" });
    expect(r.body.volume).toMatchObject({ status: "creating", attached_to: null, bootable: false, tier: "legacy" });
    expect(r.body.volume.volume_id).toMatch(/^BRK-\d{6}V$/);
    await waitVolume(emu, r.body.volume.volume_id, "available");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(30); // 30 s × 0.001
  });

  test("attach and detach only while SHUTOFF, same region, available volumes", async () => {
    const vm = await deployActive(emu, key, { vm_name: name("att") });
    const vol = await volumeAvailable(emu, { name: name("att"), region: "CANADA-1", size_gb: 100, volume_type: "SSD" });
    const far = await volumeAvailable(emu, { name: name("far"), region: "FINLAND-1", size_gb: 100, volume_type: "NVMe" });
    const r = await post(emu, `vms/${vm}/attach-volumes/`, { volume_ids: [vol] });
    expectError(r, 409);
    expect(r.body.message).toContain("ACTIVE");
    await stopVm(emu, vm);
    expectError(await post(emu, `vms/${vm}/attach-volumes/`, { volume_ids: [far] }), 400, "volume_ids[0]");
    expectError(await post(emu, `vms/${vm}/attach-volumes/`, { volume_ids: [] }), 400, "volume_ids");
    await frozen(async () => {
      const fresh = (await post(emu, "volumes/", { name: name("fresh"), region: "CANADA-1", size_gb: 100, volume_type: "SSD" })).body.volume.volume_id;
      const creating = await post(emu, `vms/${vm}/attach-volumes/`, { volume_ids: [fresh] });
      expectError(creating, 409);
      expect(creating.body.message).toContain("creating");
    });

    const att = await post(emu, `vms/${vm}/attach-volumes/`, { volume_ids: [vol] });
    expect(att.status).toBe(200);
    expect(att.body.vm.volume_ids).toEqual([vol]);
    expect((await get(emu, `volumes/${vol}/`)).body.volume).toMatchObject({ status: "in-use", attached_to: vm });
    // Attaching again is a no-op (idempotent).
    expect((await post(emu, `vms/${vm}/attach-volumes/`, { volume_ids: [vol] })).body.vm.volume_ids).toEqual([vol]);
    expectError(await del(emu, `volumes/${vol}/`), 409);

    await post(emu, `vms/${vm}/start/`);
    expectError(await post(emu, `vms/${vm}/detach-volumes/`, { volume_ids: [vol] }), 409);
    await waitVm(emu, vm, "ACTIVE");
    await stopVm(emu, vm);
    const det = await post(emu, `vms/${vm}/detach-volumes/`, { volume_ids: [vol] });
    expect(det.body.vm.volume_ids).toEqual([]);
    expect((await get(emu, `volumes/${vol}/`)).body.volume).toMatchObject({ status: "available", attached_to: null });
    // Deleting: deleting → gone.
    await frozen(async () => {
      expect((await del(emu, `volumes/${vol}/`)).status).toBe(200);
      expect((await get(emu, `volumes/${vol}/`)).body.volume.status).toBe("deleting");
    });
    await waitGone(emu, `volumes/${vol}/`);
  });

  test("a boot volume is attached for the instance's life and deleted with it; data volumes are freed", async () => {
    const boot = await volumeAvailable(emu, { name: name("boot"), region: "CANADA-1", size_gb: 200, volume_type: "SSD", bootable: true, image_id: UBUNTU });
    const data = await volumeAvailable(emu, { name: name("data"), region: "CANADA-1", size_gb: 100, volume_type: "SSD" });
    const notBootable = await volumeAvailable(emu, { name: name("nb"), region: "CANADA-1", size_gb: 100, volume_type: "SSD" });
    expectError(await post(emu, "vms/", deployBody(key, { vm_name: name("b"), os_image_id: undefined, boot_volume_id: notBootable })), 400, "boot_volume_id");

    const r = await post(emu, "vms/", deployBody(key, { vm_name: name("b"), os_image_id: undefined, boot_volume_id: boot, volume_ids: [data] }));
    expect(r.status).toBe(201);
    expect(r.body.vm).toMatchObject({ boot_source: "volume", boot_volume_id: boot, os_image_id: null });
    expect(r.body.vm.volume_ids.sort()).toEqual([boot, data].sort());
    const vm = r.body.vm.vm_id;
    // The boot volume is in use: another instance cannot boot from it.
    const twice = await post(emu, "vms/", deployBody(key, { vm_name: name("b"), os_image_id: undefined, boot_volume_id: boot }));
    expectError(twice, 409);
    expect(twice.body.message).toContain("in-use");
    await waitVm(emu, vm, "ACTIVE");
    await stopVm(emu, vm);
    expectError(await post(emu, `vms/${vm}/detach-volumes/`, { volume_ids: [boot] }), 409);
    await del(emu, `vms/${vm}/`);
    await waitGone(emu, `vms/${vm}/`);
    expectError(await get(emu, `volumes/${boot}/`), 404);
    expect((await get(emu, `volumes/${data}/`)).body.volume).toMatchObject({ status: "available", attached_to: null });
  });

  test("resize grows only, within range, while available; the size applies when done", async () => {
    const vol = await volumeAvailable(emu, { name: name("rs"), region: "FINLAND-1", size_gb: 300, volume_type: "NVMe" });
    expectError(await post(emu, `volumes/${vol}/resize/`, { new_size_gb: 200 }), 400, "new_size_gb");
    expectError(await post(emu, `volumes/${vol}/resize/`, { new_size_gb: 10001 }), 400, "new_size_gb");
    expectError(await post(emu, `volumes/${vol}/resize/`, { new_size_gb: "big" }), 400, "new_size_gb");
    await frozen(async () => {
      const r = await post(emu, `volumes/${vol}/resize/`, { new_size_gb: 1000 });
      expect(r.body.volume).toMatchObject({ status: "resizing", size_gb: 300 });
      const busy = await post(emu, `volumes/${vol}/resize/`, { new_size_gb: 2000 });
      expectError(busy, 409);
      expect(busy.body.current_status).toBe("resizing");
      // The same size again is a no-op, so retries are safe.
      expect((await post(emu, `volumes/${vol}/resize/`, { new_size_gb: 1000 })).status).toBe(200);
    });
    const done = await waitVolume(emu, vol, "available");
    expect(done.volume.size_gb).toBe(1000);
  });

  test("resize of an attached volume is 409", async () => {
    const vol = await volumeAvailable(emu, { name: name("rsa"), region: "FINLAND-2", size_gb: 100, volume_type: "HDD" });
    const vm = await deployActive(emu, key, { vm_name: name("rsa"), region: "FINLAND-2", gpu_model: "H100-SXM5-80GB", os_image_id: "ubuntu-24.04-cuda-12.8", volume_ids: [vol] });
    const r = await post(emu, `volumes/${vol}/resize/`, { new_size_gb: 200 });
    expectError(r, 409);
    expect(r.body.message).toContain("in-use");
    expect(vm).toMatch(/D$/);
  });

  test("clone copies region, type and size from an available source", async () => {
    const src = await frozen(async () => {
      const id = (await post(emu, "volumes/", { name: name("src"), region: "ICELAND-1", size_gb: 700, volume_type: "HDD" })).body.volume.volume_id;
      const early = await post(emu, `volumes/${id}/clone/`, { name: name("cl") });
      expectError(early, 409);
      expect(early.body.message).toContain("creating");
      return id;
    });
    await waitVolume(emu, src, "available");
    expectError(await post(emu, `volumes/${src}/clone/`, { name: "x" }), 400, "name");
    const r = await post(emu, `volumes/${src}/clone/`, { name: "my-clone" });
    expect(r.status).toBe(201);
    expect(r.body.volume).toMatchObject({ status: "creating", region: "ICELAND-1", volume_type: "HDD", size_gb: 700, source_volume_id: src, name: "my-clone" });
    expect(r.body.volume.volume_id).not.toBe(src);
    expectError(await post(emu, `volumes/${src}/clone/`, { name: "my-clone" }), 409);
    await waitVolume(emu, r.body.volume.volume_id, "available");
  });

  test("volumes list suggests the next free volumeN name", async () => {
    const first = (await get(emu, "volumes/")).body.next_name;
    expect(first).toMatch(/^volume\d+$/);
    await post(emu, "volumes/", { name: first, region: "CANADA-1", size_gb: 100, volume_type: "SSD" });
    expect((await get(emu, "volumes/")).body.next_name).not.toBe(first);
  });
});

describe("snapshots, images, restore", () => {
  test("full chain: snapshot (ACTIVE only) → image → deploy from image; restore makes a new instance", async () => {
    const vm = await deployActive(emu, key, { vm_name: name("snapsrc"), gpu_model: "H100-PCIe-NVLink-80GB", gpu_count: 2 });
    await stopVm(emu, vm);
    const off = await post(emu, "snapshots/", { vm_id: vm, name: "s1" });
    expectError(off, 409);
    expect(off.body.message).toContain("SHUTOFF");
    await post(emu, `vms/${vm}/start/`);
    await waitVm(emu, vm, "ACTIVE");

    const snap = await frozen(async () => {
      const s = await post(emu, "snapshots/", { vm_id: vm, name: "nightly backup", description: "d" });
      expect(s.status).toBe(201);
      expect(s.body.snapshot).toMatchObject({ status: "CREATING", vm_id: vm, region: "CANADA-1" });
      const id = s.body.snapshot.snapshot_id;
      expect(id).toMatch(/^BRK-\d{6}S$/);
      expectError(await post(emu, "snapshots/", { vm_id: vm, name: "nightly backup" }), 409);
      const early = await post(emu, "images/", { snapshot_id: id, name: "img" });
      expectError(early, 409);
      expect(early.body.message).toContain("CREATING");
      expectError(await post(emu, `snapshots/${id}/restore/`, { vm_name: name("r") }), 409);
      return id;
    });
    await waitFor(emu, `snapshots/${snap}/`, (b) => b.snapshot.status, "SUCCESS");

    const imageId = await frozen(async () => {
      const img = await post(emu, "images/", { snapshot_id: snap, name: "golden.image" });
      expect(img.body.image).toMatchObject({ status: "CREATING", region: "CANADA-1", snapshot_id: snap });
      const notYet = await post(emu, "vms/", deployBody(key, { vm_name: name("fromimg"), os_image_id: undefined, image_id: img.body.image.image_id }));
      expectError(notYet, 409);
      expect(notYet.body.message).toContain("CREATING");
      return img.body.image.image_id as string;
    });
    expectError(await post(emu, "vms/", deployBody(key, { vm_name: name("fromimg"), region: "FINLAND-1", gpu_model: "H100-SXM5-80GB", os_image_id: undefined, image_id: imageId })), 400, "image_id");
    await waitFor(emu, `images/${imageId}/`, (b) => b.image.status, "SUCCESS");
    const fromImage = await post(emu, "vms/", deployBody(key, { vm_name: name("fromimg"), os_image_id: undefined, image_id: imageId }));
    expect(fromImage.body.vm).toMatchObject({ boot_source: "image", image_id: imageId });
    const rel = await get(emu, `snapshots/${snap}/images/`);
    expect(rel.body).toMatchObject({ snapshot_id: snap, has_images: true, image_count: 1 });

    const restored = await post(emu, `snapshots/${snap}/restore/`, { vm_name: "restored-one" });
    expect(restored.status).toBe(201);
    const rvm = restored.body.vm;
    expect(rvm.vm_id).not.toBe(vm);
    expect(rvm).toMatchObject({
      vm_name: "restored-one", boot_source: "snapshot", source_snapshot_id: snap, region: "CANADA-1",
      gpu_model: "H100-PCIe-NVLink-80GB", gpu_count: 2, ssh_key_ids: [key], os_image_id: null,
    });
    const original = (await get(emu, `vms/${vm}/`)).body.vm;
    expect(rvm.flavor).toEqual(original.flavor);
    expect(original.status).toBe("ACTIVE"); // the source is untouched
    expectError(await post(emu, `snapshots/${snap}/restore/`, { vm_name: "restored-one" }), 409);
    expectError(await post(emu, `snapshots/${snap}/restore/`, { vm_name: "x" }), 400, "vm_name");
    const active = await waitVm(emu, rvm.vm_id, "ACTIVE");
    expect(active.vm.ip_address).not.toBe(original.ip_address);

    // Deleting the snapshot leaves its image.
    expect((await del(emu, `snapshots/${snap}/`)).status).toBe(200);
    expect((await get(emu, `images/${imageId}/`)).status).toBe(200);
  });
});

describe("firewalls", () => {
  test("attachments follow the complete vm_ids set; instances reflect them; force delete", async () => {
    const a = await deployActive(emu, key, { vm_name: name("fwa") });
    const b = await deployActive(emu, key, { vm_name: name("fwb") });
    const far = await deployActive(emu, key, { vm_name: name("fwfar"), region: "FINLAND-3", gpu_model: "H100-SXM5-80GB", os_image_id: "ubuntu-24.04-cuda-12.8" });
    const fw = await frozen(async () => {
      const created = await post(emu, "firewalls/", { name: "edge", region: "CANADA-1" });
      expect(created.body.firewall).toMatchObject({ status: "CREATING", rules: [], attachments: [] });
      const id = created.body.firewall.firewall_id;
      expect(id).toMatch(/^BRK-\d{6}F$/);
      const tooSoon = await post(emu, `firewalls/${id}/attach/`, { vm_ids: [a] });
      expectError(tooSoon, 409);
      expect(tooSoon.body.message).toContain("CREATING");
      return id;
    });
    await waitFor(emu, `firewalls/${fw}/`, (x) => x.firewall.status, "SUCCESS");

    expectError(await post(emu, `firewalls/${fw}/attach/`, { vm_ids: [far] }), 400, "vm_ids[0]");
    expectError(await post(emu, `firewalls/${fw}/attach/`, { vm_ids: ["BRK-000000D"] }), 400, "vm_ids[0]");
    await stopVm(emu, b);
    const shutoff = await post(emu, `firewalls/${fw}/attach/`, { vm_ids: [a, b] });
    expectError(shutoff, 409);
    expect(shutoff.body.message).toContain("SHUTOFF");
    expect((await get(emu, `firewalls/${fw}/`)).body.firewall.attachments).toEqual([]); // nothing half-applied
    await post(emu, `vms/${b}/start/`);
    await waitVm(emu, b, "ACTIVE");

    const att = await frozen(async () => post(emu, `firewalls/${fw}/attach/`, { vm_ids: [a, b] }));
    expect(att.body.firewall.attachments).toEqual([{ vm_id: a, status: "ATTACHING" }, { vm_id: b, status: "ATTACHING" }]);
    await waitFor(emu, `firewalls/${fw}/`, (x) => x.firewall.attachments.every((t: J) => t.status === "SUCCESS"), true);
    expect((await get(emu, `vms/${a}/`)).body.vm.firewall_ids).toEqual([fw]);
    expect((await get(emu, `vms/${a}/firewalls/`)).body.firewalls.map((f: J) => f.firewall_id)).toEqual([fw]);
    const eligible = (await get(emu, "firewalls/available-vms/?region=CANADA-1")).body.vms.find((v: J) => v.vm_id === a);
    expect(eligible.attached_firewall_ids).toEqual([fw]);

    // The complete set: only b stays.
    const only = await post(emu, `firewalls/${fw}/attach/`, { vm_ids: [b] });
    expect(only.body.firewall.attachments.map((t: J) => t.vm_id)).toEqual([b]);
    expect((await get(emu, `vms/${a}/`)).body.vm.firewall_ids).toEqual([]);

    const blocked = await del(emu, `firewalls/${fw}/`);
    expectError(blocked, 409);
    expect(blocked.body.message).toContain(b);
    expectError(await del(emu, `firewalls/${fw}/?force=maybe`), 400, "force");

    // Deleting an instance removes it from attachments.
    await del(emu, `vms/${b}/`);
    await waitGone(emu, `vms/${b}/`);
    expect((await get(emu, `firewalls/${fw}/`)).body.firewall.attachments).toEqual([]);
    await post(emu, `firewalls/${fw}/attach/`, { vm_ids: [a] });
    expect((await del(emu, `firewalls/${fw}/?force=true`)).status).toBe(200);
    expectError(await get(emu, `firewalls/${fw}/`), 404);
    expect((await get(emu, `vms/${a}/`)).body.vm.firewall_ids).toEqual([]);
  });

  test("empty vm_ids detaches all; rules add and remove", async () => {
    const a = await deployActive(emu, key, { vm_name: name("fwe") });
    const fw = (await post(emu, "firewalls/", { name: "empty-set", region: "CANADA-1" })).body.firewall.firewall_id;
    await waitFor(emu, `firewalls/${fw}/`, (x) => x.firewall.status, "SUCCESS");
    await post(emu, `firewalls/${fw}/attach/`, { vm_ids: [a] });
    expect((await post(emu, `firewalls/${fw}/attach/`, { vm_ids: [] })).body.firewall.attachments).toEqual([]);
    expect((await del(emu, `firewalls/${fw}/`)).status).toBe(200); // no attachments: a plain delete works
  });
});

describe("SSH keys in use", () => {
  test("a key used by an instance cannot be deleted until the instance is gone", async () => {
    const k = (await post(emu, "ssh-keys/", { name: "in-use-key", public_key: ed25519PublicKey() })).body.ssh_key.key_id;
    const vm = await deployActive(emu, k, { vm_name: name("key") });
    const r = await del(emu, `ssh-keys/${k}/`);
    expectError(r, 409);
    expect(r.body.message).toContain(vm);
    await del(emu, `vms/${vm}/`);
    await waitGone(emu, `vms/${vm}/`);
    expect((await del(emu, `ssh-keys/${k}/`)).status).toBe(200);
    expectError(await get(emu, `ssh-keys/${k}/`), 404);
  });
});

describe("GPU stock", () => {
  const stockOf = async (region: string, model: string): Promise<number> =>
    (await get(emu, `gpu-stocks/?region=${region}&gpu_model=${model}`)).body.stocks[0].available_gpus;

  test("deploy takes, delete gives back, hibernate gives back, restore takes again", async () => {
    emu.setGpuStock("CANADA-1", "L40", 3);
    expect(await stockOf("CANADA-1", "L40")).toBe(3);
    const short = await post(emu, "vms/", deployBody(key, { vm_name: name("oos"), gpu_model: "L40", gpu_count: 4 }));
    expectError(short, 409);
    expect(short.body.message).toMatch(/out of stock/);
    expect(short.body.message).toContain("L40");
    expect(short.body.message).toContain("CANADA-1");
    expect(short.body.message).toContain("4");

    const vm = await deployActive(emu, key, { vm_name: name("stock"), gpu_model: "L40", gpu_count: 2 });
    expect(await stockOf("CANADA-1", "L40")).toBe(1);
    const cfg = (await get(emu, "gpu-stocks/?region=CANADA-1&gpu_model=L40")).body.stocks[0].configurations;
    expect(cfg).toMatchObject({ "1x": 1, "2x": 0 });

    await post(emu, `vms/${vm}/hibernate/`);
    expect(await stockOf("CANADA-1", "L40")).toBe(3);
    await waitVm(emu, vm, "HIBERNATED");
    // Someone else takes the GPUs; restoring now is out of stock.
    const other = await deployActive(emu, key, { vm_name: name("thief"), gpu_model: "L40", gpu_count: 2 });
    const restore = await post(emu, `vms/${vm}/restore/`);
    expectError(restore, 409);
    expect(restore.body.message).toMatch(/out of stock/);
    expect((await get(emu, `vms/${vm}/`)).body.vm.status).toBe("HIBERNATED");
    await del(emu, `vms/${other}/`);
    expect(await stockOf("CANADA-1", "L40")).toBe(3);
    expect((await post(emu, `vms/${vm}/restore/`)).status).toBe(200);
    expect(await stockOf("CANADA-1", "L40")).toBe(1);
    await waitVm(emu, vm, "ACTIVE");
    await del(emu, `vms/${vm}/`);
    expect(await stockOf("CANADA-1", "L40")).toBe(3);
  });

  test("snapshot restore takes stock too", async () => {
    emu.setGpuStock("CANADA-1", "RTX-A6000", 1);
    const vm = await deployActive(emu, key, { vm_name: name("rs-src") });
    const snap = (await post(emu, "snapshots/", { vm_id: vm, name: name("rs snap") })).body.snapshot.snapshot_id;
    await waitFor(emu, `snapshots/${snap}/`, (b) => b.snapshot.status, "SUCCESS");
    const r = await post(emu, `snapshots/${snap}/restore/`, { vm_name: name("rs-new") });
    expectError(r, 409);
    expect(r.body.message).toMatch(/out of stock.*RTX-A6000/);
    emu.setGpuStock("CANADA-1", "RTX-A6000", 16);
  });

  test("setGpuStock rejects models not offered in the region", () => {
    expect(() => emu.setGpuStock("FINLAND-1", "L40", 4)).toThrow(/not a GPU model offered in FINLAND-1/);
    expect(() => emu.setGpuStock("MARS-1", "L40", 4)).toThrow(/region/);
  });
});
