/**
 * The documented input rules, as a table per resource: each row is a request and the expected status and
 * (for 400s) the wire field named. Valid rows are here too, so a rule that is too strict fails as well.
 * Then tier capabilities, account gates (402/403) and the confirmed pricing payload.
 */
import { startEmulator, type RunningEmulator } from "../../emulator";
import { operations } from "../../provider/contract";
import { NAME_RULES } from "../../provider/platform";
import { call, deployActive, deployBody, ed25519PublicKey, expectError, get, post, UBUNTU, volumeAvailable, waitFor, type J } from "./helpers";

let emu: RunningEmulator;
let key: string;
let script: string;
let counter = 0;
/** A unique valid name for rows that test something else. */
const uniq = (prefix: string): string => `${prefix}-${++counter}`;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, timeScale: 0.001 });
  key = (await post(emu, "ssh-keys/", { name: "rules-key", public_key: ed25519PublicKey() })).body.ssh_key.key_id;
  script = (await post(emu, "scripts/", { name: "rules-script", content: "echo" })).body.script.script_id;
});
afterAll(async () => {
  await emu.stop();
});

interface Row {
  what: string;
  path: string;
  body: () => Record<string, unknown>;
  status: number;
  field?: string;
}

async function check(row: Row): Promise<void> {
  const r = await post(emu, row.path, row.body());
  if (row.status >= 400) {
    expectError(r, row.status, row.field);
    if (row.field) expect(r.body.message).toContain(row.field);
  } else {
    if (r.status !== row.status) throw new Error(`${row.what}: expected ${row.status}, got ${r.status} ${JSON.stringify(r.body)}`);
    expect(r.body.success).toBe(true);
  }
}

const rule = (over: Record<string, unknown> = {}) => ({ direction: "ingress", protocol: "tcp", ethertype: "IPv4", remote_ip_prefix: "0.0.0.0/0", port_range_min: 22, port_range_max: 22, ...over });
const vm = (over: Record<string, unknown> = {}) => () => deployBody(key, { vm_name: uniq("vm"), ...over });

