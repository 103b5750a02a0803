/**
 * The property names of an image, without zod: the resource class registers them (an undeclared output
 * never appears on the resource object). tests/types/keys.test.ts checks them against args.ts.
 */
import type { ResourceKeys } from "../../dynamic/resource";

export const IMAGE_KEYS = {
  /** Every input (the args schema's keys). */
  inputs: ["name", "snapshotId", "description", "importId", "timeouts"],
  /** Outputs only the API sets. */
  outputs: ["imageId", "region", "status", "createdAt"],
} as const satisfies ResourceKeys;
