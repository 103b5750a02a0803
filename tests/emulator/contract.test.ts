/**
 * Every operation of the contract is served, and its success response parses with the operation's
 * `response` schema. Also the transport rules: auth, envelope, malformed JSON, trailing slashes, unknown
 * routes, pagination and the region filter.
 */
import { buildPath, errorBodySchema, operations, type OperationName } from "../../provider/contract";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { call, deployActive, ed25519PublicKey, expectError, get, post, stopVm, UBUNTU, volumeAvailable, waitFor, waitVm, type J } from "./helpers";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, timeScale: 0.001 });
});
afterAll(async () => {
  await emu.stop();
});

describe("every operation answers in its contract shape", () => {
  const covered = new Set<OperationName>();

  /** Calls an operation by name, asserts a 2xx and that the body parses with the contract schema. */
  async function op(name: OperationName, params: Record<string, string> = {}, body?: unknown, query = ""): Promise<J> {
    const o = operations[name];
    const r = await call(emu, o.method, buildPath(o.path, params) + query, body);
    if (r.status < 200 || r.status > 299) throw new Error(`${name} answered ${r.status}: ${JSON.stringify(r.body)}`);
    const parsed = o.response.safeParse(r.body);
    if (!parsed.success) throw new Error(`${name} does not parse: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
    expect(r.body.success).toBe(true);
    expect(r.body.request_id).toMatch(/^[0-9a-f]{8}$/);
    covered.add(name);
    return r.body;
  }

  test("a scenario touching all operations", async () => {
    // Account and catalogue
    await op("getBalance");
    await op("listGpuStocks");
    await op("listGpuSpecs");
    await op("listRegions");
    await op("getPricing");
    await op("queryPricing", {}, { tier: "legacy", currency: "USD", resource_type: "volumes", volume_size_gb: 100, volume_type: "SSD", gpu_model: "string", gpu_count: 1 });
    await op("listOsImages");
    await op("listVolumeTypes");

    // Keys and scripts
    const key = (await op("createSshKey", {}, { name: "contract-key", public_key: ed25519PublicKey() })).ssh_key.key_id;
    const generated = await op("createSshKey", {}, { name: "generated-key" });
    expect(generated.private_key).toMatch(/BEGIN RSA PRIVATE KEY/);
    expect(generated.ssh_key.public_key).toMatch(/^ssh-rsa AAAA/);
    await op("listSshKeys");
    await op("getSshKey", { key_id: key });
    const script = (await op("createScript", {}, { name: "boot", description: "d", content: "#!/bin/bash\necho hi" })).script.script_id;
    await op("listScripts");
    await op("getScript", { script_id: script });
    await op("updateScript", { script_id: script }, { description: "updated" });

    // Volumes
    const ssd = await volumeAvailable(emu, { name: "data-ssd", region: "CANADA-1", size_gb: 100, volume_type: "SSD" });
    await op("createVolume", {}, { name: "nvme-1", region: "FINLAND-1", size_gb: 100, volume_type: "NVMe" });
    const nvme = (await op("listVolumes", {}, undefined, "?region=FINLAND-1")).volumes[0].volume_id;
    await waitFor(emu, `volumes/${nvme}/`, (b) => b.volume.status, "available");
    await op("resizeVolume", { volume_id: nvme }, { new_size_gb: 200 });
    await waitFor(emu, `volumes/${nvme}/`, (b) => b.volume.status, "available");
    await op("cloneVolume", { volume_id: nvme }, { name: "nvme-clone" });
    await op("getVolume", { volume_id: ssd });
    await op("getVolumeBilling");

    // Instances
    const vm = (await op("deployInstance", {}, { vm_name: "contract-vm", region: "CANADA-1", gpu_model: "L40", gpu_count: 1, os_image_id: UBUNTU, ssh_key_ids: [key], startup_script_id: script, volume_ids: [ssd] })).vm.vm_id;
    await waitVm(emu, vm, "ACTIVE");
    await op("listInstances");
    await op("getInstance", { vm_id: vm });
    await op("getInstanceBilling", { vm_id: vm });
    await op("setInstancePublicIp", { vm_id: vm }, { enable: false });
    const rule = (await op("addInstanceSecurityRule", { vm_id: vm }, { direction: "ingress", protocol: "tcp", ethertype: "IPv4", remote_ip_prefix: "0.0.0.0/0", port_range_min: 22, port_range_max: 22 })).rule.rule_id;
    await op("removeInstanceSecurityRule", { vm_id: vm, rule_id: rule });
    await op("rebootInstance", { vm_id: vm });
    await waitVm(emu, vm, "ACTIVE");
    await op("stopInstance", { vm_id: vm });
    await waitVm(emu, vm, "SHUTOFF");
    await op("detachVolumes", { vm_id: vm }, { volume_ids: [ssd] });
    await op("attachVolumes", { vm_id: vm }, { volume_ids: [ssd] });
    await op("startInstance", { vm_id: vm });
    await waitVm(emu, vm, "ACTIVE");

    // Firewalls
    const fw = (await op("createFirewall", {}, { name: "web", description: "web tier", region: "CANADA-1" })).firewall.firewall_id;
    await waitFor(emu, `firewalls/${fw}/`, (b) => b.firewall.status, "SUCCESS");
    await op("listFirewalls");
    await op("getFirewall", { firewall_id: fw });
    await op("listFirewallProtocols");
    await op("listFirewallEligibleInstances");
    const fwRule = (await op("addFirewallRule", { firewall_id: fw }, { direction: "ingress", protocol: "icmp", ethertype: "IPv4", remote_ip_prefix: "10.0.0.0/8" })).rule.rule_id;
    await op("removeFirewallRule", { firewall_id: fw, rule_id: fwRule });
    await op("attachFirewall", { firewall_id: fw }, { vm_ids: [vm] });
    await op("listInstanceFirewalls", { vm_id: vm });

    // Snapshots and images
    await op("listSnapshotEligibleInstances");
    const snap = (await op("createSnapshot", {}, { vm_id: vm, name: "snap one", description: "first" })).snapshot.snapshot_id;
    await waitFor(emu, `snapshots/${snap}/`, (b) => b.snapshot.status, "SUCCESS");
    await op("listSnapshots");
    await op("getSnapshot", { snapshot_id: snap });
    await op("getSnapshotBilling");
    const image = (await op("createImage", {}, { snapshot_id: snap, name: "image.one" })).image.image_id;
    await waitFor(emu, `images/${image}/`, (b) => b.image.status, "SUCCESS");
    await op("listImages");
    await op("getImage", { image_id: image });
    await op("getSnapshotImages", { snapshot_id: snap });
    await op("getSnapshotImagesBatch", {}, { snapshot_ids: [snap] });
    const restored = (await op("restoreSnapshot", { snapshot_id: snap }, { vm_name: "restored-vm" })).vm.vm_id;

    // Hibernation
    await op("hibernateInstance", { vm_id: vm });
    await waitVm(emu, vm, "HIBERNATED");
    await op("getHibernatedInstances");
    await op("restoreInstance", { vm_id: vm });
    await waitVm(emu, vm, "ACTIVE");

    // AI chat
    await op("listAiModels");
    await op("chat", {}, { model: "llama-3.1-8b-instruct", messages: [{ role: "user", content: "hello" }] });
    await op("getAiUsageSummary");
    await op("getAiUsageHistory");

    // Deletes
    await op("deleteImage", { image_id: image });
    await op("deleteSnapshot", { snapshot_id: snap });
    await op("deleteFirewall", { firewall_id: fw }, undefined, "?force=true");
    await waitVm(emu, restored, "ACTIVE");
    await op("deleteInstance", { vm_id: restored });
    await op("deleteInstance", { vm_id: vm });
    await waitFor(emu, `vms/${vm}/`, () => "present", 404);
    await op("deleteVolume", { volume_id: ssd });
    await op("deleteScript", { script_id: script });
    const s2 = (await op("createScript", {}, { name: "second", content: "echo 2" })).script.script_id;
    await op("bulkDeleteScripts", {}, { script_ids: [s2] });
    await waitFor(emu, `vms/${restored}/`, () => "present", 404);
    await op("deleteSshKey", { key_id: key });

    const missing = (Object.keys(operations) as OperationName[]).filter((n) => !covered.has(n));
    expect(missing).toEqual([]);
  });

  test("errors parse with the contract's error body schema", async () => {
    const r = await get(emu, "vms/BRK-000000D/");
    expect(r.status).toBe(404);
    expect(errorBodySchema.safeParse(r.body).success).toBe(true);
  });
});

describe("auth", () => {
  test.each(["vms/", "balance/", "ssh-keys/"])("GET %s without a key is 401", async (path) => {
    const r = await get(emu, path, { auth: "none" });
    expectError(r, 401);
    expect(r.body.error).toBe("unauthorized");
    expect(r.body.message).toMatch(/missing API key/);
  });

  test("a wrong key is 401 with both header schemes", async () => {
    expectError(await get(emu, "vms/", { auth: "bearer", key: "wrong" }), 401);
    expectError(await get(emu, "vms/", { auth: "x-api-key", key: "wrong" }), 401);
  });

  test("the right key works with both header schemes", async () => {
    expect((await get(emu, "vms/", { auth: "bearer" })).status).toBe(200);
    expect((await get(emu, "vms/", { auth: "x-api-key" })).status).toBe(200);
  });

  test("pricing is public", async () => {
    const r = await get(emu, "pricing/", { auth: "none" });
    expect(r.status).toBe(200);
    expect(r.body.pricing_data.metadata.authentication_type).toBe("none");
    const authed = await get(emu, "pricing/");
    expect(authed.body.pricing_data.metadata.authentication_type).toBe("api_key");
  });

  test("a strict scheme accepts only its header", async () => {
    const strict = await startEmulator({ port: 0, authScheme: "x-api-key", apiKey: "strict-key-123" });
    try {
      expectError(await get(strict, "vms/", { auth: "bearer" }), 401);
      expect((await get(strict, "vms/", { auth: "x-api-key" })).status).toBe(200);
      expect(strict.apiKey).toBe("strict-key-123");
    } finally {
      await strict.stop();
    }
  });
});

describe("transport", () => {
  test("malformed JSON is a 400 naming the body, never a 500", async () => {
    for (const raw of ["{bad json", "[1,", "nul", '{"vm_name": }']) {
      const r = await call(emu, "POST", "vms/", undefined, { raw });
      expectError(r, 400, "body");
      expect(r.body.message).toMatch(/not valid JSON/);
    }
    // The server is still healthy.
    expect((await get(emu, "regions/")).status).toBe(200);
  });

  test("a non-object body and wrong types are 400s naming the field and what is allowed", async () => {
    expectError(await call(emu, "POST", "vms/", undefined, { raw: "[]" }), 400, "body");
    const r = await post(emu, "volumes/", { name: "abc", region: "CANADA-1", size_gb: "100", volume_type: "SSD" });
    expectError(r, 400, "size_gb");
    expect(r.body.message).toMatch(/integer/);
    const e = await post(emu, "volumes/", { name: "abc", region: "MARS-1", size_gb: 100, volume_type: "SSD" });
    expectError(e, 400, "region");
    expect(e.body.message).toMatch(/CANADA-1/);
    const missing = await post(emu, "firewalls/", { region: "CANADA-1" });
    expectError(missing, 400, "name");
    expect(missing.body.message).toMatch(/required/);
  });

  test("paths work with and without the trailing slash", async () => {
    const a = await get(emu, "regions/");
    const b = await get(emu, "regions");
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body.regions).toEqual(a.body.regions);
    const k = await post(emu, "ssh-keys", { name: "no-slash", public_key: ed25519PublicKey() });
    expect(k.status).toBe(201);
    const detail = await get(emu, `ssh-keys/${k.body.ssh_key.key_id}`);
    expect(detail.body.ssh_key.name).toBe("no-slash");
  });

  test("unknown routes are a JSON 404", async () => {
    for (const path of ["nope/", "vms/BRK-123456D/fly/", "../health"]) {
      const r = await get(emu, path);
      expectError(r, 404);
      expect(r.headers.get("content-type")).toMatch(/application\/json/);
    }
  });

  test("unknown ids are 404 naming the id", async () => {
    const r = await get(emu, "volumes/BRK-999999V/");
    expectError(r, 404);
    expect(r.body.message).toMatch(/BRK-999999V/);
    expectError(await get(emu, "volumes/not-an-id/"), 404);
  });
});

describe("pagination and filters", () => {
  let local: RunningEmulator;
  beforeAll(async () => {
    local = await startEmulator({ port: 0, timeScale: 0.001 });
    for (let i = 1; i <= 25; i++) {
      const r = await post(local, "scripts/", { name: `script-${String(i).padStart(2, "0")}`, content: `echo ${i}` });
      expect(r.status).toBe(201);
    }
    await post(local, "firewalls/", { name: "fw-ca", region: "CANADA-1" });
    await post(local, "firewalls/", { name: "fw-fi", region: "FINLAND-2" });
  });
  afterAll(async () => {
    await local.stop();
  });

  test("default limit 20, pages, totals", async () => {
    const p1 = await get(local, "scripts/");
    expect([p1.body.total, p1.body.page, p1.body.limit, p1.body.total_pages, p1.body.scripts.length]).toEqual([25, 1, 20, 2, 20]);
    const p2 = await get(local, "scripts/?page=2");
    expect(p2.body.scripts.length).toBe(5);
    expect(p2.body.scripts[0].name).toBe("script-21");
    const small = await get(local, "scripts/?limit=10&page=3");
    expect([small.body.scripts.length, small.body.total_pages]).toEqual([5, 3]);
    const past = await get(local, "scripts/?page=9");
    expect(past.body.scripts).toEqual([]);
  });

  test.each([
    ["scripts/", "limit=0", "limit"], ["scripts/", "limit=101", "limit"], ["scripts/", "page=0", "page"], ["firewalls/", "page=abc", "page"],
    ["firewalls/", "region=MARS-1", "region"], ["gpu-stocks/", "region=nowhere", "region"],
  ])("GET %s?%s is a 400 naming %s", async (path, q, field) => {
    expectError(await get(local, `${path}?${q}`), 400, field);
  });

  test("limit=100 is allowed", async () => {
    expect((await get(local, "scripts/?limit=100")).body.scripts.length).toBe(25);
  });

  test("region filters lists", async () => {
    const r = await get(local, "firewalls/?region=FINLAND-2");
    expect(r.body.firewalls.map((f: J) => f.name)).toEqual(["fw-fi"]);
    expect(r.body.total).toBe(1);
    const imgs = await get(local, "os-images/?region=ICELAND-1");
    expect(imgs.body.images.length).toBeGreaterThan(0);
    expect(imgs.body.images.every((i: J) => i.region === "ICELAND-1")).toBe(true);
  });
});

describe("instance details", () => {
  test("an ACTIVE instance has an IP, flavor and rate; stopping keeps the IP", async () => {
    const key = (await post(emu, "ssh-keys/", { name: "detail-key", public_key: ed25519PublicKey() })).body.ssh_key.key_id;
    const id = await deployActive(emu, key, { vm_name: "detail-vm", gpu_model: "A100-PCIe-80GB", gpu_count: 4 });
    const vm = (await get(emu, `vms/${id}/`)).body.vm;
    expect(vm.ip_address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(vm.flavor.vcpus).toBeGreaterThan(0);
    expect(vm.per_minute_rate).toBeCloseTo((1.55 * 4) / 60, 6);
    expect(vm.id).toBeUndefined();
    await stopVm(emu, id);
    expect((await get(emu, `vms/${id}/`)).body.vm.ip_address).toBe(vm.ip_address);
  });
});