const instanceRows: Row[] = [
  { what: "valid name", path: "vms/", body: vm({ vm_name: "ok-name_1" }), status: 201 },
  { what: "2-char name", path: "vms/", body: vm({ vm_name: "ab" }), status: 201 },
  { what: "30-char name", path: "vms/", body: vm({ vm_name: "a".repeat(30) }), status: 201 },
  { what: "1-char name", path: "vms/", body: vm({ vm_name: "a" }), status: 400, field: "vm_name" },
  { what: "31-char name", path: "vms/", body: vm({ vm_name: "b".repeat(31) }), status: 400, field: "vm_name" },
  { what: "name starting with -", path: "vms/", body: vm({ vm_name: "-abc" }), status: 400, field: "vm_name" },
  { what: "name ending with _", path: "vms/", body: vm({ vm_name: "abc_" }), status: 400, field: "vm_name" },
  { what: "name with a space", path: "vms/", body: vm({ vm_name: "has space" }), status: 400, field: "vm_name" },
  { what: "name with a dot", path: "vms/", body: vm({ vm_name: "a.b" }), status: 400, field: "vm_name" },
  { what: "unknown region", path: "vms/", body: vm({ region: "MARS-1" }), status: 400, field: "region" },
  { what: "unknown GPU model", path: "vms/", body: vm({ gpu_model: "V100" }), status: 400, field: "gpu_model" },
  { what: "advanced GPU in a legacy region", path: "vms/", body: vm({ gpu_model: "B300-262GB" }), status: 400, field: "gpu_model" },
  { what: "legacy GPU in an advanced region", path: "vms/", body: vm({ region: "FINLAND-1", gpu_model: "L40", os_image_id: "ubuntu-24.04-cuda-12.8" }), status: 400, field: "gpu_model" },
  { what: "B300 in ICELAND-1", path: "vms/", body: vm({ region: "ICELAND-1", gpu_model: "B300-262GB", gpu_count: 8, os_image_id: "ubuntu-24.04-cuda-12.8" }), status: 201 },
  { what: "gpu_count 3", path: "vms/", body: vm({ gpu_count: 3 }), status: 400, field: "gpu_count" },
  { what: "gpu_count above max (RTX-A6000 max 4)", path: "vms/", body: vm({ gpu_count: 8 }), status: 400, field: "gpu_count" },
  { what: "gpu_count 4 for RTX-A6000", path: "vms/", body: vm({ gpu_count: 4 }), status: 201 },
  { what: "gpu_count as a string", path: "vms/", body: vm({ gpu_count: "2" }), status: 400, field: "gpu_count" },
  { what: "gpu_count 1.5", path: "vms/", body: vm({ gpu_count: 1.5 }), status: 400, field: "gpu_count" },
  { what: "no boot source", path: "vms/", body: vm({ os_image_id: undefined }), status: 400, field: "os_image_id" },
  { what: "two boot sources", path: "vms/", body: vm({ image_id: "BRK-000001I" }), status: 400, field: "image_id" },
  { what: "OS image not in region", path: "vms/", body: vm({ os_image_id: "ubuntu-24.04-cuda-12.8" }), status: 400, field: "os_image_id" },
  { what: "unknown custom image", path: "vms/", body: vm({ os_image_id: undefined, image_id: "BRK-000001I" }), status: 400, field: "image_id" },
  { what: "unknown boot volume", path: "vms/", body: vm({ os_image_id: undefined, boot_volume_id: "BRK-000001V" }), status: 400, field: "boot_volume_id" },
  { what: "boot volume outside CANADA-1", path: "vms/", body: vm({ region: "FINLAND-1", gpu_model: "H100-SXM5-80GB", os_image_id: undefined, boot_volume_id: "BRK-000001V" }), status: 400, field: "boot_volume_id" },
  { what: "no SSH keys", path: "vms/", body: vm({ ssh_key_ids: [] }), status: 400, field: "ssh_key_ids" },
  { what: "ssh_key_ids missing", path: "vms/", body: vm({ ssh_key_ids: undefined }), status: 400, field: "ssh_key_ids" },
  { what: "unknown SSH key", path: "vms/", body: () => deployBody(key, { vm_name: uniq("vm"), ssh_key_ids: [key, "BRK-000000K"] }), status: 400, field: "ssh_key_ids[1]" },
  { what: "unknown startup script", path: "vms/", body: vm({ startup_script_id: "BRK-000000C" }), status: 400, field: "startup_script_id" },
  { what: "known startup script", path: "vms/", body: () => deployBody(key, { vm_name: uniq("vm"), startup_script_id: script }), status: 201 },
  { what: "cloud_init of 16 KB", path: "vms/", body: vm({ cloud_init: "x".repeat(16384) }), status: 201 },
  { what: "cloud_init over 16 KB", path: "vms/", body: vm({ cloud_init: "x".repeat(16385) }), status: 400, field: "cloud_init" },
  { what: "public_ip not a boolean", path: "vms/", body: vm({ public_ip: "yes" }), status: 400, field: "public_ip" },
  { what: "security rule with a bad CIDR", path: "vms/", body: vm({ security_rules: [rule({ remote_ip_prefix: "300.0.0.0/8" })] }), status: 400, field: "security_rules[0].remote_ip_prefix" },
  { what: "malformed IPv6 CIDR", path: "vms/", body: vm({ security_rules: [rule({ protocol: "icmp", port_range_min: null, port_range_max: null, ethertype: "IPv6", remote_ip_prefix: "1:2:3/64" })] }), status: 400, field: "security_rules[0].remote_ip_prefix" },
  { what: "IPv6 CIDR on an IPv4 rule", path: "vms/", body: vm({ security_rules: [rule({ remote_ip_prefix: "::/0" })] }), status: 400, field: "security_rules[0].remote_ip_prefix" },
  { what: "ports on an icmp rule", path: "vms/", body: vm({ security_rules: [rule({ protocol: "icmp" })] }), status: 400, field: "security_rules[0].port_range_min" },
  { what: "port 0", path: "vms/", body: vm({ security_rules: [rule({ port_range_min: 0 })] }), status: 400, field: "security_rules[0].port_range_min" },
  { what: "port_range_min > max", path: "vms/", body: vm({ security_rules: [rule({ port_range_min: 443, port_range_max: 80 })] }), status: 400, field: "security_rules[0].port_range_min" },
  { what: "only one port bound", path: "vms/", body: vm({ security_rules: [rule({ port_range_max: undefined })] }), status: 400, field: "security_rules[0].port_range_max" },
  { what: "unknown protocol", path: "vms/", body: vm({ security_rules: [rule({ protocol: "carrier-pigeon" })] }), status: 400, field: "security_rules[0].protocol" },
  { what: "valid security rules", path: "vms/", body: vm({ security_rules: [rule(), rule({ protocol: "icmp", port_range_min: null, port_range_max: null, ethertype: "IPv6", remote_ip_prefix: "::/0" })] }), status: 201 },
];

