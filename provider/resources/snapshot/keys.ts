/**
 * The property names of a snapshot, without zod: the resource class registers them (an undeclared output
 * never appears on the resource object). tests/types/keys.test.ts checks them against args.ts.
 */
import type { ResourceKeys } from "../../dynamic/resource";

export const SNAPSHOT_KEYS = {
  /** Every input (the args schema's keys). */
  inputs: ["name", "instanceId", "description", "importId", "timeouts"],
  /** Outputs only the API sets. */
  outputs: ["snapshotId", "region", "sizeGb", "status", "createdAt"],
} as const satisfies ResourceKeys;
