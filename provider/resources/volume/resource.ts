import * as pulumi from "@pulumi/pulumi";
import type { Region, VolumeType } from "../../constants";
import { BarrackResource, Timeouts } from "../../dynamic/resource";
import { makeShim } from "../../dynamic/shim";
import { VOLUME_KEYS } from "./keys";

/** The arguments of a {@link Volume}. */
export interface VolumeArgs {
  /**
   * The Barrack name, unique within the region. Omitted: the resource name plus a suffix (e.g.
   * `data-1a2b3c4`) that stays the same for the life of the resource. A change replaces the volume.
   */
  name?: pulumi.Input<string>;
  /** The region, e.g. "FINLAND-1". A change replaces the volume. */
  region: pulumi.Input<Region>;
  /** "SSD" in the legacy tier (CANADA-1); "NVMe" or "HDD" in the advanced tier. A change replaces the volume. */
  type: pulumi.Input<VolumeType>;
  /** Size in GB, a whole number within the type's range (see getVolumeTypes()). Grows in place (advanced tier only); never shrinks. */
  sizeGb: pulumi.Input<number>;
  /** A bootable volume (legacy tier only, with an Ubuntu `imageId`) that an instance can boot from. Default false. */
  bootable?: pulumi.Input<boolean>;
  /** The OS image of a bootable volume (see getOsImages()). */
  imageId?: pulumi.Input<string>;
  /** Id of a volume to clone (advanced tier): the new volume starts with its contents and size. */
  cloneFrom?: pulumi.Input<string>;
  /**
   * Id of an existing volume to adopt instead of creating one (e.g. "BRK-000123V"); see docs/importing.md.
   */
  importId?: pulumi.Input<string>;
  /** Deadlines, e.g. `{ create: "30m" }`. */
  timeouts?: pulumi.Input<Timeouts>;
}

const provider = makeShim("Volume");

/**
 * A Barrack block-storage volume.
 *
 * In place: `sizeGb` (grow only, advanced tier). Replaces: `name`, `region`, `type`, `bootable`,
 * `imageId`, `cloneFrom`. Set `cloneFrom` to another volume's id to create a clone of it.
 */
export class Volume extends BarrackResource {
  /**
   * A read-only reference to an existing volume, e.g. `Volume.get("data", "BRK-000001V")`: its outputs
   * are read from the API; `pulumi destroy` never deletes it.
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Volume {
    return new Volume(name, undefined as unknown as VolumeArgs, { ...opts, id });
  }

  declare readonly name: pulumi.Output<string>;
  declare readonly region: pulumi.Output<Region>;
  declare readonly type: pulumi.Output<VolumeType>;
  declare readonly sizeGb: pulumi.Output<number>;
  declare readonly bootable: pulumi.Output<boolean>;
  declare readonly imageId: pulumi.Output<string | undefined>;
  declare readonly cloneFrom: pulumi.Output<string | undefined>;
  /** The Barrack id (`BRK-……V`), also the resource's `id`. */
  declare readonly volumeId: pulumi.Output<string>;
  /** "legacy" or "advanced", from the region. */
  declare readonly tier: pulumi.Output<string>;
  /** The API's status, e.g. "available" or "in-use". */
  declare readonly status: pulumi.Output<string>;
  /** Id of the instance the volume is attached to, if any. */
  declare readonly attachedTo: pulumi.Output<string | undefined>;
  /** Estimated cost per hour while the volume exists, in `currency`. */
  declare readonly costPerHour: pulumi.Output<number | undefined>;
  declare readonly currency: pulumi.Output<string | undefined>;
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, "Volume", VOLUME_KEYS, name, args, opts);
  }
}
