import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { MODULE, ResourceArgs, resourceProps, withName } from "../shared/resource";
import { RuleArgs } from "../shared/schema";
import { makeShim } from "../shared/shim";
import { INSTANCE_OUTPUT_KEYS, InstanceFlavor, InstanceOutputs, PowerState, instanceArgsSchema } from "./args";

/**
 * Arguments of an {@link Instance}, as the program writes them: defaulted inputs (publicIp, securityRules,
 * volumeIds, powerState, allowStopForUpdate) and rule fields with defaults (ethertype, remoteIpPrefix)
 * are optional; `name` defaults to the resource name.
 */
export type InstanceArgs = ResourceArgs<Pick<Inputs, RequiredInputKeys>, "name"> & Partial<ResourceArgs<Omit<Inputs, RequiredInputKeys>>>;

type Inputs = z.input<typeof instanceArgsSchema>;
/**
 * The inputs a program must set. (Spelled out because `ResourceArgs` maps over `Exclude<keyof T, …>`,
 * which drops `?` and would make every optional input required.)
 */
type RequiredInputKeys = { [K in keyof Inputs]-?: undefined extends Inputs[K] ? never : K }[keyof Inputs];

const provider = makeShim("Instance");

/**
 * A Barrack GPU virtual machine.
 *
 * Boots from exactly one of `osImageId`, `bootVolumeId` (CANADA-1), `imageId`, or `snapshotId` (a restore
 * into a new instance, which inherits the snapshot's GPU model, count and SSH keys; leave those out).
 *
 * In place: `powerState` ("running" | "stopped" | "hibernated"), `publicIp`, `securityRules` (rules are
 * added and removed, never replaced) and `volumeIds` (attaching and detaching needs the instance stopped:
 * set `allowStopForUpdate: true` to let the update stop and restart it, or change `powerState` to "stopped").
 * Replaces: `name`, `region`, `gpuModel`, `gpuCount`, `osImageId`, `bootVolumeId`, `imageId`, `snapshotId`,
 * `sshKeyIds`, `startupScriptId`, `cloudInit`. Never diffs: `timeouts`, `allowStopForUpdate`.
 *
 * Firewalls are attached by the Firewall resource (its `instanceIds`); `firewallIds` here reports them.
 * A preview warns when the GPU model × count is out of stock in the region.
 */
export class Instance extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly region: pulumi.Output<InstanceOutputs["region"]>;
  declare readonly gpuModel: pulumi.Output<string>;
  declare readonly gpuCount: pulumi.Output<number>;
  declare readonly osImageId: pulumi.Output<string | undefined>;
  declare readonly bootVolumeId: pulumi.Output<string | undefined>;
  declare readonly imageId: pulumi.Output<string | undefined>;
  declare readonly snapshotId: pulumi.Output<string | undefined>;
  declare readonly sshKeyIds: pulumi.Output<string[]>;
  declare readonly startupScriptId: pulumi.Output<string | undefined>;
  declare readonly cloudInit: pulumi.Output<string | undefined>;
  declare readonly publicIp: pulumi.Output<boolean>;
  declare readonly securityRules: pulumi.Output<RuleArgs[]>;
  /** Attached data volumes (not the boot volume). */
  declare readonly volumeIds: pulumi.Output<string[]>;
  declare readonly powerState: pulumi.Output<PowerState>;
  declare readonly allowStopForUpdate: pulumi.Output<boolean>;
  /** The Barrack id (`BRK-……D`), also the resource's `id`. */
  declare readonly instanceId: pulumi.Output<string>;
  /** The API's status: ACTIVE, SHUTOFF, HIBERNATED, or a transitional one. */
  declare readonly status: pulumi.Output<string>;
  declare readonly tier: pulumi.Output<string>;
  declare readonly ipAddress: pulumi.Output<string | undefined>;
  declare readonly flavor: pulumi.Output<InstanceFlavor>;
  declare readonly bootSource: pulumi.Output<InstanceOutputs["bootSource"]>;
  /** Firewalls attached to this instance (managed by the Firewall resource). */
  declare readonly firewallIds: pulumi.Output<string[]>;
  /** Cost per hour at the current rate, in `currency`. */
  declare readonly costPerHour: pulumi.Output<number | undefined>;
  declare readonly currency: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: InstanceArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, resourceProps(withName(name, args), instanceArgsSchema, INSTANCE_OUTPUT_KEYS), opts, MODULE, "Instance");
  }
}
