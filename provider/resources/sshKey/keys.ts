/**
 * The property names of an SSH key, without zod: the resource class registers them (an undeclared output
 * never appears on the resource object). tests/types/keys.test.ts checks them against args.ts.
 */
import type { ResourceKeys } from "../../dynamic/resource";

export const SSH_KEY_KEYS = {
  /** Every input (the args schema's keys). */
  inputs: ["name", "publicKey", "importId", "timeouts"],
  /** Outputs only the API sets. */
  outputs: ["keyId", "fingerprint", "privateKey", "generated", "createdAt"],
} as const satisfies ResourceKeys;
