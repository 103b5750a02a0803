/**
 * The property names of a startup script, without zod: the resource class registers them (an undeclared output
 * never appears on the resource object). tests/types/keys.test.ts checks them against args.ts.
 */
import type { ResourceKeys } from "../../dynamic/resource";

export const STARTUP_SCRIPT_KEYS = {
  /** Every input (the args schema's keys). */
  inputs: ["name", "content", "description", "importId", "timeouts"],
  /** Outputs only the API sets. */
  outputs: ["scriptId", "createdAt", "updatedAt"],
} as const satisfies ResourceKeys;
