import * as pulumi from "@pulumi/pulumi";
import type { BootSource, PowerState, Region } from "../../constants";
import { BarrackResource, FirewallRule, FirewallRuleArgs, Timeouts } from "../../dynamic/resource";
import { makeShim } from "../../dynamic/shim";
import { FALLBACK_ORDERS, INSTANCE_KEYS } from "./keys";

/**
 * The arguments of an {@link Instance}. Set exactly one boot source: `osImageId`, `bootVolumeId`,
 * `imageId` or `snapshotId`.
 */
export interface InstanceArgs {
  /**
   * The Barrack name, unique within the account. Omitted: the resource name plus a suffix (e.g.
   * `trainer-1a2b3c4`) that stays the same for the life of the resource. A change replaces the instance.
   */
  name?: pulumi.Input<string>;
  /**
   * The region, e.g. "FINLAND-1": with `gpuModel` and `gpuCount`, the instance's first choice of where to
   * run. With `fallbacks`, a change does not replace an instance that runs on a choice still listed.
   */
  region: pulumi.Input<Region>;
  /**
   * The GPU model, e.g. "H100-SXM5-80GB" (see getGpuStock()). Omit it with `snapshotId`, which inherits it.
   * With `fallbacks`, a change does not replace an instance that runs on a choice still listed.
   */
  gpuModel?: pulumi.Input<string>;
  /**
   * 1, 2, 4 or 8 GPUs, up to the model's maximum. Omit it with `snapshotId`, which inherits it. With
   * `fallbacks`, a change does not replace an instance that runs on a choice still listed.
   */
  gpuCount?: pulumi.Input<number>;
  /** Boot from an OS image (see getOsImages()). Replaces. */
  osImageId?: pulumi.Input<string>;
  /** Boot from a bootable volume (CANADA-1); it stays attached for the instance's life. Replaces. */
  bootVolumeId?: pulumi.Input<string>;
  /** Boot from a custom image in the same region. Replaces. */
  imageId?: pulumi.Input<string>;
  /** Restore a snapshot into this new instance, which inherits the snapshot's GPU model, count and SSH keys. Replaces. */
  snapshotId?: pulumi.Input<string>;
  /** SSH key ids: at least one, unless restoring a snapshot (which inherits them). Replaces. */
  sshKeyIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** A stored startup script to run at first boot. Replaces. */
  startupScriptId?: pulumi.Input<string>;
  /** Cloud-init user data, at most 16 KB. Replaces. */
  cloudInit?: pulumi.Input<string>;
  /** Whether the instance gets a public IP address. Default true. In place. */
  publicIp?: pulumi.Input<boolean>;
  /** The instance's complete set of security rules. Default none. In place (rules are added and removed). */
  securityRules?: pulumi.Input<pulumi.Input<FirewallRuleArgs>[]>;
  /** The complete set of data volumes to attach. In place, but attaching and detaching need the instance stopped (see `allowStopForUpdate`). */
  volumeIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** "running" (default), "stopped" (GPUs stay reserved and billed) or "hibernated" (GPUs released). In place. */
  powerState?: pulumi.Input<PowerState>;
  /** Lets an update stop the instance, and start it again, when a change needs it stopped. Default false; never a diff. */
  allowStopForUpdate?: pulumi.Input<boolean>;
  /** What create waits for beyond the API's ACTIVE status. */
  waitFor?: pulumi.Input<InstanceWaitFor>;
  /**
   * When the GPU model × count is out of stock, wait up to this long (a duration such as "20m") for it
   * instead of failing at once.
   */
  waitForStock?: pulumi.Input<string>;
  /**
   * More places the instance may run, in order, after the first choice (`region`, `gpuModel`,
   * `gpuCount`); each takes the first choice's value for what it leaves out, e.g.
   * `[{ region: "FINLAND-2" }, { region: "CANADA-1", gpuModel: "H100-PCIe-NVLink-80GB" }]`. Create takes
   * the first choice in stock (with `waitForStock`, the first to come into stock); the outputs `region`,
   * `gpuModel` and `gpuCount` say which. Afterwards the instance stays there: changing the choices never
   * replaces it while its placement is still one of them.
   */
  fallbacks?: pulumi.Input<pulumi.Input<InstanceFallbackArgs>[]>;
  /** The order create tries the choices in: "listed" (default) or "cheapest" first (by GPU price × count). Never a diff. */
  fallbackOrder?: pulumi.Input<FallbackOrder>;
  /**
   * Id of an existing instance to adopt instead of creating one (e.g. "BRK-000123D"); see docs/importing.md.
   */
  importId?: pulumi.Input<string>;
  /** Deadlines, e.g. `{ create: "30m" }`; never a diff. */
  timeouts?: pulumi.Input<Timeouts>;
}

