/** Instance inputs and outputs. */
import { z } from "zod";
import { Region, Tier, Instance as WireInstance, sameStatus } from "../../contract";
import type { BarrackClient } from "../../client";
import { GPU_COUNTS, GPU_MODELS, SCRIPT_MAX_BYTES, TIER_CAPABILITIES, capabilitiesOf, regionsWhere, tierOf } from "../../platform";
import { CheckFailure, importIdSchema, timeoutsSchema } from "../../engine/crud";
import { RuleArgs, nameSchema, regionSchema, ruleArgsSchema, ruleFromWire, ruleKey } from "../../engine/schema";
import { hourlyCost, isUnknown, parseDuration, sameValue } from "../../engine/values";
import { FALLBACK_ORDERS } from "./keys";
import { PlacementKey, acceptedPlacement, choiceInput, choicesOf, describeChoice, everyChoiceKept, samePlacement } from "./choices";

import { POWER_STATES } from "../../constants";
export { POWER_STATES };
export type PowerState = (typeof POWER_STATES)[number];

/** The inputs naming where the instance boots from; exactly one is set. */
export const BOOT_SOURCE_KEYS = ["osImageId", "bootVolumeId", "imageId", "snapshotId"] as const;
export type BootSourceKey = (typeof BOOT_SOURCE_KEYS)[number];

/** Inputs a snapshot restore takes from the snapshot's instance: optional with `snapshotId`, reported as restored. */
export const SNAPSHOT_INHERITED_KEYS = ["gpuModel", "gpuCount", "sshKeyIds"] as const;

const idSchema = z.string({ error: "must be an id string" }).min(1, { error: "must not be empty" });
const gpuModelSchema = z.string({ error: "must be a GPU model name such as H100-SXM5-80GB" }).min(1, { error: "must not be empty" });
const gpuCountSchema = z
  .number({ error: `must be one of ${GPU_COUNTS.join(", ")}` })
  .int({ error: `must be one of ${GPU_COUNTS.join(", ")} GPUs` })
  .refine((n) => (GPU_COUNTS as readonly number[]).includes(n), { error: `must be one of ${GPU_COUNTS.join(", ")} GPUs` });
const cloudInitSchema = z
  .string({ error: "must be a string (a cloud-config or shell script)" })
  .refine((text) => Buffer.byteLength(text, "utf8") <= SCRIPT_MAX_BYTES, {
    error: (issue) => `must be at most ${SCRIPT_MAX_BYTES} bytes (16 KB) of UTF-8, not ${Buffer.byteLength(String(issue.input), "utf8")}`,
  });

/** A duration such as "20m", checked as `timeouts` are. */
const durationSchema = z
  .string({ error: 'must be a duration such as "90s", "20m" or "1h30m"' })
  .refine((text) => {
    try {
      parseDuration(text);
      return true;
    } catch {
      return false;
    }
  }, { error: (issue) => `must be a duration such as "90s", "20m" or "1h30m", not "${String(issue.input)}"` });

/** One more placement an instance accepts; what it leaves out is the primary's. */
const fallbackSchema = z
  .strictObject({
    region: regionSchema.optional(),
    gpuModel: gpuModelSchema.optional(),
    gpuCount: gpuCountSchema.optional(),
  }, { error: (issue) => (issue.code === "invalid_type" ? 'must be a choice such as { region: "FINLAND-2" } or { gpuModel: "H100-PCIe-NVLink-80GB", region: "CANADA-1" }' : undefined) })
  .refine((f) => f.region !== undefined || f.gpuModel !== undefined || f.gpuCount !== undefined, { error: "must set at least one of region, gpuModel, gpuCount" });

