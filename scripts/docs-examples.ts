/**
 * The reference pages' examples, as data: per resource the declarations a realistic program makes (the
 * resource and what it needs), per data function its arguments. scripts/gen-docs.ts renders them in
 * TypeScript and Python and refuses any that the schema contradicts; tests/docs/docs.test.ts also runs
 * them through the providers' preview checks.
 */
/** A reference to another declaration's output (`key.id`). */
export class Ref {
  constructor(
    readonly variable: string,
    readonly property = "id",
  ) {}
}
/** A stack config value the program reads (`config.requireSecret("apiKeyB")`). */
export class ConfigValue {
  constructor(
    readonly key: string,
    readonly secret = false,
  ) {}
}
export type Value = string | number | boolean | Ref | ConfigValue | Value[] | { [key: string]: Value };

export interface Declaration {
  /** The program's variable, camelCase (Python: snake_case). */
  variable: string;
  /** The resource type (`Volume`), or `Provider`. */
  type: string;
  /** The Pulumi resource name. */
  name: string;
  args: Record<string, Value>;
  /** Variable of an explicit provider declared earlier. */
  provider?: string;
}
export interface ResourceExample {
  /** One sentence above the code. */
  intro: string;
  declarations: Declaration[];
  exports: { name: string; value: Ref }[];
}

const ref = (variable: string, property?: string) => new Ref(variable, property);
const OS_IMAGE = "ubuntu-22.04-cuda-12.4";
const SSH_IN = { direction: "ingress", protocol: "tcp", portRangeMin: 22, portRangeMax: 22 };
const trainerKey: Declaration = { variable: "key", type: "SshKey", name: "trainer-key", args: {} };
const goldenBase: Declaration[] = [
  { variable: "key", type: "SshKey", name: "golden-key", args: {} },
  {
    variable: "base",
    type: "Instance",
    name: "golden-base",
    args: { region: "CANADA-1", gpuModel: "RTX-A6000", gpuCount: 1, osImageId: OS_IMAGE, sshKeyIds: [ref("key")], cloudInit: "#cloud-config\npackages: [nvtop, htop]\n" },
  },
  { variable: "snapshot", type: "Snapshot", name: "golden-snap", args: { instanceId: ref("base"), description: "base image with tooling" } },
];

