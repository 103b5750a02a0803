/**
 * The bad-input table: every platform rule that preview can check, across all seven resource types,
 * refused by `check` naming the property (and what is allowed), with no mutating API call, and never
 * echoing a secret or a huge value. The real engine runs a sample of these in tests/e2e/validation.test.ts.
 */
import type { ProviderImpl } from "../../provider/engine/crud";
import { firewallProvider } from "../../provider/resources/firewall/provider";
import { imageProvider } from "../../provider/resources/image/provider";
import { instanceProvider } from "../../provider/resources/instance/provider";
import { snapshotProvider } from "../../provider/resources/snapshot/provider";
import { sshKeyProvider } from "../../provider/resources/sshKey/provider";
import { startupScriptProvider } from "../../provider/resources/startupScript/provider";
import { volumeProvider } from "../../provider/resources/volume/provider";
import { mutationCount, named, useEmulator } from "../resources/support";

const handle = useEmulator();

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx0Yc0m9kq2Vf6kJ2x3wY1bQp8sT3uV4wX5yZ6aB7cD alice@laptop";
const PRIVATE = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n";
const RULE = { direction: "ingress", protocol: "tcp", portRangeMin: 22, portRangeMax: 22 };

const volume = { name: "data", region: "FINLAND-1", type: "NVMe", sizeGb: 100 };
const instance = { name: "node", region: "FINLAND-1", gpuModel: "H100-SXM5-80GB", gpuCount: 1, osImageId: "ubuntu-24.04-cuda-12.8", sshKeyIds: ["BRK-000001K"] };
const legacyInstance = { ...instance, region: "CANADA-1", gpuModel: "RTX-A6000" };
const firewall = { name: "fw", region: "CANADA-1", rules: [RULE] };
const snapshot = { name: "snap", instanceId: "BRK-000123D" };
const image = { name: "img", snapshotId: "BRK-000001S" };
const sshKey = { name: "key", publicKey: KEY };
const script = { name: "boot", content: "#!/bin/sh\necho hi\n" };

type Row = [label: string, provider: ProviderImpl, inputs: Record<string, unknown>, property: string, reason: RegExp];