/** One more place an instance may run (an item of its `fallbacks`); what it leaves out is the first choice's. */
export interface InstanceFallbackArgs {
  /** The region, e.g. "FINLAND-2". */
  region?: pulumi.Input<Region>;
  /** The GPU model, e.g. "H100-PCIe-NVLink-80GB". */
  gpuModel?: pulumi.Input<string>;
  /** 1, 2, 4 or 8 GPUs, up to the model's maximum. */
  gpuCount?: pulumi.Input<number>;
}

/** The order an instance's choices are tried in: as listed, or the cheapest first. */
export type FallbackOrder = (typeof FALLBACK_ORDERS)[number];

/**
 * How to reach an instance over SSH (its `connection` output), shaped like `@pulumi/command`'s
 * `remote.ConnectionArgs`: `new command.remote.Command("setup", { connection: trainer.connection, … })`.
 */
export interface InstanceConnection {
  /** The public IP address. */
  host: string;
  /** 22. */
  port: number;
  /** "ubuntu", the default user of Barrack's Ubuntu images. */
  user: string;
}

/** What an instance's create waits for (its `waitFor` input). */
export interface InstanceWaitFor {
  /** Wait until the instance accepts connections on its SSH port. */
  ssh?: pulumi.Input<boolean>;
  /** How long to wait for it, as a duration such as "10m". */
  timeout?: pulumi.Input<string>;
}

/** The instance's size (its `flavor` output). */
export interface InstanceFlavor {
  vcpus: number;
  ramGb: number;
  diskGb: number;
}

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
 * Replaces: `name`, `region`, `gpuModel`, `gpuCount` (unless the instance runs on a choice that remains),
 * `osImageId`, `bootVolumeId`, `imageId`, `snapshotId`, `sshKeyIds`, `startupScriptId`, `cloudInit`. Never
 * diffs: `timeouts`, `allowStopForUpdate`, `waitFor`, `waitForStock`, `fallbacks`, `fallbackOrder`.
 *
 * With `fallbacks`, create takes the first choice in stock; preview says which it would take now and what
 * it costs, and warns when none is in stock.
 *
 * Firewalls are attached by the Firewall resource (its `instanceIds`); `firewallIds` here reports them.
 */
export class Instance extends BarrackResource {
  /**
   * A read-only reference to an existing instance, e.g. `Instance.get("trainer", "BRK-000001D")`: its
   * outputs are read from the API; `pulumi destroy` never deletes it.
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Instance {
    return new Instance(name, undefined as unknown as InstanceArgs, { ...opts, id });
  }

  declare readonly name: pulumi.Output<string>;
  /** Where the instance runs: with `fallbacks`, the region of the choice create took. */
  declare readonly region: pulumi.Output<Region>;
  /** The GPU model of the choice create took. */
  declare readonly gpuModel: pulumi.Output<string>;
  /** The GPU count of the choice create took. */
  declare readonly gpuCount: pulumi.Output<number>;
  declare readonly osImageId: pulumi.Output<string | undefined>;
  declare readonly bootVolumeId: pulumi.Output<string | undefined>;
  declare readonly imageId: pulumi.Output<string | undefined>;
  declare readonly snapshotId: pulumi.Output<string | undefined>;
  declare readonly sshKeyIds: pulumi.Output<string[]>;
  declare readonly startupScriptId: pulumi.Output<string | undefined>;
  declare readonly cloudInit: pulumi.Output<string | undefined>;
  declare readonly publicIp: pulumi.Output<boolean>;
  declare readonly securityRules: pulumi.Output<FirewallRule[]>;
  /** Attached data volumes (not the boot volume). */
  declare readonly volumeIds: pulumi.Output<string[]>;
  declare readonly powerState: pulumi.Output<PowerState>;
  declare readonly allowStopForUpdate: pulumi.Output<boolean>;
  /** The Barrack id (`BRK-……D`), also the resource's `id`. */
  declare readonly instanceId: pulumi.Output<string>;
  /** The API's status: ACTIVE, SHUTOFF, HIBERNATED, or a transitional one. */
  declare readonly status: pulumi.Output<string>;
  /** "legacy" or "advanced", from the region. */
  declare readonly tier: pulumi.Output<string>;
  declare readonly ipAddress: pulumi.Output<string | undefined>;
  /** `{ host, port, user }` for `@pulumi/command`'s `remote.Command`; absent while there is no public IP address. */
  declare readonly connection: pulumi.Output<InstanceConnection>;
  declare readonly flavor: pulumi.Output<InstanceFlavor>;
  /** How the instance booted: "os_image", "volume", "image" or "snapshot". */
  declare readonly bootSource: pulumi.Output<BootSource>;
  /** Firewalls attached to this instance (managed by the Firewall resource). */
  declare readonly firewallIds: pulumi.Output<string[]>;
  /** Cost per hour at the current rate, in `currency`. */
  declare readonly costPerHour: pulumi.Output<number | undefined>;
  declare readonly currency: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: InstanceArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, "Instance", INSTANCE_KEYS, name, args, opts);
  }
}
