import * as pulumi from "@pulumi/pulumi";
import type { Region } from "../../constants";
import { BarrackResource, Timeouts } from "../../dynamic/resource";
import { makeShim } from "../../dynamic/shim";
import { IMAGE_KEYS } from "./keys";

/** The arguments of an {@link Image}. Every change replaces the image. */
export interface ImageArgs {
  /**
   * The Barrack name, unique within the account. Omitted: the resource name plus a suffix (e.g.
   * `golden-1a2b3c4`) that stays the same for the life of the resource.
   */
  name?: pulumi.Input<string>;
  /** The snapshot (status SUCCESS) to make the image from. */
  snapshotId: pulumi.Input<string>;
  /** Free text. Default "". */
  description?: pulumi.Input<string>;
  /**
   * Id of an existing image to adopt instead of creating one (e.g. "BRK-000123I"); see docs/importing.md.
   */
  importId?: pulumi.Input<string>;
  /** Deadlines; `create` defaults to "60m". */
  timeouts?: pulumi.Input<Timeouts>;
}

const provider = makeShim("Image");

/**
 * A custom image made from a snapshot, in the snapshot's region; deploy instances from it with
 * its `imageId` there.
 *
 * Nothing updates in place (the API has no image update): a change to `name`, `snapshotId` or
 * `description` replaces the image. Creating one takes several minutes; `timeouts.create` defaults to 60m.
 */
export class Image extends BarrackResource {
  /**
   * A read-only reference to an existing image, e.g. `Image.get("golden", "BRK-000001I")`: its
   * outputs are read from the API; `pulumi destroy` never deletes it.
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Image {
    return new Image(name, undefined as unknown as ImageArgs, { ...opts, id });
  }

  declare readonly name: pulumi.Output<string>;
  declare readonly snapshotId: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  /** The Barrack id (`BRK-……I`), also the resource's `id`. */
  declare readonly imageId: pulumi.Output<string>;
  /** The snapshot's region: instances boot from the image only there. */
  declare readonly region: pulumi.Output<Region>;
  declare readonly status: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: ImageArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, "Image", IMAGE_KEYS, name, args, opts);
  }
}
