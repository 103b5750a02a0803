/**
 * pulumi-barrack: Pulumi resources for the Barrack AI GPU cloud.
 *
 *     import * as barrack from "pulumi-barrack";
 *     const data = new barrack.Volume("data", { region: "FINLAND-1", type: "NVMe", sizeGb: 500 });
 *
 * What a Pulumi program uses, and nothing more: loading this module loads no HTTP client, no zod and no
 * wire contract (data functions load the client on their first call). The API client and the contract
 * have their own entry points: `pulumi-barrack/client` and `pulumi-barrack/contract`.
 */
export { Volume, type VolumeArgs } from "./resources/volume/resource";
export { Instance, type FallbackOrder, type InstanceArgs, type InstanceConnection, type InstanceFallbackArgs, type InstanceFlavor, type InstanceWaitFor } from "./resources/instance/resource";
export { Firewall, type FirewallArgs } from "./resources/firewall/resource";
export { Snapshot, type SnapshotArgs } from "./resources/snapshot/resource";
export { Image, type ImageArgs } from "./resources/image/resource";
export { SshKey, type SshKeyArgs } from "./resources/sshKey/resource";
export { StartupScript, type StartupScriptArgs } from "./resources/startupScript/resource";
export type { FirewallRule, FirewallRuleArgs, Timeouts } from "./dynamic/resource";
export * from "./data";
export {
  BOOT_SOURCES,
  CURRENCIES,
  DIRECTIONS,
  ETHERTYPES,
  GPU_COUNTS,
  POWER_STATES,
  PROTOCOLS,
  REGIONS,
  TIERS,
  VOLUME_TYPES,
  type BootSource,
  type Currency,
  type Direction,
  type Ethertype,
  type PowerState,
  type Protocol,
  type Region,
  type Tier,
  type VolumeType,
} from "./constants";
