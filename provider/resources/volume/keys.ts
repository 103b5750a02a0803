/**
 * The property names of a volume, without zod: the resource class registers them (an undeclared output
 * never appears on the resource object). tests/types/keys.test.ts checks them against args.ts.
 */
import type { ResourceKeys } from "../../dynamic/resource";

export const VOLUME_KEYS = {
  /** Every input (the args schema's keys). */
  inputs: ["name", "region", "type", "sizeGb", "bootable", "imageId", "cloneFrom", "importId", "timeouts"],
  /** Outputs only the API sets. */
  outputs: ["volumeId", "tier", "status", "attachedTo", "costPerHour", "currency", "createdAt"],
} as const satisfies ResourceKeys;
