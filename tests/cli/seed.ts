/**
 * Seeds an emulator OUT OF BAND (API calls, no Pulumi) with every type of object and references between
 * them, as an account built by hand in the dashboard would be:
 *
 *   <p>trainer-key (generated) · <p>setup (script) · <p>data (FINLAND-1 NVMe) · <p>data-copy (its clone)
 *   <p>trainer (FINLAND-1, key, script, data volume, a security rule) · <p>web (firewall, rule, attached to trainer)
 *   <p>base (CANADA-1) · <p>base-snap (snapshot of base) · <p>golden (image of the snapshot)
 *   <p>from-image (boots from golden) · <p>restored (restore of base-snap)
 *   <p>boot (bootable CANADA-1 volume) · <p>from-volume (boots from it, stopped, no public IP)
 */
import { BarrackClient } from "../../provider/client";
import type { Instance } from "../../provider/contract";

export interface Seeded {
  ids: Record<string, string>;
  /** Object names, by seed key (e.g. trainer → "ci-trainer"). */
  names: Record<string, string>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, get: () => Promise<T>, done: (t: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = await get();
    if (done(t)) return t;
    if (Date.now() > deadline) throw new Error(`seed: ${what} did not settle in ${timeoutMs}ms`);
    await sleep(25);
  }
}

export function seedClient(url: string, apiKey: string): BarrackClient {
  return new BarrackClient({ baseUrl: url, apiKey, maxRetries: 0 });
}

const vmStatus = (c: BarrackClient, id: string, status: string) =>
  until(`instance ${id} → ${status}`, async () => (await c.call("getInstance", { params: { vm_id: id } })).vm, (vm: Instance) => vm.status === status);
const volumeStatus = (c: BarrackClient, id: string, status: string) =>
  until(`volume ${id} → ${status}`, async () => (await c.call("getVolume", { params: { volume_id: id } })).volume, (v) => v.status === status);

export async function seedAccount(client: BarrackClient, p = ""): Promise<Seeded> {
  const ids: Record<string, string> = {};
  const names: Record<string, string> = {};
  const name = (key: string): string => (names[key] = `${p}${key}`);

  ids.key = (await client.call("createSshKey", { body: { name: name("trainer-key") } })).ssh_key.key_id;
  ids.script = (await client.call("createScript", { body: { name: name("setup"), content: "#!/bin/bash\nset -e\necho \"ready: `hostname`\" > /tmp/${USER}-ready\n", description: "install tooling" } })).script.script_id;
  ids.data = (await client.call("createVolume", { body: { name: name("data"), region: "FINLAND-1", volume_type: "NVMe", size_gb: 100 } })).volume.volume_id;
  await volumeStatus(client, ids.data, "available");
  ids.dataCopy = (await client.call("cloneVolume", { params: { volume_id: ids.data }, body: { name: name("data-copy") } })).volume.volume_id;
  await volumeStatus(client, ids.dataCopy, "available");
  ids.boot = (await client.call("createVolume", { body: { name: name("boot"), region: "CANADA-1", volume_type: "SSD", size_gb: 100, bootable: true, image_id: "ubuntu-22.04-cuda-12.4" } })).volume.volume_id;

  ids.trainer = (await client.call("deployInstance", {
    body: {
      vm_name: name("trainer"), region: "FINLAND-1", gpu_model: "H100-SXM5-80GB", gpu_count: 1, os_image_id: "ubuntu-22.04-cuda-12.4",
      ssh_key_ids: [ids.key], startup_script_id: ids.script, volume_ids: [ids.data],
      security_rules: [{ direction: "ingress", protocol: "tcp", ethertype: "IPv4", remote_ip_prefix: "0.0.0.0/0", port_range_min: 22, port_range_max: 22 }],
    },
  })).vm.vm_id;
  ids.base = (await client.call("deployInstance", {
    body: { vm_name: name("base"), region: "CANADA-1", gpu_model: "RTX-A6000", gpu_count: 1, os_image_id: "ubuntu-22.04-cuda-12.4", ssh_key_ids: [ids.key] },
  })).vm.vm_id;
  await volumeStatus(client, ids.boot, "available");
  ids.fromVolume = (await client.call("deployInstance", {
    body: { vm_name: name("from-volume"), region: "CANADA-1", gpu_model: "L40", gpu_count: 1, boot_volume_id: ids.boot, ssh_key_ids: [ids.key], public_ip: false },
  })).vm.vm_id;
  await vmStatus(client, ids.trainer, "ACTIVE");
  await vmStatus(client, ids.base, "ACTIVE");
  await vmStatus(client, ids.fromVolume, "ACTIVE");
  await client.call("stopInstance", { params: { vm_id: ids.fromVolume } });

  ids.web = (await client.call("createFirewall", { body: { name: name("web"), region: "FINLAND-1", description: "https in" } })).firewall.firewall_id;
  await until("firewall", async () => (await client.call("getFirewall", { params: { firewall_id: ids.web! } })).firewall, (f) => f.status === "SUCCESS");
  await client.call("addFirewallRule", { params: { firewall_id: ids.web }, body: { direction: "ingress", protocol: "tcp", ethertype: "IPv4", remote_ip_prefix: "0.0.0.0/0", port_range_min: 443, port_range_max: 443 } });
  await client.call("attachFirewall", { params: { firewall_id: ids.web }, body: { vm_ids: [ids.trainer] } });

  ids.snap = (await client.call("createSnapshot", { body: { vm_id: ids.base, name: name("base-snap"), description: "base with tooling" } })).snapshot.snapshot_id;
  await until("snapshot", async () => (await client.call("getSnapshot", { params: { snapshot_id: ids.snap! } })).snapshot, (s) => s.status === "SUCCESS");
  ids.image = (await client.call("createImage", { body: { snapshot_id: ids.snap, name: name("golden"), description: "golden v1" } })).image.image_id;
  await until("image", async () => (await client.call("getImage", { params: { image_id: ids.image! } })).image, (i) => i.status === "SUCCESS");
  ids.fromImage = (await client.call("deployInstance", {
    body: { vm_name: name("from-image"), region: "CANADA-1", gpu_model: "RTX-A6000", gpu_count: 1, image_id: ids.image, ssh_key_ids: [ids.key] },
  })).vm.vm_id;
  ids.restored = (await client.call("restoreSnapshot", { params: { snapshot_id: ids.snap }, body: { vm_name: name("restored") } })).vm.vm_id;
  await vmStatus(client, ids.fromImage, "ACTIVE");
  await vmStatus(client, ids.restored, "ACTIVE");
  await vmStatus(client, ids.fromVolume, "SHUTOFF");
  await until("firewall", async () => (await client.call("getFirewall", { params: { firewall_id: ids.web! } })).firewall,
    (f) => f.attachments.every((a) => a.status === "SUCCESS") && f.status === "SUCCESS");
  return { ids, names };
}
