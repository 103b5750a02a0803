import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { Region } from "../../contract";
import { MODULE, ResourceArgs, resourceProps, withName } from "../shared/resource";
import { makeShim } from "../shared/shim";
import { IMAGE_OUTPUT_KEYS, imageArgsSchema } from "./args";

/** Arguments of an {@link Image}; `name` defaults to the resource name. */
export type ImageArgs = ResourceArgs<z.input<typeof imageArgsSchema>, "name" | "description" | "timeouts">;

const provider = makeShim("Image");

/**
 * A custom image made from a snapshot, in the snapshot's region; deploy instances from it with
 * its `imageId` there.
 *
 * Nothing updates in place (the API has no image update): a change to `name`, `snapshotId` or
 * `description` replaces the image. Creating one takes several minutes; `timeouts.create` defaults to 60m.
 */
export class Image extends pulumi.dynamic.Resource {
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
    super(provider, name, resourceProps(withName(name, args), imageArgsSchema, IMAGE_OUTPUT_KEYS), opts, MODULE, "Image");
  }
}
