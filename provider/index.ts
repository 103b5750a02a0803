/**
 * pulumi-barrack: Pulumi resources for the Barrack AI GPU cloud.
 *
 *     import * as barrack from "pulumi-barrack";
 *     const data = new barrack.Volume("data", { region: "FINLAND-1", type: "NVMe", sizeGb: 500 });
 */
export { Volume, VolumeArgs } from "./resources/volume/resource";
export { Instance, InstanceArgs } from "./resources/instance/resource";
export { Firewall, FirewallArgs } from "./resources/firewall/resource";
export { Snapshot, SnapshotArgs } from "./resources/snapshot/resource";
export { Image, ImageArgs } from "./resources/image/resource";
export { SshKey, SshKeyArgs } from "./resources/sshKey/resource";
export { StartupScript, StartupScriptArgs } from "./resources/startupScript/resource";
export type { RuleArgs as FirewallRule } from "./resources/shared/schema";
export * from "./data";
export { BarrackClient, BarrackClientOptions } from "./client";
export * as errors from "./client/errors";
export { REGIONS, VOLUME_TYPES, type Region, type VolumeType } from "./contract";