const vol = (over: Record<string, unknown> = {}) => () => ({ name: uniq("vol"), region: "CANADA-1", size_gb: 100, volume_type: "SSD", ...over });
const volumeRows: Row[] = [
  { what: "documented valid name data-volume-1", path: "volumes/", body: vol({ name: "data-volume-1" }), status: 201 },
  { what: "documented valid name backup_storage", path: "volumes/", body: vol({ name: "backup_storage" }), status: 201 },
  { what: "documented invalid name vo", path: "volumes/", body: vol({ name: "vo" }), status: 400, field: "name" },
  { what: "documented invalid name -data", path: "volumes/", body: vol({ name: "-data" }), status: 400, field: "name" },
  { what: "documented invalid name 'my volume'", path: "volumes/", body: vol({ name: "my volume" }), status: 400, field: "name" },
  { what: "31-char name", path: "volumes/", body: vol({ name: "v".repeat(31) }), status: 400, field: "name" },
  { what: "SSD 99 GB", path: "volumes/", body: vol({ size_gb: 99 }), status: 400, field: "size_gb" },
  { what: "SSD 102400 GB", path: "volumes/", body: vol({ size_gb: 102400 }), status: 201 },
  { what: "SSD 102401 GB", path: "volumes/", body: vol({ size_gb: 102401 }), status: 400, field: "size_gb" },
  { what: "fractional size", path: "volumes/", body: vol({ size_gb: 100.5 }), status: 400, field: "size_gb" },
  { what: "NVMe in CANADA-1", path: "volumes/", body: vol({ volume_type: "NVMe" }), status: 400, field: "volume_type" },
  { what: "SSD in FINLAND-1", path: "volumes/", body: vol({ region: "FINLAND-1" }), status: 400, field: "volume_type" },
  { what: "unknown volume type", path: "volumes/", body: vol({ volume_type: "SATA" }), status: 400, field: "volume_type" },
  { what: "NVMe 10000 GB", path: "volumes/", body: vol({ region: "FINLAND-2", volume_type: "NVMe", size_gb: 10000 }), status: 201 },
  { what: "NVMe 10001 GB", path: "volumes/", body: vol({ region: "FINLAND-2", volume_type: "NVMe", size_gb: 10001 }), status: 400, field: "size_gb" },
  { what: "HDD 16000 GB", path: "volumes/", body: vol({ region: "ICELAND-1", volume_type: "HDD", size_gb: 16000 }), status: 201 },
  { what: "HDD 16001 GB", path: "volumes/", body: vol({ region: "ICELAND-1", volume_type: "HDD", size_gb: 16001 }), status: 400, field: "size_gb" },
  { what: "bootable in an advanced region", path: "volumes/", body: vol({ region: "FINLAND-3", volume_type: "HDD", bootable: true, image_id: "ubuntu-24.04-cuda-12.8" }), status: 400, field: "bootable" },
  { what: "bootable without an image", path: "volumes/", body: vol({ bootable: true }), status: 400, field: "image_id" },
  { what: "bootable from a non-Ubuntu image", path: "volumes/", body: vol({ bootable: true, image_id: "debian-12" }), status: 400, field: "image_id" },
  { what: "bootable Ubuntu in CANADA-1", path: "volumes/", body: vol({ bootable: true, image_id: UBUNTU }), status: 201 },
  { what: "image_id on a data volume", path: "volumes/", body: vol({ image_id: UBUNTU }), status: 400, field: "image_id" },
];