export const instanceArgsSchema = z.strictObject({
  /** Unique within the account. Defaults to the Pulumi resource name. */
  name: nameSchema("instance"),
  region: regionSchema,
  /** E.g. "H100-SXM5-80GB" (see getGpuStock()). Optional with `snapshotId`, which inherits it. */
  gpuModel: gpuModelSchema.optional(),
  /** Optional with `snapshotId`, which inherits it. */
  gpuCount: gpuCountSchema.optional(),
  /** Boot from an OS image (see getOsImages()). */
  osImageId: idSchema.optional(),
  /** Boot from a bootable volume (CANADA-1); it stays attached for the instance's life. */
  bootVolumeId: idSchema.optional(),
  /** Boot from a custom image in the same region. */
  imageId: idSchema.optional(),
  /** Restore a snapshot into this (new) instance; GPU model/count and SSH keys come from the snapshot's instance. */
  snapshotId: idSchema.optional(),
  /** At least one, unless restoring a snapshot (which inherits them). */
  sshKeyIds: z.array(idSchema, { error: "must be a list of SSH key ids" }).optional(),
  startupScriptId: idSchema.optional(),
  /** Cloud-init user data, at most 16 KB. */
  cloudInit: cloudInitSchema.optional(),
  publicIp: z.boolean({ error: "must be true or false" }).default(true),
  /** The instance's complete set of security rules. */
  securityRules: z.array(ruleArgsSchema, { error: "must be a list of rules" }).default([]),
  /** Data volumes to attach (the complete set). Attaching and detaching needs the instance stopped. */
  volumeIds: z.array(idSchema, { error: "must be a list of volume ids" }).default([]),
  powerState: z.enum(POWER_STATES, { error: `must be one of ${POWER_STATES.join(", ")}` }).default("running"),
  /** Lets an update stop the instance (and start it again) when a change needs it stopped. */
  allowStopForUpdate: z.boolean({ error: "must be true or false" }).default(false),
  timeouts: timeoutsSchema,
  /** The id of an existing object to adopt instead of creating one. */
  importId: importIdSchema,
  /**
   * Readiness beyond ACTIVE: with `ssh: true`, create (and any update of a running instance) returns only
   * once TCP port 22 of the public IP answers with an SSH banner, waiting up to `timeout` (default "10m",
   * never past the operation's deadline). Never causes a diff.
   */
  waitFor: z
    .strictObject({
      ssh: z.boolean({ error: "must be true or false" }).optional(),
      timeout: durationSchema.optional(),
    }, { error: 'must be an object such as { ssh: true, timeout: "10m" }' })
    .optional(),
  /** Out of stock at create time: wait up to this long (e.g. "20m", within timeouts.create) instead of failing. Never causes a diff. */
  waitForStock: durationSchema.optional(),
  /**
   * More acceptable placements after the primary (region, gpuModel, gpuCount), each taking the primary's
   * value for what it leaves out. Create takes the first in stock; never causes a diff by itself.
   */
  fallbacks: z.array(fallbackSchema, { error: 'must be a list of choices such as [{ region: "FINLAND-2" }]' }).optional(),
  /** The order create tries the choices in: "listed" (default) or "cheapest" first. Never causes a diff. */
  fallbackOrder: z.enum(FALLBACK_ORDERS, { error: `must be one of ${FALLBACK_ORDERS.join(", ")}` }).optional(),
});
export type InstanceArgs = z.output<typeof instanceArgsSchema>;

/** Inputs that change the running instance in place; every other input (but the noDiff ones) replaces it. */
export const INSTANCE_UPDATABLE = ["publicIp", "securityRules", "volumeIds", "powerState"] as const;
/**
 * Inputs that never cause a diff: deadlines, opt-in flags, and the choices beyond where the instance runs
 * (a change that drops that placement shows as its region, gpuModel or gpuCount: see `acceptedPlacement`).
 */
export const INSTANCE_NO_DIFF = ["timeouts", "allowStopForUpdate", "waitFor", "waitForStock", "fallbacks", "fallbackOrder", "importId"] as const;

export interface InstanceFlavor {
  vcpus: number;
  ramGb: number;
  diskGb: number;
}

/** How to reach the instance over SSH, shaped like `@pulumi/command`'s `remote.ConnectionArgs`. */
export interface InstanceConnection {
  host: string;
  port: number;
  user: string;
}

/** The default user of Barrack's Ubuntu images (barrack-api.md §2.8). */
const SSH_USER = "ubuntu";
const SSH_PORT = 22;