/** One example program per resource type (they are realistic inputs: each passes the type's preview check). */
export const EXAMPLES: Record<string, ResourceExample> = {
  Volume: {
    intro: "An NVMe data volume and a cheaper HDD archive in an advanced-tier region (NVMe 100–10000 GB, HDD 100–16000 GB; SSD 100–102400 GB in CANADA-1).",
    declarations: [
      { variable: "data", type: "Volume", name: "data", args: { region: "FINLAND-1", type: "NVMe", sizeGb: 500 } },
      { variable: "archive", type: "Volume", name: "archive", args: { region: "FINLAND-1", type: "HDD", sizeGb: 2000 } },
    ],
    exports: [
      { name: "volumeId", value: ref("data") },
      { name: "volumeCostPerHour", value: ref("data", "costPerHour") },
    ],
  },
  Instance: {
    intro: "An H100 instance with a generated SSH key and an NVMe data volume attached, SSH let in, whose create returns once SSH answers.",
    declarations: [
      trainerKey,
      { variable: "data", type: "Volume", name: "trainer-data", args: { region: "FINLAND-1", type: "NVMe", sizeGb: 500 } },
      {
        variable: "trainer",
        type: "Instance",
        name: "trainer",
        args: {
          region: "FINLAND-1",
          gpuModel: "H100-SXM5-80GB",
          gpuCount: 1,
          osImageId: OS_IMAGE,
          sshKeyIds: [ref("key")],
          volumeIds: [ref("data")],
          securityRules: [SSH_IN],
          waitFor: { ssh: true },
        },
      },
    ],
    exports: [
      { name: "ipAddress", value: ref("trainer", "ipAddress") },
      { name: "costPerHour", value: ref("trainer", "costPerHour") },
      { name: "sshPrivateKey", value: ref("key", "privateKey") },
    ],
  },
  Firewall: {
    intro: "A firewall letting SSH in from anywhere and TensorBoard from one network, attached to an instance (`instanceIds` is the complete set).",
    declarations: [
      trainerKey,
      {
        variable: "trainer",
        type: "Instance",
        name: "trainer",
        args: { region: "FINLAND-1", gpuModel: "H100-SXM5-80GB", gpuCount: 1, osImageId: OS_IMAGE, sshKeyIds: [ref("key")] },
      },
      {
        variable: "firewall",
        type: "Firewall",
        name: "trainer-fw",
        args: {
          region: "FINLAND-1",
          description: "SSH from anywhere, TensorBoard from the office",
          rules: [SSH_IN, { direction: "ingress", protocol: "tcp", remoteIpPrefix: "203.0.113.0/24", portRangeMin: 6006, portRangeMax: 6006 }],
          instanceIds: [ref("trainer")],
        },
      },
    ],
    exports: [
      { name: "firewallId", value: ref("firewall") },
      { name: "ruleIds", value: ref("firewall", "ruleIds") },
    ],
  },
  Snapshot: {
    intro: "A snapshot of an instance's disk (snapshots exist in the legacy tier, CANADA-1).",
    declarations: goldenBase,
    exports: [
      { name: "snapshotId", value: ref("snapshot") },
      { name: "snapshotSizeGb", value: ref("snapshot", "sizeGb") },
    ],
  },
  Image: {
    intro: "A custom image made from a snapshot, and a new instance booted from it (CANADA-1).",
    declarations: [
      ...goldenBase,
      { variable: "image", type: "Image", name: "golden-image", args: { snapshotId: ref("snapshot"), description: "golden image v1" } },
      {
        variable: "fromImage",
        type: "Instance",
        name: "from-image",
        args: { region: "CANADA-1", gpuModel: "RTX-A6000", gpuCount: 1, imageId: ref("image"), sshKeyIds: [ref("key")] },
      },
    ],
    exports: [
      { name: "imageId", value: ref("image") },
      { name: "fromImageBootSource", value: ref("fromImage", "bootSource") },
    ],
  },
  SshKey: {
    intro: "A key pair generated by Barrack (its private key a secret output), and your own public key imported.",
    declarations: [
      trainerKey,
      {
        variable: "deployer",
        type: "SshKey",
        name: "deployer",
        args: { publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGa0v/y7wA0LRhLDGKYCn5yfrClb3jCO/zgY1Ctemb8N deployer@laptop" },
      },
    ],
    exports: [
      { name: "sshPrivateKey", value: ref("key", "privateKey") },
      { name: "deployerFingerprint", value: ref("deployer", "fingerprint") },
    ],
  },
  StartupScript: {
    intro: "A stored startup script, run at first boot by an instance that names it.",
    declarations: [
      {
        variable: "setup",
        type: "StartupScript",
        name: "trainer-setup",
        args: { content: "#!/bin/bash\nset -e\nmkdir -p /data && mount /dev/vdb /data || true\npip install --quiet torch\n", description: "Mount the data volume and install PyTorch" },
      },
      trainerKey,
      {
        variable: "trainer",
        type: "Instance",
        name: "trainer",
        args: { region: "FINLAND-1", gpuModel: "H100-SXM5-80GB", gpuCount: 1, osImageId: OS_IMAGE, sshKeyIds: [ref("key")], startupScriptId: ref("setup") },
      },
    ],
    exports: [{ name: "scriptId", value: ref("setup") }],
  },
};

/** The explicit provider's example: two accounts in one program (the plugin's SDKs only). */
export const PROVIDER_EXAMPLE: ResourceExample = {
  intro: "Two Barrack accounts in one program: one explicit provider per account, each resource given its provider.",
  declarations: [
    { variable: "acctA", type: "Provider", name: "acct-a", args: { apiKey: new ConfigValue("apiKeyA", true) } },
    { variable: "acctB", type: "Provider", name: "acct-b", args: { endpoint: "https://barrack.ai/api/", apiKey: new ConfigValue("apiKeyB", true) } },
    { variable: "dataA", type: "Volume", name: "data-a", args: { region: "FINLAND-1", type: "NVMe", sizeGb: 500 }, provider: "acctA" },
    { variable: "dataB", type: "Volume", name: "data-b", args: { region: "ICELAND-1", type: "HDD", sizeGb: 1000 }, provider: "acctB" },
  ],
  exports: [
    { name: "volumeA", value: ref("dataA") },
    { name: "volumeB", value: ref("dataB") },
  ],
};

export interface FunctionExample {
  args: Record<string, Value>;
  /** The result field the example exports. */
  field: string;
  exportName: string;
}
/** One example call per data function. */
export const FUNCTION_EXAMPLES: Record<string, FunctionExample> = {
  getBalance: { args: {}, field: "amount", exportName: "balance" },
  getGpuSpecs: { args: { gpuModel: "H100-SXM5-80GB" }, field: "specs", exportName: "h100Specs" },
  getGpuStock: { args: { region: "FINLAND-1", gpuModel: "H100-SXM5-80GB" }, field: "totalAvailableGpus", exportName: "h100sFree" },
  getOsImages: { args: { region: "FINLAND-1" }, field: "images", exportName: "osImages" },
  getPricing: { args: { currency: "USD", resourceType: "gpus" }, field: "gpus", exportName: "gpuPrices" },
  getRegions: { args: { tier: "advanced" }, field: "regions", exportName: "advancedRegions" },
  getVolumeTypes: { args: { region: "FINLAND-1" }, field: "volumeTypes", exportName: "volumeTypes" },
};