const fw = (over: Record<string, unknown> = {}) => () => ({ name: uniq("fw"), region: "CANADA-1", ...over });
const firewallRows: Row[] = [
  { what: "name with spaces, dots, dashes", path: "firewalls/", body: fw({ name: "web fw.v1_x-y" }), status: 201 },
  { what: "50-char name", path: "firewalls/", body: fw({ name: "f".repeat(50) }), status: 201 },
  { what: "empty name", path: "firewalls/", body: fw({ name: "" }), status: 400, field: "name" },
  { what: "blank name", path: "firewalls/", body: fw({ name: "   " }), status: 400, field: "name" },
  { what: "51-char name", path: "firewalls/", body: fw({ name: "f".repeat(51) }), status: 400, field: "name" },
  { what: "name with a slash", path: "firewalls/", body: fw({ name: "bad/name" }), status: 400, field: "name" },
  { what: "description of 256", path: "firewalls/", body: fw({ description: "d".repeat(256) }), status: 400, field: "description" },
  { what: "no region", path: "firewalls/", body: fw({ region: undefined }), status: 400, field: "region" },
];

const sshRows: Row[] = [
  { what: "name with dots, dashes, underscores", path: "ssh-keys/", body: () => ({ name: "ok.key_1-2", public_key: ed25519PublicKey() }), status: 201 },
  { what: "name with a space", path: "ssh-keys/", body: () => ({ name: "has space", public_key: ed25519PublicKey() }), status: 400, field: "name" },
  { what: "51-char name", path: "ssh-keys/", body: () => ({ name: "k".repeat(51), public_key: ed25519PublicKey() }), status: 400, field: "name" },
  { what: "not a key", path: "ssh-keys/", body: () => ({ name: uniq("k"), public_key: "not a key" }), status: 400, field: "public_key" },
  { what: "unsupported type", path: "ssh-keys/", body: () => ({ name: uniq("k"), public_key: ed25519PublicKey().replace("ssh-ed25519", "ssh-foo") }), status: 400, field: "public_key" },
  { what: "two lines", path: "ssh-keys/", body: () => ({ name: uniq("k"), public_key: `${ed25519PublicKey()}\n${ed25519PublicKey()}` }), status: 400, field: "public_key" },
  { what: "type that does not match the body", path: "ssh-keys/", body: () => ({ name: uniq("k"), public_key: ed25519PublicKey().replace("ssh-ed25519", "ssh-rsa") }), status: 400, field: "public_key" },
  { what: "a trailing newline is fine", path: "ssh-keys/", body: () => ({ name: uniq("k"), public_key: `${ed25519PublicKey()}\n` }), status: 201 },
  { what: "public_key not a string", path: "ssh-keys/", body: () => ({ name: uniq("k"), public_key: 42 }), status: 400, field: "public_key" },
];

const sc = (over: Record<string, unknown> = {}) => () => ({ name: uniq("script"), content: "#!/bin/sh\necho hi", ...over });
const scriptRows: Row[] = [
  { what: "valid", path: "scripts/", body: sc(), status: 201 },
  { what: "content of 16 KB", path: "scripts/", body: sc({ content: "y".repeat(16384) }), status: 201 },
  { what: "content over 16 KB", path: "scripts/", body: sc({ content: "y".repeat(16385) }), status: 400, field: "content" },
  { what: "multi-byte content over 16 KB", path: "scripts/", body: sc({ content: "é".repeat(8193) }), status: 400, field: "content" },
  { what: "empty content", path: "scripts/", body: sc({ content: "" }), status: 400, field: "content" },
  { what: "empty name", path: "scripts/", body: sc({ name: "" }), status: 400, field: "name" },
  { what: "51-char name", path: "scripts/", body: sc({ name: "s".repeat(51) }), status: 400, field: "name" },
  { what: "description of 256", path: "scripts/", body: sc({ description: "d".repeat(256) }), status: 400, field: "description" },
];