/** Outputs: the inputs as the API reports them, plus what the API computes. */
export interface InstanceOutputs extends Omit<InstanceArgs, (typeof SNAPSHOT_INHERITED_KEYS)[number]> {
  gpuModel: string;
  gpuCount: number;
  sshKeyIds: string[];
  /** The Barrack id (`BRK-……D`), also the resource's `id`. */
  instanceId: string;
  /** The API's status, e.g. ACTIVE, SHUTOFF, HIBERNATED. */
  status: string;
  tier: string;
  ipAddress?: string;
  /** Absent without a public IP address. */
  connection?: InstanceConnection;
  flavor: InstanceFlavor;
  bootSource: WireInstance["boot_source"];
  /** Firewalls attached to the instance (the Firewall resource owns attachments). */
  firewallIds: string[];
  /** Cost per hour at the current rate, in `currency`. */
  costPerHour?: number;
  currency: string;
  createdAt: string;
}

/** Every output key, so each appears on the resource object even when its input was left out. */
export const INSTANCE_OUTPUT_KEYS = [
  "name", "region", "gpuModel", "gpuCount", "osImageId", "bootVolumeId", "imageId", "snapshotId", "sshKeyIds",
  "startupScriptId", "cloudInit", "publicIp", "securityRules", "volumeIds", "powerState", "allowStopForUpdate", "timeouts",
  "waitFor", "waitForStock", "fallbacks", "fallbackOrder",
  "instanceId", "status", "tier", "ipAddress", "connection", "flavor", "bootSource", "firewallIds", "costPerHour", "currency", "createdAt",
] as const satisfies readonly (keyof InstanceOutputs)[];

const STABLE_POWER: Record<string, PowerState> = { ACTIVE: "running", SHUTOFF: "stopped", HIBERNATED: "hibernated" };
/** Where a transitional status is heading, so a refresh mid-transition does not show a false drift. */
const HEADING_POWER: Record<string, PowerState> = {
  CREATING: "running", BUILD: "running", STARTING: "running", RESTORING: "running", REBOOTING: "running",
  STOPPING: "stopped", HIBERNATING: "hibernated",
};

/** The power state of a settled status (ACTIVE, SHUTOFF, HIBERNATED), else undefined. */
export function stablePowerState(status: string): PowerState | undefined {
  return STABLE_POWER[status.toUpperCase()];
}

/** The power state a status is or is heading to; undefined for ERROR and DELETING. */
export function powerStateOf(status: string): PowerState | undefined {
  return stablePowerState(status) ?? HEADING_POWER[status.toUpperCase()];
}

/** Attached data volumes: the bootable volume a legacy instance boots from is the boot source, not a data volume. */
export function dataVolumeIds(vm: WireInstance): string[] {
  return vm.volume_ids.filter((id) => id !== vm.boot_volume_id);
}

/** The boot-source inputs as the API reports them: only the field matching `boot_source`. */
function bootSourceInputs(vm: WireInstance): Pick<InstanceArgs, BootSourceKey> {
  const pick = (kind: WireInstance["boot_source"], value: string | null) => (vm.boot_source === kind ? (value ?? undefined) : undefined);
  return {
    osImageId: pick("os_image", vm.os_image_id),
    bootVolumeId: pick("volume", vm.boot_volume_id),
    imageId: pick("image", vm.image_id),
    snapshotId: pick("snapshot", vm.source_snapshot_id),
  };
}

export function instanceOutputs(args: InstanceArgs, vm: WireInstance): InstanceOutputs {
  return {
    ...args,
    name: vm.vm_name,
    region: vm.region,
    gpuModel: vm.gpu_model,
    gpuCount: vm.gpu_count,
    ...bootSourceInputs(vm),
    sshKeyIds: vm.ssh_key_ids,
    startupScriptId: vm.startup_script_id ?? undefined,
    publicIp: vm.public_ip,
    securityRules: vm.security_rules.map(ruleFromWire),
    volumeIds: dataVolumeIds(vm),
    // ERROR/DELETING say nothing about power: keep the input rather than invent a drift.
    powerState: powerStateOf(vm.status) ?? args.powerState,
    instanceId: vm.vm_id,
    status: vm.status,
    tier: vm.tier,
    ipAddress: vm.ip_address ?? undefined,
    connection: vm.ip_address ? { host: vm.ip_address, port: SSH_PORT, user: SSH_USER } : undefined,
    flavor: { vcpus: vm.flavor.vcpus, ramGb: vm.flavor.ram_gb, diskGb: vm.flavor.disk_gb },
    bootSource: vm.boot_source,
    firewallIds: vm.firewall_ids,
    costPerHour: hourlyCost(vm.per_minute_rate),
    currency: vm.currency,
    createdAt: vm.created_at,
  };
}

