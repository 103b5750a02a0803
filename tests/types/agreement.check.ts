/**
 * Compiled (not run) by agreement.test.ts: every public, hand-written type agrees with the zod schema
 * that validates it, in both directions (same keys, same optionality, same value types once Pulumi
 * inputs are unwrapped). A drift on either side fails to compile, naming the keys.
 *
 * The outputs each resource class declares are checked against the provider's `…Outputs` types too.
 *
 * `name` is optional in every public Args (omitted: autonamed) while the schemas may require it (the
 * provider fills it in `check` before parsing): `Autonamed<…>` makes the schema's `name` optional.
 */
import type { z } from "zod";
import type * as data from "../../provider/data";
import type * as calls from "../../provider/data/calls";
import type { FirewallArgs, FirewallRule, FirewallRuleArgs, ImageArgs, InstanceArgs, InstanceFlavor, SnapshotArgs, SshKeyArgs, StartupScriptArgs, VolumeArgs } from "../../provider";
import type * as constants from "../../provider/constants";
import type * as contract from "../../provider/contract";
import type { firewallArgsSchema } from "../../provider/resources/firewall/args";
import type { FIREWALL_KEYS } from "../../provider/resources/firewall/keys";
import type { imageArgsSchema } from "../../provider/resources/image/args";
import type { IMAGE_KEYS } from "../../provider/resources/image/keys";
import type { InstanceOutputs, instanceArgsSchema } from "../../provider/resources/instance/args";
import type { INSTANCE_KEYS } from "../../provider/resources/instance/keys";
import type { ruleArgsSchema } from "../../provider/engine/schema";
import type { snapshotArgsSchema } from "../../provider/resources/snapshot/args";
import type { SNAPSHOT_KEYS } from "../../provider/resources/snapshot/keys";
import type { sshKeyArgsSchema } from "../../provider/resources/sshKey/args";
import type { SSH_KEY_KEYS } from "../../provider/resources/sshKey/keys";
import type { startupScriptArgsSchema } from "../../provider/resources/startupScript/args";
import type { STARTUP_SCRIPT_KEYS } from "../../provider/resources/startupScript/keys";
import type { volumeArgsSchema } from "../../provider/resources/volume/args";
import type { VOLUME_KEYS } from "../../provider/resources/volume/keys";
import type { Firewall, Image, Instance, Snapshot, SshKey, StartupScript, Volume } from "../../provider";
import type { FirewallOutputs } from "../../provider/resources/firewall/args";
import type { ImageOutputs } from "../../provider/resources/image/args";
import type { SnapshotOutputs } from "../../provider/resources/snapshot/args";
import type { SshKeyOutputs } from "../../provider/resources/sshKey/args";
import type { StartupScriptOutputs } from "../../provider/resources/startupScript/args";
import type { VolumeOutputs } from "../../provider/resources/volume/args";
import type { Agreement, Autonamed, OutputAgreement, SameKeys } from "./agree";

/** Schema input without hidden keys (`__autoname`, `__provider`), which no program writes. */
type Visible<T> = { [K in keyof T as K extends `__${string}` ? never : K]: T[K] };
type SchemaArgs<S extends z.ZodType> = Autonamed<Visible<z.input<S>>>;

// Resource args, both directions.
export const volume: Agreement<VolumeArgs, SchemaArgs<typeof volumeArgsSchema>> = "agree";
export const instance: Agreement<InstanceArgs, SchemaArgs<typeof instanceArgsSchema>> = "agree";
export const firewall: Agreement<FirewallArgs, SchemaArgs<typeof firewallArgsSchema>> = "agree";
export const snapshot: Agreement<SnapshotArgs, SchemaArgs<typeof snapshotArgsSchema>> = "agree";
export const image: Agreement<ImageArgs, SchemaArgs<typeof imageArgsSchema>> = "agree";
export const sshKey: Agreement<SshKeyArgs, SchemaArgs<typeof sshKeyArgsSchema>> = "agree";
export const startupScript: Agreement<StartupScriptArgs, SchemaArgs<typeof startupScriptArgsSchema>> = "agree";