describe("input rules", () => {
  test.each(instanceRows.map((r) => [r.what, r] as const))("instance: %s", async (_w, row) => check(row));
  test.each(volumeRows.map((r) => [r.what, r] as const))("volume: %s", async (_w, row) => check(row));
  test.each(firewallRows.map((r) => [r.what, r] as const))("firewall: %s", async (_w, row) => check(row));
  test.each(sshRows.map((r) => [r.what, r] as const))("ssh key: %s", async (_w, row) => check(row));
  test.each(scriptRows.map((r) => [r.what, r] as const))("script: %s", async (_w, row) => check(row));

  test("400 messages say what is allowed", async () => {
    const r = await post(emu, "vms/", deployBody(key, { vm_name: uniq("vm"), gpu_count: 3 }));
    expect(r.body.message).toMatch(/1, 2, 4/);
    const s = await post(emu, "volumes/", { name: uniq("vol"), region: "FINLAND-1", size_gb: 20000, volume_type: "HDD" });
    expect(s.body.message).toMatch(/100 to 16000/);
    const n = await post(emu, "volumes/", { name: "-data", region: "CANADA-1", size_gb: 100, volume_type: "SSD" });
    expect(n.body.message).toContain(`name must be ${NAME_RULES.volume.allowed}`);
  });
});

describe("name uniqueness", () => {
  test("instances are unique per account", async () => {
    await deployActive(emu, key, { vm_name: "dup-vm" });
    const r = await post(emu, "vms/", deployBody(key, { vm_name: "dup-vm", region: "FINLAND-1", gpu_model: "H100-SXM5-80GB", os_image_id: "ubuntu-24.04-cuda-12.8" }));
    expectError(r, 409);
    expect(r.body.message).toMatch(/dup-vm/);
  });

  test("volumes are unique within a region only", async () => {
    expect((await post(emu, "volumes/", { name: "dup-vol", region: "FINLAND-1", size_gb: 100, volume_type: "NVMe" })).status).toBe(201);
    expectError(await post(emu, "volumes/", { name: "dup-vol", region: "FINLAND-1", size_gb: 200, volume_type: "HDD" }), 409);
    expect((await post(emu, "volumes/", { name: "dup-vol", region: "FINLAND-2", size_gb: 100, volume_type: "NVMe" })).status).toBe(201);
  });

  test.each([
    ["firewalls/", { name: "dup fw", region: "CANADA-1" }, { name: "dup fw", region: "ICELAND-1" }],
    ["ssh-keys/", { name: "dup-key", public_key: ed25519PublicKey() }, { name: "dup-key", public_key: ed25519PublicKey() }],
    ["scripts/", { name: "dup script", content: "a" }, { name: "dup script", content: "b" }],
  ])("%s names are unique per account", async (path, first, second) => {
    expect((await post(emu, path, first)).status).toBe(201);
    expectError(await post(emu, path, second), 409);
  });

  test("a script can be renamed to its own name but not to another's", async () => {
    const a = (await post(emu, "scripts/", { name: "rename-a", content: "a" })).body.script.script_id;
    await post(emu, "scripts/", { name: "rename-b", content: "b" });
    expect((await emuPut(`scripts/${a}/`, { name: "rename-a" })).status).toBe(200);
    expectError(await emuPut(`scripts/${a}/`, { name: "rename-b" }), 409);
  });
});

const emuPut = (path: string, body: unknown) => call(emu, "PUT", path, body);

describe("tier capabilities", () => {
  test("regions advertise the capability table", async () => {
    const regions = (await get(emu, "regions/")).body.regions as J[];
    const byName = Object.fromEntries(regions.map((r) => [r.name, r]));
    expect(byName["CANADA-1"]).toMatchObject({ tier: "legacy", volume_types: ["SSD"], bootable_volumes: true, volume_clone_resize: false, snapshots: true });
    for (const n of ["FINLAND-1", "FINLAND-2", "FINLAND-3", "ICELAND-1"]) {
      expect(byName[n]).toMatchObject({ tier: "advanced", volume_types: ["NVMe", "HDD"], bootable_volumes: false, volume_clone_resize: true, snapshots: false });
    }
  });

  test("clone and resize are refused in CANADA-1 and allowed in advanced regions", async () => {
    const legacy = await volumeAvailable(emu, { name: uniq("cap"), region: "CANADA-1", size_gb: 100, volume_type: "SSD" });
    expectError(await post(emu, `volumes/${legacy}/resize/`, { new_size_gb: 200 }), 400, "volume_id");
    expectError(await post(emu, `volumes/${legacy}/clone/`, { name: uniq("cap") }), 400, "volume_id");
    const adv = await volumeAvailable(emu, { name: uniq("cap"), region: "FINLAND-1", size_gb: 100, volume_type: "HDD" });
    expect((await post(emu, `volumes/${adv}/resize/`, { new_size_gb: 200 })).status).toBe(200);
    await waitFor(emu, `volumes/${adv}/`, (b) => b.volume.status, "available");
    expect((await post(emu, `volumes/${adv}/clone/`, { name: uniq("cap") })).status).toBe(201);
  });

  test("snapshots are refused for advanced-tier instances", async () => {
    const id = await deployActive(emu, key, { vm_name: uniq("adv"), region: "FINLAND-1", gpu_model: "H100-SXM5-80GB", os_image_id: "ubuntu-24.04-cuda-12.8" });
    expectError(await post(emu, "snapshots/", { vm_id: id, name: "nope" }), 400, "vm_id");
    const eligible = (await get(emu, "snapshots/eligible-vms/")).body.vms.map((v: J) => v.vm_id);
    expect(eligible).not.toContain(id);
  });
});