/** Whether the instance is in ERROR (compared case-insensitively, as every status). */
export function isFailed(vm: WireInstance): boolean {
  return sameStatus(vm.status, "ERROR");
}

/** The message for a volume change that needs a stop the user has not allowed. */
export function stopNeededMessage(detail: string): string {
  return `${detail}: attaching or detaching volumes needs the instance stopped (SHUTOFF). ` +
    'Set allowStopForUpdate: true to let the update stop it and start it again, or set powerState: "stopped"';
}

/** A GPU model as preview checks it: the tier that sells it (so its regions) and the most GPUs per instance. */
interface GpuFacts {
  tier: Tier;
  maxCount: number;
}

/** One placement to check: a region, and the GPUs (absent ones are a snapshot restore's to inherit). */
type GpuPlacement = { region: Region; gpuModel?: string; gpuCount?: number };

/**
 * The GPU rules: a model on sale, in a region of its tier, with at most its maximum GPU count. The static
 * catalogue (platform.ts) answers first; a model it lacks is looked up in the live catalogue (read-only)
 * when credentials are set, and trusted if listed there. Failures name `gpuModel` or `gpuCount`.
 */
export async function validateGpu(news: GpuPlacement, lookup: () => BarrackClient | undefined): Promise<CheckFailure[]> {
  if (news.gpuModel === undefined) return [];
  let facts: GpuFacts | undefined = GPU_MODELS[news.gpuModel];
  let known = Object.keys(GPU_MODELS);
  const client = facts === undefined ? lookup() : undefined;
  if (client !== undefined) {
    try {
      const { specs } = await client.call("listGpuSpecs");
      known = [...new Set([...known, ...specs.map((s) => s.gpu_model)])];
      const live = specs.find((s) => s.gpu_model === news.gpuModel);
      if (live) facts = { tier: live.tier, maxCount: live.max_count };
    } catch {
      // The live catalogue is a second opinion: without it the static one decides.
    }
  }
  if (facts === undefined) {
    return [{ property: "gpuModel", reason: `unknown GPU model "${news.gpuModel}": use one of ${known.sort().join(", ")} (see getGpuSpecs())` }];
  }
  const failures: CheckFailure[] = [];
  if (tierOf(news.region) !== facts.tier) {
    failures.push({ property: "gpuModel", reason: `${news.gpuModel} is sold in the ${facts.tier} tier (${regionsWhere((c) => c === TIER_CAPABILITIES[facts!.tier]).join(", ")}), not in ${news.region}` });
  }
  if (news.gpuCount !== undefined && news.gpuCount > facts.maxCount) {
    failures.push({ property: "gpuCount", reason: `${news.gpuModel} takes at most ${facts.maxCount} GPUs per instance, not ${news.gpuCount}` });
  }
  return failures;
}

/** The GPU rules for every choice (the primary's included), each failure naming the input that states it. */
export async function validateChoices(news: InstanceArgs, lookup: () => BarrackClient | undefined): Promise<CheckFailure[]> {
  const choices = choicesOf(news);
  // A snapshot restore has no choices (validateInstance refuses fallbacks): only what it states itself.
  if (choices === undefined) return validateGpu(news, lookup);
  const failures: CheckFailure[] = [];
  for (const choice of choices) {
    const earlier = choices.find((c) => c.position < choice.position && samePlacement(c, choice));
    if (earlier !== undefined) {
      failures.push({ property: `fallbacks.${choice.position - 1}`, reason: `repeats ${earlier.position === 0 ? "the primary choice" : `fallbacks.${earlier.position - 1}`} (${describeChoice(choice)}); each choice must be distinct` });
    }
  }
  for (const choice of choices) {
    for (const failure of await validateGpu({ ...choice, region: choice.region as Region }, lookup)) {
      failures.push({ property: choiceInput(news, choice.position, failure.property as PlacementKey), reason: failure.reason });
    }
  }
  return failures;
}

