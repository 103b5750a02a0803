/**
 * The property names of a firewall, without zod: the resource class registers them (an undeclared output
 * never appears on the resource object). tests/types/keys.test.ts checks them against args.ts.
 */
import type { ResourceKeys } from "../../dynamic/resource";

export const FIREWALL_KEYS = {
  /** Every input (the args schema's keys). */
  inputs: ["name", "region", "description", "rules", "instanceIds", "importId", "timeouts"],
  /** Outputs only the API sets. */
  outputs: ["firewallId", "status", "createdAt", "ruleIds"],
} as const satisfies ResourceKeys;