const ROWS: Row[] = [
  // Volume
  ["volume: unknown region", volumeProvider, { ...volume, region: "MARS-1" }, "region", /must be one of CANADA-1, FINLAND-1/],
  ["volume: unknown type", volumeProvider, { ...volume, type: "Tape" }, "type", /must be one of SSD, NVMe, HDD/],
  ["volume: SSD in the advanced tier", volumeProvider, { ...volume, type: "SSD" }, "type", /FINLAND-1 \(advanced tier\) offers NVMe or HDD volumes, not SSD/],
  ["volume: NVMe in the legacy tier", volumeProvider, { ...volume, region: "CANADA-1" }, "type", /CANADA-1 \(legacy tier\) offers SSD/],
  ["volume: too small", volumeProvider, { ...volume, sizeGb: 50 }, "sizeGb", /NVMe volumes are 100.10000 GB, not 50/],
  ["volume: too large", volumeProvider, { ...volume, sizeGb: 10_001 }, "sizeGb", /100.10000 GB, not 10001/],
  ["volume: fractional size", volumeProvider, { ...volume, sizeGb: 100.5 }, "sizeGb", /whole number of GB/],
  ["volume: size as text", volumeProvider, { ...volume, sizeGb: "100" }, "sizeGb", /whole number of GB/],
  ["volume: HDD over its maximum", volumeProvider, { ...volume, type: "HDD", sizeGb: 16_001 }, "sizeGb", /HDD volumes are 100.16000 GB/],
  ["volume: bootable in FINLAND-1", volumeProvider, { ...volume, bootable: true, imageId: "ubuntu-22.04" }, "bootable", /bootable volumes exist only in CANADA-1/],
  ["volume: bootable without an Ubuntu image", volumeProvider, { ...volume, region: "CANADA-1", type: "SSD", bootable: true, imageId: "centos-7" }, "imageId", /Ubuntu OS image/],
  ["volume: image without bootable", volumeProvider, { ...volume, imageId: "ubuntu-22.04" }, "imageId", /only bootable volumes take an image/],
  ["volume: clone in the legacy tier", volumeProvider, { ...volume, region: "CANADA-1", type: "SSD", cloneFrom: "BRK-000001V" }, "cloneFrom", /cloning is available only in FINLAND-1/],
  ["volume: name with a space", volumeProvider, { ...volume, name: "my data" }, "name", /3–30 letters, digits/],
  ["volume: name too short", volumeProvider, { ...volume, name: "ab" }, "name", /3–30 letters/],
  ["volume: name too long", volumeProvider, { ...volume, name: "v".repeat(31) }, "name", /3–30 letters/],
  ["volume: name ending in a dash", volumeProvider, { ...volume, name: "data-" }, "name", /not starting or ending/],
  ["volume: an unknown input", volumeProvider, { ...volume, size: 100 }, "(inputs)", /size/],
  ["volume: a bad timeout", volumeProvider, { ...volume, timeouts: { create: "soon" } }, "timeouts.create", /duration such as "90s"/],
  ["volume: an empty importId", volumeProvider, { ...volume, importId: "" }, "importId", /must not be empty/],
  // Instance
  ["instance: unknown GPU model", instanceProvider, { ...instance, gpuModel: "H200-NVL" }, "gpuModel", /unknown GPU model "H200-NVL": use one of .*H100-SXM5-80GB/],
  ["instance: GPU count above the model's maximum", instanceProvider, { ...legacyInstance, gpuCount: 8 }, "gpuCount", /RTX-A6000 takes at most 4 GPUs per instance, not 8/],
  ["instance: GPU count 3", instanceProvider, { ...instance, gpuCount: 3 }, "gpuCount", /must be one of 1, 2, 4, 8/],
  ["instance: GPU count 0", instanceProvider, { ...instance, gpuCount: 0 }, "gpuCount", /must be one of 1, 2, 4, 8/],
  ["instance: a model of the other tier", instanceProvider, { ...instance, gpuModel: "RTX-A6000" }, "gpuModel", /RTX-A6000 is sold in the legacy tier \(CANADA-1\), not in FINLAND-1/],
  ["instance: no boot source", instanceProvider, { ...instance, osImageId: undefined }, "osImageId", /set exactly one boot source/],
  ["instance: two boot sources", instanceProvider, { ...instance, imageId: "BRK-000001I" }, "imageId", /not osImageId and imageId/],
  ["instance: boot volume outside CANADA-1", instanceProvider, { ...instance, osImageId: undefined, bootVolumeId: "BRK-000001V" }, "bootVolumeId", /bootable volumes exist only in CANADA-1/],
  ["instance: snapshot restore outside CANADA-1", instanceProvider, { name: "rs", region: "FINLAND-1", snapshotId: "BRK-000001S" }, "snapshotId", /snapshots exist only in CANADA-1/],
  ["instance: cloud-init with a restore", instanceProvider, { name: "rs", region: "CANADA-1", snapshotId: "BRK-000001S", cloudInit: "#cloud-config" }, "cloudInit", /cannot take cloudInit/],
  ["instance: no SSH key", instanceProvider, { ...instance, sshKeyIds: [] }, "sshKeyIds", /at least one SSH key/],
  ["instance: no GPU model", instanceProvider, { ...instance, gpuModel: undefined }, "gpuModel", /is required/],
  ["instance: a volume listed twice", instanceProvider, { ...instance, volumeIds: ["BRK-000001V", "BRK-000001V"] }, "volumeIds", /lists BRK-000001V twice/],
  ["instance: a rule listed twice", instanceProvider, { ...instance, securityRules: [RULE, RULE] }, "securityRules.1", /repeats an earlier rule/],
  ["instance: unknown power state", instanceProvider, { ...instance, powerState: "paused" }, "powerState", /must be one of running, stopped, hibernated/],
  ["instance: publicIp as text", instanceProvider, { ...instance, publicIp: "yes" }, "publicIp", /true or false/],
  ["instance: name with a dot", instanceProvider, { ...instance, name: "node.1" }, "name", /2–30 letters/],
  ["instance: a port out of range", instanceProvider, { ...instance, securityRules: [{ ...RULE, portRangeMax: 70_000 }] }, "securityRules.0.portRangeMax", /port from 1 to 65535/],
  ["instance: unknown protocol", instanceProvider, { ...instance, securityRules: [{ ...RULE, protocol: "quic" }] }, "securityRules.0.protocol", /must be one of any/],
  ["instance: bad waitForStock", instanceProvider, { ...instance, waitForStock: "a while" }, "waitForStock", /duration/],
  // Firewall
  ["firewall: bad CIDR", firewallProvider, { ...firewall, rules: [{ ...RULE, remoteIpPrefix: "10.0.0.0/33" }] }, "rules.0.remoteIpPrefix", /IPv4 CIDR/],
  ["firewall: IPv6 CIDR on an IPv4 rule", firewallProvider, { ...firewall, rules: [{ ...RULE, remoteIpPrefix: "::/0" }] }, "rules.0.remoteIpPrefix", /IPv4 CIDR/],
  ["firewall: ports on icmp", firewallProvider, { ...firewall, rules: [{ ...RULE, protocol: "icmp" }] }, "rules.0.portRangeMin", /ports apply only to tcp/],
  ["firewall: min without max", firewallProvider, { ...firewall, rules: [{ direction: "ingress", protocol: "tcp", portRangeMin: 22 }] }, "rules.0.portRangeMax", /go together/],
  ["firewall: min above max", firewallProvider, { ...firewall, rules: [{ ...RULE, portRangeMin: 80, portRangeMax: 22 }] }, "rules.0.portRangeMax", /≥ portRangeMin \(80\)/],
  ["firewall: unknown direction", firewallProvider, { ...firewall, rules: [{ ...RULE, direction: "inbound" }] }, "rules.0.direction", /ingress, egress/],
  ["firewall: a rule listed twice", firewallProvider, { ...firewall, rules: [RULE, RULE] }, "rules.1", /repeats rules.0/],
  ["firewall: an instance listed twice", firewallProvider, { ...firewall, instanceIds: ["BRK-000001D", "BRK-000001D"] }, "instanceIds.1", /already listed/],
  ["firewall: a bad instance id", firewallProvider, { ...firewall, instanceIds: ["vm-1"] }, "instanceIds.0", /instance id such as BRK-000123D/],
  ["firewall: description over 255", firewallProvider, { ...firewall, description: "d".repeat(256) }, "description", /at most 255 characters \(this one is 256\)/],
  ["firewall: name over 50", firewallProvider, { ...firewall, name: "f".repeat(51) }, "name", /1–50 letters/],
  // Snapshot
  ["snapshot: a bad instance id", snapshotProvider, { ...snapshot, instanceId: "vm-42" }, "instanceId", /instance id such as BRK-000123D/],
  ["snapshot: description over 255", snapshotProvider, { ...snapshot, description: "d".repeat(300) }, "description", /at most 255 characters \(this one is 300\)/],
  ["snapshot: name with a slash", snapshotProvider, { ...snapshot, name: "a/b" }, "name", /letters, digits, spaces/],
  ["snapshot: no instance", snapshotProvider, { name: "snap" }, "instanceId", /./],
  // Image
  ["image: description over 255", imageProvider, { ...image, description: "d".repeat(256) }, "description", /at most 255 characters/],
  ["image: no snapshot", imageProvider, { name: "img" }, "snapshotId", /./],
  ["image: name over 50", imageProvider, { ...image, name: "i".repeat(51) }, "name", /1–50 letters/],
  // SSH key
  ["ssh key: a private key", sshKeyProvider, { ...sshKey, publicKey: PRIVATE }, "publicKey", /looks like a private key/],
  ["ssh key: unknown key type", sshKeyProvider, { ...sshKey, publicKey: "ssh-foo AAAA" }, "publicKey", /must start with one of the key types/],
  ["ssh key: two keys", sshKeyProvider, { ...sshKey, publicKey: `${KEY}\n${KEY}` }, "publicKey", /single line/],
  ["ssh key: name with a space", sshKeyProvider, { ...sshKey, name: "my key" }, "name", /no spaces/],
  // Startup script
  ["script: empty", startupScriptProvider, { ...script, content: "" }, "content", /must not be empty/],
  ["script: over 16 KB", startupScriptProvider, { ...script, content: "x".repeat(16 * 1024 + 1) }, "content", /at most 16384 bytes/],
  ["script: description over 255", startupScriptProvider, { ...script, description: "d".repeat(256) }, "description", /at most 255 characters/],
  ["script: name with a slash", startupScriptProvider, { ...script, name: "a/b" }, "name", /letters, digits, spaces/],
  // Secrets and huge values in other inputs
  ["instance: cloud-init over 16 KB", instanceProvider, { ...instance, cloudInit: "#!/bin/sh\n" + "x".repeat(17 * 1024) }, "cloudInit", /at most 16384 bytes/],
];