/** The regions an instance may be placed in, with the input naming each (the primary's first). */
function placements(news: InstanceArgs): { region: Region; position: number }[] {
  return (choicesOf(news) ?? [{ region: news.region, position: 0 }]).map((c) => ({ region: c.region as Region, position: c.position }));
}

/** Preview-time rules zod can't express: boot source, snapshot restores, tier capabilities, choices, disruptive updates. */
export function validateInstance(news: InstanceArgs, olds: Partial<InstanceArgs> | undefined): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const bootSources = BOOT_SOURCE_KEYS.filter((k) => news[k] !== undefined);
  if (bootSources.length === 0) {
    failures.push({
      property: "osImageId",
      reason: "set exactly one boot source: osImageId (an OS image), bootVolumeId (a bootable volume, CANADA-1), imageId (a custom image) or snapshotId (restore a snapshot)",
    });
  } else if (bootSources.length > 1) {
    failures.push({ property: bootSources[1], reason: `set exactly one boot source, not ${bootSources.join(" and ")}` });
  }

  for (const { region, position } of placements(news)) {
    if (news.bootVolumeId !== undefined && !capabilitiesOf(region).bootableVolumes) {
      failures.push({ property: position === 0 ? "bootVolumeId" : choiceInput(news, position, "region"), reason: `bootable volumes exist only in ${regionsWhere((c) => c.bootableVolumes).join(", ")}, not ${region}` });
    }
  }
  if (news.bootVolumeId !== undefined && news.volumeIds.includes(news.bootVolumeId)) {
    failures.push({ property: "volumeIds", reason: `${news.bootVolumeId} is the boot volume (bootVolumeId); list only data volumes here` });
  }

  if (news.snapshotId !== undefined) {
    if (!capabilitiesOf(news.region).snapshots) {
      failures.push({ property: "snapshotId", reason: `snapshots exist only in ${regionsWhere((c) => c.snapshots).join(", ")}, not ${news.region}` });
    }
    // A restore call carries only the new instance's name: these could never be applied.
    for (const key of ["startupScriptId", "cloudInit"] as const) {
      if (news[key] !== undefined) failures.push({ property: key, reason: `a snapshot restore keeps the snapshot's disk and cannot take ${key}; remove it or boot from an image instead` });
    }
    if (news.fallbacks !== undefined && news.fallbacks.length > 0) {
      failures.push({ property: "fallbacks", reason: "a snapshot restore keeps its snapshot's region, GPU model and count, so it has no other choices: remove fallbacks" });
    }
  } else {
    if (news.gpuModel === undefined) failures.push({ property: "gpuModel", reason: "is required (a GPU model such as H100-SXM5-80GB; see getGpuStock())" });
    if (news.gpuCount === undefined) failures.push({ property: "gpuCount", reason: `is required: one of ${GPU_COUNTS.join(", ")}` });
    if (news.sshKeyIds === undefined || news.sshKeyIds.length === 0) {
      failures.push({ property: "sshKeyIds", reason: "needs at least one SSH key id (only a snapshot restore inherits its keys)" });
    }
  }

  const duplicateVolume = news.volumeIds.find((id, i) => news.volumeIds.indexOf(id) !== i);
  if (duplicateVolume !== undefined) failures.push({ property: "volumeIds", reason: `lists ${duplicateVolume} twice` });
  const ruleKeys = news.securityRules.map((rule: RuleArgs) => ruleKey(rule));
  const duplicateRule = ruleKeys.findIndex((key, i) => ruleKeys.indexOf(key) !== i);
  if (duplicateRule >= 0) failures.push({ property: `securityRules.${duplicateRule}`, reason: "repeats an earlier rule; each rule must be distinct" });

  // An in-place volume change on an instance that stays up would need an unrequested stop. Old inputs do
  // not say which choice it runs on: refuse only when it stays whichever that is.
  const surelyStays = olds !== undefined && everyChoiceKept(olds, news) && !replacesInstance(olds, news, "inputs");
  if (surelyStays && !sameValue(olds.volumeIds ?? [], news.volumeIds)) {
    const staysUp = (olds.powerState ?? "running") !== "stopped" && news.powerState !== "stopped";
    if (staysUp && !news.allowStopForUpdate) {
      failures.push({ property: "volumeIds", reason: stopNeededMessage("volumeIds changed") });
    }
  }
  return failures;
}

