/**
 * pulumi-barrack: Pulumi resources for the Barrack AI GPU cloud.
 *
 *     import * as barrack from "pulumi-barrack";
 *     const data = new barrack.Volume("data", { region: "FINLAND-1", type: "NVMe", sizeGb: 500 });
 */
export { Volume, type VolumeArgs } from "./resources/volume/resource";
export { Instance, type InstanceArgs } from "./resources/instance/resource";
export { Firewall, type FirewallArgs } from "./resources/firewall/resource";
export { Snapshot, type SnapshotArgs } from "./resources/snapshot/resource";
export { Image, type ImageArgs } from "./resources/image/resource";
export { SshKey, type SshKeyArgs } from "./resources/sshKey/resource";
export { StartupScript, type StartupScriptArgs } from "./resources/startupScript/resource";
export type { RuleArgs as FirewallRule } from "./resources/shared/schema";
export * from "./data";
export { BarrackClient, type BarrackClientOptions } from "./client";
export * as errors from "./client/errors";
export { REGIONS, VOLUME_TYPES, type Region, type VolumeType } from "./contract";
