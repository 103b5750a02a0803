/**
 * The property names of an instance, without zod: the resource class registers them (an undeclared output
 * never appears on the resource object). tests/types/keys.test.ts checks them against args.ts.
 */
import type { ResourceKeys } from "../../dynamic/resource";

export const INSTANCE_KEYS = {
  /** Every input (the args schema's keys). */
  inputs: [
    "name", "region", "gpuModel", "gpuCount", "osImageId", "bootVolumeId", "imageId", "snapshotId", "sshKeyIds", "startupScriptId",
    "cloudInit", "publicIp", "securityRules", "volumeIds", "powerState", "allowStopForUpdate", "waitFor", "waitForStock", "importId", "timeouts",
  ],
  /** Outputs only the API sets. */
  outputs: ["instanceId", "status", "tier", "ipAddress", "flavor", "bootSource", "firewallIds", "costPerHour", "currency", "createdAt"],
} as const satisfies ResourceKeys;
