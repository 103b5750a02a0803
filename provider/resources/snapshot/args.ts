/** Snapshot inputs and outputs. */
import { z } from "zod";
import { Region, Snapshot as WireSnapshot, idPattern } from "../../contract";
import { importIdSchema, timeoutsSchema } from "../../engine/crud";
import { descriptionSchema, nameSchema } from "../../engine/schema";

export const snapshotArgsSchema = z.strictObject({
  /** Unique within the account. Defaults to the Pulumi resource name. */
  name: nameSchema("snapshot"),
  /** The ACTIVE legacy-tier (CANADA-1) instance to snapshot. */
  instanceId: z.string().regex(idPattern("instance"), { error: "must be an instance id such as BRK-000123D" }),
  description: descriptionSchema,
  timeouts: timeoutsSchema,
  importId: importIdSchema,
});
export type SnapshotArgs = z.output<typeof snapshotArgsSchema>;

/** Outputs: the inputs as the API reports them, plus what the API computes. */
export interface SnapshotOutputs extends SnapshotArgs {
  /** The Barrack id (`BRK-……S`), also the resource's `id`. */
  snapshotId: string;
  /** The instance's region (snapshots cannot move between regions). */
  region: Region;
  sizeGb: number;
  status: string;
  createdAt: string;
}
export const SNAPSHOT_OUTPUT_KEYS = ["snapshotId", "region", "sizeGb", "status", "createdAt"] as const;

export function snapshotOutputs(args: SnapshotArgs, snapshot: WireSnapshot): SnapshotOutputs {
  return {
    ...args,
    name: snapshot.name,
    instanceId: snapshot.vm_id,
    description: snapshot.description,
    snapshotId: snapshot.snapshot_id,
    region: snapshot.region,
    sizeGb: snapshot.size_gb,
    status: snapshot.status,
    createdAt: snapshot.created_at,
  };
}
