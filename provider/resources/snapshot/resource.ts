import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { Region } from "../../contract";
import { MODULE, ResourceArgs, resourceProps, withName } from "../shared/resource";
import { makeShim } from "../shared/shim";
import { SNAPSHOT_OUTPUT_KEYS, snapshotArgsSchema } from "./args";

/** Arguments of a {@link Snapshot}; `name` defaults to the resource name. */
export type SnapshotArgs = ResourceArgs<z.input<typeof snapshotArgsSchema>, "name" | "description" | "timeouts">;

const provider = makeShim("Snapshot");

/**
 * A snapshot of an ACTIVE instance's disk. Snapshots exist only in the legacy tier (CANADA-1), which
 * preview cannot check (the region is the instance's): an advanced-tier instance fails at create.
 *
 * Nothing updates in place (the API has no snapshot update): a change to `name`, `instanceId` or
 * `description` replaces the snapshot. Creating one takes several minutes; `timeouts.create` defaults
 * to 60m.
 */
export class Snapshot extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly instanceId: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  /** The Barrack id (`BRK-……S`), also the resource's `id`. */
  declare readonly snapshotId: pulumi.Output<string>;
  /** The instance's region; the snapshot cannot move from it. */
  declare readonly region: pulumi.Output<Region>;
  declare readonly sizeGb: pulumi.Output<number>;
  declare readonly status: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: SnapshotArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, resourceProps(withName(name, args), snapshotArgsSchema, SNAPSHOT_OUTPUT_KEYS), opts, MODULE, "Snapshot");
  }
}