// Rules: as written (inputs) and as reported (outputs).
export const ruleIn: Agreement<FirewallRuleArgs, z.input<typeof ruleArgsSchema>> = "agree";
export const ruleOut: Agreement<FirewallRule, z.output<typeof ruleArgsSchema>> = "agree";
export const flavor: Agreement<InstanceFlavor, InstanceOutputs["flavor"]> = "agree";

// The outputs each class declares are outputs the provider returns, with the same types.
export const volumeOutputs: OutputAgreement<Volume, VolumeOutputs> = "agree";
export const instanceOutputs: OutputAgreement<Instance, InstanceOutputs> = "agree";
export const firewallOutputs: OutputAgreement<Firewall, FirewallOutputs> = "agree";
export const snapshotOutputs: OutputAgreement<Snapshot, SnapshotOutputs> = "agree";
export const imageOutputs: OutputAgreement<Image, ImageOutputs> = "agree";
export const sshKeyOutputs: OutputAgreement<SshKey, SshKeyOutputs> = "agree";
export const startupScriptOutputs: OutputAgreement<StartupScript, StartupScriptOutputs> = "agree";

// The zod-free key lists name exactly the schema's keys.
type InputKeys<S extends z.ZodObject> = keyof Visible<z.input<S>>;
export const volumeKeys: SameKeys<(typeof VOLUME_KEYS.inputs)[number], InputKeys<typeof volumeArgsSchema>> = "agree";
export const instanceKeys: SameKeys<(typeof INSTANCE_KEYS.inputs)[number], InputKeys<typeof instanceArgsSchema>> = "agree";
export const firewallKeys: SameKeys<(typeof FIREWALL_KEYS.inputs)[number], InputKeys<typeof firewallArgsSchema>> = "agree";
export const snapshotKeys: SameKeys<(typeof SNAPSHOT_KEYS.inputs)[number], InputKeys<typeof snapshotArgsSchema>> = "agree";
export const imageKeys: SameKeys<(typeof IMAGE_KEYS.inputs)[number], InputKeys<typeof imageArgsSchema>> = "agree";
export const sshKeyKeys: SameKeys<(typeof SSH_KEY_KEYS.inputs)[number], InputKeys<typeof sshKeyArgsSchema>> = "agree";
export const startupScriptKeys: SameKeys<(typeof STARTUP_SCRIPT_KEYS.inputs)[number], InputKeys<typeof startupScriptArgsSchema>> = "agree";

// Data functions' args and the schemas that check them.
export const gpuSpecsArgs: Agreement<data.GetGpuSpecsArgs, z.input<typeof calls.gpuSpecsArgsSchema>> = "agree";
export const gpuStockArgs: Agreement<data.GetGpuStockArgs, z.input<typeof calls.gpuStockArgsSchema>> = "agree";
export const osImagesArgs: Agreement<data.GetOsImagesArgs, z.input<typeof calls.osImagesArgsSchema>> = "agree";
export const pricingArgs: Agreement<data.GetPricingArgs, z.input<typeof calls.pricingArgsSchema>> = "agree";
export const regionsArgs: Agreement<data.GetRegionsArgs, z.input<typeof calls.regionsArgsSchema>> = "agree";
export const volumeTypesArgs: Agreement<data.GetVolumeTypesArgs, z.input<typeof calls.volumeTypesArgsSchema>> = "agree";

// The zod-free vocabulary is the contract's.
export const regions: SameKeys<constants.Region, contract.Region> = "agree";
export const tiers: SameKeys<constants.Tier, contract.Tier> = "agree";
export const volumeTypes: SameKeys<constants.VolumeType, contract.VolumeType> = "agree";
export const currencies: SameKeys<constants.Currency, contract.Currency> = "agree";
export const directions: SameKeys<constants.Direction, (typeof contract.DIRECTIONS)[number]> = "agree";
export const ethertypes: SameKeys<constants.Ethertype, (typeof contract.ETHERTYPES)[number]> = "agree";
export const protocols: SameKeys<constants.Protocol, (typeof contract.PROTOCOLS)[number]> = "agree";
export const bootSources: SameKeys<constants.BootSource, contract.Instance["boot_source"]> = "agree";