describe("the bad-input table", () => {
  it("has at least 60 rows over all seven types", () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ROWS.map((r) => r[1])).size).toBe(7);
  });

  it.each(ROWS)("%s: refused naming the property, no API mutation", async (_label, provider, inputs, property, reason) => {
    handle.emulator.resetCounters();
    const clean = Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== undefined));
    const { inputs: checked, failures } = await provider.check({}, clean);
    expect(checked).toBeUndefined();
    const match = named(failures)!.find((f) => f.property === property);
    if (!match || !reason.test(match.reason)) throw new Error(`no failure on ${property} matching ${reason}: ${JSON.stringify(failures)}`);
    expect(mutationCount(handle.emulator)).toBe(0);
  });
});

describe("never echo a secret or a huge value", () => {
  it.each([
    ["a private key pasted as publicKey", sshKeyProvider, { ...sshKey, publicKey: PRIVATE }, "publicKey", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"],
    ["a 17 KB cloud-init", instanceProvider, { ...instance, cloudInit: "#!/bin/sh\n" + "y".repeat(17 * 1024) }, "cloudInit", "yyyyyyyyyyyyyyyyyyyy"],
    ["a 300-character description", snapshotProvider, { ...snapshot, description: "z".repeat(300) }, "description", "zzzzzzzzzzzzzzzzzzzz"],
  ] as const)("%s: the property is named in the reason, so the engine has no value to print", async (_label, provider, inputs, property, fragment) => {
    const { failures } = await provider.check({}, inputs as Record<string, unknown>);
    const failure = failures!.find((f) => f.reason.startsWith(`property ${property}:`))!;
    expect(failure.property).toBe("");
    expect(JSON.stringify(failures)).not.toContain(fragment);
  });

  it("short plain values are still named as the property (the engine prints them)", async () => {
    const { failures } = await volumeProvider.check({}, { ...volume, sizeGb: 50 });
    expect(failures).toEqual([{ property: "sizeGb", reason: expect.stringMatching(/not 50/) }]);
  });
});
