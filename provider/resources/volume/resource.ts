import * as pulumi from "@pulumi/pulumi";
import { MODULE, ResourceArgs, resourceProps, withName } from "../shared/resource";
import { makeShim } from "../shared/shim";
import type { z } from "zod";
import { VOLUME_OUTPUT_KEYS, VolumeOutputs, volumeArgsSchema } from "./args";

/** Arguments of a {@link Volume}; `name` defaults to the resource name. */
export type VolumeArgs = ResourceArgs<z.input<typeof volumeArgsSchema>, "name">;

const provider = makeShim("Volume");

/**
 * A Barrack block-storage volume.
 *
 * In place: `sizeGb` (grow only, advanced tier). Replaces: `name`, `region`, `type`, `bootable`,
 * `imageId`, `cloneFrom`. Set `cloneFrom` to another volume's id to create a clone of it.
 */
export class Volume extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly region: pulumi.Output<VolumeOutputs["region"]>;
  declare readonly type: pulumi.Output<VolumeOutputs["type"]>;
  declare readonly sizeGb: pulumi.Output<number>;
  declare readonly bootable: pulumi.Output<boolean>;
  declare readonly imageId: pulumi.Output<string | undefined>;
  declare readonly cloneFrom: pulumi.Output<string | undefined>;
  /** The Barrack id (`BRK-……V`), also the resource's `id`. */
  declare readonly volumeId: pulumi.Output<string>;
  declare readonly tier: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  /** Id of the instance the volume is attached to, if any. */
  declare readonly attachedTo: pulumi.Output<string | undefined>;
  declare readonly costPerHour: pulumi.Output<number | undefined>;
  declare readonly currency: pulumi.Output<string | undefined>;
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, resourceProps(withName(name, args), volumeArgsSchema, VOLUME_OUTPUT_KEYS), opts, MODULE, "Volume");
  }
}