/**
 * Volumes and a boot volume tie an instance to their one region, whatever their ids: with any of them,
 * choices in other regions than the first choice's cannot all be right. Checked at preview while the ids
 * are still unknown (volumes made in the same plan), which validateRegionalTies cannot look up.
 */
export function validateTiedRegion(raw: Record<string, unknown>): CheckFailure[] {
  const tie = Array.isArray(raw.volumeIds) && raw.volumeIds.length > 0 ? "volumes (volumeIds)" : raw.bootVolumeId !== undefined ? "a boot volume (bootVolumeId)" : undefined;
  const primary = raw.region;
  if (tie === undefined || typeof primary !== "string" || isUnknown(primary) || !Array.isArray(raw.fallbacks)) return [];
  return raw.fallbacks.flatMap((choice: unknown, i) => {
    const region = (choice as { region?: unknown } | null)?.region;
    if (typeof region !== "string" || isUnknown(region) || region === primary) return [];
    return [{ property: `fallbacks.${i}.region`, reason: `an instance with ${tie} runs in its volumes' region only, so it cannot have choices in both ${primary} and ${region}: keep every choice in ${primary}` }];
  });
}

/** An object the instance must share a region with, the regions that allows, and why. */
interface RegionalTie {
  what: string;
  regions: readonly string[];
  why: string;
}

/**
 * Every choice's region against what the instance is tied to: its volumes, boot volume and custom image
 * (each in one region) and its OS image (offered in some). Read-only lookups, only with credentials; an
 * object not found, or a lookup that fails, is left to the deploy, which has the last word.
 */
export async function validateRegionalTies(news: InstanceArgs, lookup: () => BarrackClient | undefined): Promise<CheckFailure[]> {
  const client = lookup();
  if (client === undefined) return [];
  const quietly = <T>(call: Promise<T>) => call.catch(() => undefined);
  const volume = async (id: string, input: string): Promise<RegionalTie | undefined> => {
    const found = await quietly(client.call("getVolume", { params: { volume_id: id } }));
    return found && { what: `volume ${id} (${input})`, regions: [found.volume.region], why: "an instance uses volumes of its own region only" };
  };
  const ties = await Promise.all([
    ...news.volumeIds.map((id) => volume(id, "volumeIds")),
    news.bootVolumeId === undefined ? undefined : volume(news.bootVolumeId, "bootVolumeId"),
    news.imageId === undefined ? undefined : quietly(client.call("getImage", { params: { image_id: news.imageId } })).then((found) =>
      found && { what: `image ${news.imageId} (imageId)`, regions: [found.image.region], why: "a custom image boots instances in its own region only" }),
    news.osImageId === undefined ? undefined : quietly(client.call("listOsImages")).then((found) => {
      const regions = found?.images.filter((i) => i.id === news.osImageId).map((i) => i.region) ?? [];
      return regions.length === 0 ? undefined : { what: `OS image ${news.osImageId} (osImageId)`, regions, why: "it is offered in those regions only" };
    }),
  ]);
  const failures: CheckFailure[] = [];
  for (const { region, position } of placements(news)) {
    for (const tie of ties) {
      if (tie === undefined || tie.regions.includes(region)) continue;
      failures.push({ property: choiceInput(news, position, "region"), reason: `${tie.what} is in ${tie.regions.join(", ")}, not ${region}: ${tie.why}` });
    }
  }
  return failures;
}

/**
 * True when a replace-only input differs, i.e. the update would make a new instance anyway. A placement
 * that is still one of the choices is no difference (`oldsAre`: see `acceptedPlacement`).
 */
export function replacesInstance(olds: Partial<InstanceArgs>, news: InstanceArgs, oldsAre: "object" | "inputs"): boolean {
  const inPlace: readonly string[] = [...INSTANCE_UPDATABLE, ...INSTANCE_NO_DIFF];
  const comparable = acceptedPlacement(olds, news, oldsAre) as Partial<InstanceArgs>;
  return (Object.keys(instanceArgsSchema.shape) as (keyof InstanceArgs)[])
    .filter((k) => !inPlace.includes(k))
    .some((k) => !sameValue(comparable[k], news[k]));
}
