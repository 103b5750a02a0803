/**
 * The property names of an instance, without zod: the resource class registers them (an undeclared output
 * never appears on the resource object). tests/types/keys.test.ts checks them against args.ts.
 */
import type { ResourceKeys } from "../../dynamic/resource";

export const INSTANCE_KEYS = {
  /** Every input (the args schema's keys). */
  inputs: [
    "name", "region", "gpuModel", "gpuCount", "osImageId", "bootVolumeId", "imageId", "snapshotId", "sshKeyIds", "startupScriptId",
    "cloudInit", "publicIp", "securityRules", "volumeIds", "powerState", "allowStopForUpdate", "waitFor", "waitForStock", "fallbacks",
    "fallbackOrder", "importId", "timeouts",
  ],
  /** Outputs only the API sets. */
  outputs: ["instanceId", "status", "tier", "ipAddress", "connection", "flavor", "bootSource", "firewallIds", "costPerHour", "currency", "createdAt"],
} as const satisfies ResourceKeys;

/** The orders in which an instance's choices are tried: as listed (the primary first), or cheapest first. */
export const FALLBACK_ORDERS = ["listed", "cheapest"] as const;