describe("account gates", () => {
  let gated: RunningEmulator;
  let gKey: string;
  let gVm: string;
  let gSnap: string;
  beforeAll(async () => {
    gated = await startEmulator({ port: 0, timeScale: 0.001 });
    gKey = (await post(gated, "ssh-keys/", { name: "k", public_key: ed25519PublicKey() })).body.ssh_key.key_id;
    gVm = await deployActive(gated, gKey, { vm_name: "gated" });
    gSnap = (await post(gated, "snapshots/", { vm_id: gVm, name: "gsnap" })).body.snapshot.snapshot_id;
    await waitFor(gated, `snapshots/${gSnap}/`, (b) => b.snapshot.status, "SUCCESS");
  });
  afterAll(async () => {
    await gated.stop();
  });

  const attempts = (): Array<[string, string, Record<string, unknown>]> => [
    ["deploy", "vms/", deployBody(gKey, { vm_name: uniq("g") })],
    ["volume create", "volumes/", { name: uniq("g"), region: "CANADA-1", size_gb: 100, volume_type: "SSD" }],
    ["snapshot create", "snapshots/", { vm_id: gVm, name: uniq("g") }],
    ["snapshot restore", `snapshots/${gSnap}/restore/`, { vm_name: uniq("g") }],
  ];

  test("an incomplete profile is 403 for deploy, volume create, snapshot create and restore", async () => {
    await post(gated, "../_emulator/config", { profileComplete: false });
    for (const [what, path, body] of attempts()) {
      const r = await post(gated, path, body);
      if (r.status !== 403) throw new Error(`${what}: expected 403, got ${r.status}`);
      expect(r.body.error).toBe("profile_incomplete");
    }
    await post(gated, "../_emulator/config", { profileComplete: true });
  });

  test("a balance below $1 is 402 for the same; exactly $1 is enough", async () => {
    await post(gated, "../_emulator/config", { balance: 0.99, timeScale: 1e9 });
    for (const [what, path, body] of attempts()) {
      const r = await post(gated, path, body);
      if (r.status !== 402) throw new Error(`${what}: expected 402, got ${r.status}`);
      expect(r.body.error).toBe("insufficient_balance");
      expect(r.body.message).toMatch(/minimum of 1 USD/);
    }
    await post(gated, "../_emulator/config", { balance: 1 });
    expect((await post(gated, "volumes/", { name: uniq("g"), region: "CANADA-1", size_gb: 100, volume_type: "SSD" })).status).toBe(201);
    await post(gated, "../_emulator/config", { balance: 1000, timeScale: 0.001 });
  });

  test("INR accounts need ₹100", async () => {
    const inr = await startEmulator({ port: 0, currency: "INR", balance: 99 });
    try {
      const r = await post(inr, "volumes/", { name: "inr-vol", region: "CANADA-1", size_gb: 100, volume_type: "SSD" });
      expectError(r, 402);
      expect(r.body.message).toMatch(/100 INR/);
      expect((await get(inr, "balance/")).body.balance).toMatchObject({ currency: "INR", minimum_balance: 100 });
    } finally {
      await inr.stop();
    }
  });
});

