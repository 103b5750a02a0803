import * as pulumi from "@pulumi/pulumi";
import type { Region } from "../../constants";
import { BarrackResource, Timeouts } from "../../dynamic/resource";
import { makeShim } from "../../dynamic/shim";
import { SNAPSHOT_KEYS } from "./keys";

/** The arguments of a {@link Snapshot}. Every change replaces the snapshot. */
export interface SnapshotArgs {
  /**
   * The Barrack name, unique within the account. Omitted: the resource name plus a suffix (e.g.
   * `nightly-1a2b3c4`) that stays the same for the life of the resource.
   */
  name?: pulumi.Input<string>;
  /** The ACTIVE legacy-tier (CANADA-1) instance to snapshot. */
  instanceId: pulumi.Input<string>;
  /** Free text. Default "". */
  description?: pulumi.Input<string>;
  /**
   * Id of an existing snapshot to adopt instead of creating one (e.g. "BRK-000123S"); see docs/importing.md.
   */
  importId?: pulumi.Input<string>;
  /** Deadlines; `create` defaults to "60m". */
  timeouts?: pulumi.Input<Timeouts>;
}

const provider = makeShim("Snapshot");

/**
 * A snapshot of an ACTIVE instance's disk. Snapshots exist only in the legacy tier (CANADA-1), which
 * preview cannot check (the region is the instance's): an advanced-tier instance fails at create.
 *
 * Nothing updates in place (the API has no snapshot update): a change to `name`, `instanceId` or
 * `description` replaces the snapshot. Creating one takes several minutes; `timeouts.create` defaults
 * to 60m.
 */
export class Snapshot extends BarrackResource {
  /**
   * A read-only reference to an existing snapshot, e.g. `Snapshot.get("nightly", "BRK-000001S")`: its
   * outputs are read from the API; `pulumi destroy` never deletes it.
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Snapshot {
    return new Snapshot(name, undefined as unknown as SnapshotArgs, { ...opts, id });
  }

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
    super(provider, "Snapshot", SNAPSHOT_KEYS, name, args, opts);
  }
}