describe("pricing (the confirmed payload)", () => {
  test("POST pricing/ returns the confirmed shape, numbers and unit strings", async () => {
    const r = await post(emu, "pricing/?currency&gpu_count&gpu_model&resource_type&tier&volume_size_gb&volume_type",
      { tier: "legacy", currency: "USD", resource_type: "volumes", volume_size_gb: 100, volume_type: "SSD", gpu_model: "string", gpu_count: 1 }, { auth: "none" });
    expect(r.status).toBe(200);
    expect(operations.queryPricing.response.safeParse(r.body).success).toBe(true);
    expect(r.body.message).toBe("Pricing information retrieved successfully");
    const d = r.body.pricing_data;
    expect(d.volumes.pricing.legacy.SSD).toEqual({ prices: { USD: 0.1, EUR: 0.1, INR: 10 }, unit: "per TB per hour" });
    expect(d.volumes.pricing.advanced.HDD).toEqual({ prices: { USD: 0.08, EUR: 0.1, INR: 8 }, unit: "per TB per hour" });
    expect(d.volumes.pricing.advanced.NVMe).toEqual({ prices: { USD: 0.3, EUR: 0.35, INR: 30 }, unit: "per TB per hour" });
    expect(d.volumes.minimum_size_gb).toBe(100);
    expect(d.snapshots.pricing.legacy).toEqual({ prices: { USD: 0.1, EUR: 0.1, INR: 10 }, fixed_size_gb: 100, unit: "per hour (fixed 100GB)" });
    expect(d.gpus.pricing.legacy["H100-PCIe-NVLink-80GB"]).toEqual({ prices: { USD: 2.29, EUR: 2.39, INR: 199 }, max_count: 8, unit: "per GPU per hour" });
    expect(d.gpus.pricing.legacy["RTX-A6000"]).toMatchObject({ prices: { USD: 0.69, EUR: 0.75, INR: 49 }, max_count: 4 });
    expect(d.gpus.pricing.legacy["A100-PCIe-80GB"]).toMatchObject({ prices: { USD: 1.55, EUR: 1.39, INR: 135 }, max_count: 8 });
    expect(d.gpus.pricing.legacy.L40).toMatchObject({ prices: { USD: 1.19, EUR: 1.09, INR: 99 }, max_count: 8 });
    expect(d.gpus.pricing.advanced["B300-262GB"]).toMatchObject({ prices: { USD: 5.79, EUR: 5.99, INR: 499 }, max_count: 8 });
    expect(d.gpus.pricing.advanced["H100-SXM5-80GB"]).toMatchObject({ prices: { USD: 2.49, EUR: 2.69, INR: 209 }, max_count: 8 });
    expect(d.metadata).toMatchObject({ supported_currencies: ["USD", "EUR", "INR"], supported_tiers: ["legacy", "advanced"], volume_minimum_size_gb: 100 });
    expect(Number.isInteger(d.metadata.timestamp)).toBe(true);
  });

  test("pricing filters are type-checked", async () => {
    expectError(await post(emu, "pricing/", { tier: "premium" }), 400, "tier");
    expectError(await get(emu, "pricing/?gpu_count=two"), 400, "gpu_count");
    expectError(await get(emu, "pricing/?currency=GBP"), 400, "currency");
  });

  test("GPU specs and stocks follow the catalogue", async () => {
    const specs = (await get(emu, "gpu-specs/")).body.specs as J[];
    const a6000 = specs.find((s) => s.gpu_model === "RTX-A6000");
    expect(a6000).toMatchObject({ tier: "legacy", regions: ["CANADA-1"], max_count: 4, gpu_counts: [1, 2, 4] });
    expect(a6000.flavors.map((f: J) => f.gpu_count)).toEqual([1, 2, 4]);
    expect(a6000.flavors[2].vcpus).toBe(a6000.flavors[0].vcpus * 4);
    const b300 = specs.find((s) => s.gpu_model === "B300-262GB");
    expect(b300.regions).toEqual(["FINLAND-1", "FINLAND-2", "FINLAND-3", "ICELAND-1"]);
    const stocks = (await get(emu, "gpu-stocks/?region=FINLAND-3")).body.stocks as J[];
    expect(stocks.map((s) => s.gpu_model).sort()).toEqual(["B300-262GB", "H100-SXM5-80GB"]);
    expect(stocks[0]).toMatchObject({ available_gpus: 16, configurations: { "1x": 16, "2x": 8, "4x": 4, "8x": 2 } });
  });
});
