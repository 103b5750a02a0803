/**
 * `barrack sweep --prefix P [--yes]`: deletes every object whose name starts with P, of every type, in
 * dependency order: firewalls are detached and deleted, then instances (waiting until they are gone,
 * which releases their volumes, keys and scripts), images before their snapshots, clones before the
 * volumes they came from, then SSH keys and startup scripts. Without --yes it only prints the plan.
 *
 * Objects whose names do not start with P are never changed.
 */
import type { Command } from "commander";
import { isConflict, isNotFound, type BarrackClient } from "../client";
import type { Firewall, Image, Instance, Script, Snapshot, SshKey, Volume } from "../contract";
import { settledAll } from "./importer";
import { CliError, clientFrom, oneLine, withConnectionOptions, type ConnectionOptions, type Io } from "./options";

export type SweepKind = "firewall" | "instance" | "image" | "snapshot" | "volume" | "sshKey" | "startupScript";

const LABEL: Record<SweepKind, string> = {
  firewall: "Firewall",
  instance: "Instance",
  image: "Image",
  snapshot: "Snapshot",
  volume: "Volume",
  sshKey: "SshKey",
  startupScript: "StartupScript",
};

export interface SweepStep {
  action: "detach" | "delete";
  kind: SweepKind;
  id: string;
  name: string;
  /** For a detach: the instances the firewall is detached from. */
  from?: string[];
  /** Wait until the object is gone before the next step (something after it depends on it). */
  wait: boolean;
  /** The object was mid-transition when listed: a wrong-state 409 is retried until it settles. */
  settling?: boolean;
}

export interface SweepPlan {
  prefix: string;
  steps: SweepStep[];
  /** Deletes that will fail because an object outside the sweep uses the object. */
  warnings: string[];
}

interface Listed {
  firewalls: Firewall[];
  instances: Instance[];
  images: Image[];
  snapshots: Snapshot[];
  volumes: Volume[];
  sshKeys: SshKey[];
  scripts: Script[];
}

async function listEverything(client: BarrackClient): Promise<Listed> {
  const [firewalls, instances, images, snapshots, volumes, sshKeys, scripts] = await settledAll([
    client.listAll("listFirewalls", "firewalls"),
    client.listAll("listInstances", "vms"),
    client.listAll("listImages", "images"),
    client.listAll("listSnapshots", "snapshots"),
    client.listAll("listVolumes", "volumes"),
    client.listAll("listSshKeys", "ssh_keys"),
    client.listAll("listScripts", "scripts"),
  ]);
  return { firewalls, instances, images, snapshots, volumes, sshKeys, scripts };
}

/** What a sweep of `prefix` would do, in order (pure). */
export function planSweep(listed: Listed, prefix: string): SweepPlan {
  const hit = (name: string): boolean => name.startsWith(prefix);
  const STABLE = ["ACTIVE", "SHUTOFF", "HIBERNATED", "ERROR", "AVAILABLE", "IN-USE", "SUCCESS"];
  const settling = (status: string): boolean => !STABLE.includes(status.toUpperCase());
  const steps: SweepStep[] = [];
  const warnings: string[] = [];
  const byName = <T>(name: (t: T) => string) => (a: T, b: T): number => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);

  const firewalls = listed.firewalls.filter((f) => hit(f.name)).sort(byName((f) => f.name));
  for (const f of firewalls) {
    if (f.attachments.length > 0) {
      steps.push({ action: "detach", kind: "firewall", id: f.firewall_id, name: f.name, from: f.attachments.map((a) => a.vm_id), wait: false });
    }
    steps.push({ action: "delete", kind: "firewall", id: f.firewall_id, name: f.name, wait: false, settling: settling(f.status) });
  }
  const instances = listed.instances.filter((vm) => hit(vm.vm_name)).sort(byName((vm) => vm.vm_name));
  const sweptVms = new Set(instances.map((vm) => vm.vm_id));
  // Gone instances release their volumes, keys and scripts: wait for each.
  for (const vm of instances) steps.push({ action: "delete", kind: "instance", id: vm.vm_id, name: vm.vm_name, wait: true, settling: settling(vm.status) });
  const keptVms = listed.instances.filter((vm) => !sweptVms.has(vm.vm_id));

  const images = listed.images.filter((i) => hit(i.name)).sort(byName((i) => i.name));
  for (const i of images) {
    steps.push({ action: "delete", kind: "image", id: i.image_id, name: i.name, wait: true, settling: settling(i.status) });
    const users = keptVms.filter((vm) => vm.image_id === i.image_id).map((vm) => vm.vm_name);
    if (users.length) warnings.push(`Image ${i.name} boots instance(s) not swept: ${users.join(", ")}`);
  }
  const sweptImages = new Set(images.map((i) => i.image_id));
  for (const s of listed.snapshots.filter((x) => hit(x.name)).sort(byName((x) => x.name))) {
    steps.push({ action: "delete", kind: "snapshot", id: s.snapshot_id, name: s.name, wait: false, settling: settling(s.status) });
    const kept = listed.images.filter((i) => i.snapshot_id === s.snapshot_id && !sweptImages.has(i.image_id)).map((i) => i.name);
    if (kept.length) warnings.push(`Snapshot ${s.name} has image(s) not swept: ${kept.join(", ")}`);
  }
  const volumes = listed.volumes.filter((v) => hit(v.name));
  // Clones before the volumes they were cloned from.
  const depth = (v: Volume, seen = new Set<string>()): number => {
    const src = v.source_volume_id ? volumes.find((x) => x.volume_id === v.source_volume_id) : undefined;
    if (!src || seen.has(src.volume_id)) return 0;
    seen.add(src.volume_id);
    return 1 + depth(src, seen);
  };
  volumes.sort((a, b) => depth(b) - depth(a) || byName<Volume>((v) => v.name)(a, b));
  for (const v of volumes) {
    steps.push({ action: "delete", kind: "volume", id: v.volume_id, name: v.name, wait: volumes.some((x) => x.source_volume_id === v.volume_id),
      // A volume of a swept instance is released when the instance is gone.
      settling: settling(v.status) || (v.attached_to !== null && sweptVms.has(v.attached_to)) });
    if (v.attached_to && !sweptVms.has(v.attached_to)) warnings.push(`Volume ${v.name} is attached to instance ${v.attached_to}, which is not swept: its delete will fail`);
  }
  for (const k of listed.sshKeys.filter((x) => hit(x.name)).sort(byName((x) => x.name))) {
    steps.push({ action: "delete", kind: "sshKey", id: k.key_id, name: k.name, wait: false });
    const users = keptVms.filter((vm) => vm.ssh_key_ids.includes(k.key_id)).map((vm) => vm.vm_name);
    if (users.length) warnings.push(`SshKey ${k.name} is used by instance(s) not swept: ${users.join(", ")}: its delete will fail`);
  }
  for (const s of listed.scripts.filter((x) => hit(x.name)).sort(byName((x) => x.name))) {
    steps.push({ action: "delete", kind: "startupScript", id: s.script_id, name: s.name, wait: false });
  }
  return { prefix, steps, warnings };
}

// ---------------------------------------------------------------------------------------------------
// Running the plan
// ---------------------------------------------------------------------------------------------------

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One API call per step; 404 means already gone. */
async function apply(client: BarrackClient, step: SweepStep): Promise<void> {
  if (step.action === "detach") {
    await client.call("attachFirewall", { params: { firewall_id: step.id }, body: { vm_ids: [] } });
    return;
  }
  switch (step.kind) {
    case "firewall": await client.call("deleteFirewall", { params: { firewall_id: step.id } }); return;
    case "instance": await client.call("deleteInstance", { params: { vm_id: step.id } }); return;
    case "image": await client.call("deleteImage", { params: { image_id: step.id } }); return;
    case "snapshot": await client.call("deleteSnapshot", { params: { snapshot_id: step.id } }); return;
    case "volume": await client.call("deleteVolume", { params: { volume_id: step.id } }); return;
    case "sshKey": await client.call("deleteSshKey", { params: { key_id: step.id } }); return;
    case "startupScript": await client.call("deleteScript", { params: { script_id: step.id } }); return;
  }
}

/** True once the object no longer exists (404). */
async function gone(client: BarrackClient, step: SweepStep): Promise<boolean> {
  try {
    switch (step.kind) {
      case "firewall": await client.call("getFirewall", { params: { firewall_id: step.id } }); break;
      case "instance": await client.call("getInstance", { params: { vm_id: step.id } }); break;
      case "image": await client.call("getImage", { params: { image_id: step.id } }); break;
      case "snapshot": await client.call("getSnapshot", { params: { snapshot_id: step.id } }); break;
      case "volume": await client.call("getVolume", { params: { volume_id: step.id } }); break;
      case "sshKey": await client.call("getSshKey", { params: { key_id: step.id } }); break;
      case "startupScript": await client.call("getScript", { params: { script_id: step.id } }); break;
    }
    return false;
  } catch (e) {
    if (isNotFound(e)) return true;
    throw e;
  }
}

export interface SweepRunOptions {
  /** Give up on a step after this long. Default 30 minutes. */
  timeoutMs?: number;
  /** Longest pause between polls. Default 5000. */
  pollMaxMs?: number;
  onStep?: (step: SweepStep, outcome: { ok: boolean; error?: string; ms: number }) => void;
}

export interface SweepOutcome {
  done: SweepStep[];
  failed: { step: SweepStep; error: string }[];
}

/**
 * Runs the steps in order. A wrong-state 409 (e.g. an instance still building, a volume still being
 * detached) is retried until the deadline; a delete that others depend on is waited out. A step that
 * fails is reported and the sweep goes on (what depends on it will fail in turn, and say why).
 */
export async function runSweepPlan(client: BarrackClient, plan: SweepPlan, opts: SweepRunOptions = {}): Promise<SweepOutcome> {
  const timeoutMs = opts.timeoutMs ?? 30 * 60_000;
  const pollMax = opts.pollMaxMs ?? 5000;
  const outcome: SweepOutcome = { done: [], failed: [] };
  const pending: SweepStep[] = [];
  const waitGone = async (step: SweepStep, deadline: number): Promise<void> => {
    for (let delay = 100; !(await gone(client, step)); delay = Math.min(pollMax, delay * 2)) {
      if (Date.now() > deadline) throw new Error(`still not gone after ${Math.round(timeoutMs / 1000)}s`);
      await sleep(delay);
    }
  };
  for (const step of plan.steps) {
    const started = Date.now();
    const deadline = started + timeoutMs;
    try {
      for (let delay = 100; ; delay = Math.min(pollMax, delay * 2)) {
        try {
          await apply(client, step);
          break;
        } catch (e) {
          if (isNotFound(e)) break;
          if (!isConflict(e) || !step.settling || Date.now() > deadline) throw e;
          // A step that waits on an earlier delete (e.g. a volume its instance is still releasing).
          await sleep(delay);
        }
      }
      if (step.action === "delete") {
        if (step.wait) await waitGone(step, deadline);
        else pending.push(step);
      }
      outcome.done.push(step);
      opts.onStep?.(step, { ok: true, ms: Date.now() - started });
    } catch (e) {
      const error = oneLine(e, []);
      outcome.failed.push({ step, error });
      opts.onStep?.(step, { ok: false, error, ms: Date.now() - started });
    }
  }
  // Asynchronous deletes (volumes): report only once they are gone.
  for (const step of pending) {
    try {
      await waitGone(step, Date.now() + timeoutMs);
    } catch (e) {
      outcome.failed.push({ step, error: oneLine(e, []) });
    }
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------------

function stepLine(s: SweepStep): string {
  const what = `${LABEL[s.kind].padEnd(13)} ${s.id}  ${s.name}`;
  return s.action === "detach" ? `detach  ${what} (from ${s.from?.join(", ")})` : `delete  ${what}`;
}

interface SweepCliOptions extends ConnectionOptions {
  prefix?: string;
  yes?: boolean;
  timeout?: string;
}

export async function runSweep(opts: SweepCliOptions, io: Io): Promise<{ plan: SweepPlan; outcome?: SweepOutcome }> {
  const prefix = opts.prefix ?? "";
  if (prefix.trim() === "") throw new CliError("--prefix is required and must not be empty (it would match every object)");
  const timeoutMs = opts.timeout !== undefined ? Number(opts.timeout) * 1000 : undefined;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new CliError("--timeout must be a positive number of seconds");
  const client = clientFrom(opts, { note: (line) => io.err(line) });
  const plan = planSweep(await listEverything(client), prefix);
  const objects = new Set(plan.steps.map((s) => s.id)).size;
  if (objects === 0) {
    io.out(`barrack sweep: no object's name starts with ${JSON.stringify(prefix)}; nothing to delete\n`);
    return { plan };
  }
  for (const w of plan.warnings) io.err(`barrack sweep: warning: ${w}\n`);
  if (!opts.yes) {
    io.out(`barrack sweep: ${objects} object(s) whose name starts with ${JSON.stringify(prefix)} would be deleted, in this order:\n`);
    for (const s of plan.steps) io.out(`  ${stepLine(s)}\n`);
    io.out("Dry run: nothing was changed. Run again with --yes to delete them.\n");
    return { plan };
  }
  io.out(`barrack sweep: deleting ${objects} object(s) whose name starts with ${JSON.stringify(prefix)}\n`);
  const outcome = await runSweepPlan(client, plan, {
    timeoutMs,
    onStep: (s, o) => io.out(`  ${o.ok ? (s.action === "detach" ? "detached" : "deleted ") : "FAILED  "} ${stepLine(s).slice(8)}${o.ok ? ` (${(o.ms / 1000).toFixed(1)}s)` : `: ${o.error}`}\n`),
  });
  const failedObjects = new Set(outcome.failed.map((f) => f.step.id)).size;
  if (failedObjects > 0) {
    const first = outcome.failed[0]!;
    throw new CliError(`${failedObjects} of ${objects} object(s) were not deleted; first: ${LABEL[first.step.kind]} ${first.step.name}: ${first.error}`);
  }
  io.out(`barrack sweep: deleted ${objects} object(s)\n`);
  return { plan, outcome };
}

export function registerSweep(program: Command, io: Io, run: (action: () => Promise<unknown>, opts: ConnectionOptions) => Promise<void>): void {
  withConnectionOptions(
    program
      .command("sweep")
      .description("delete every object whose name starts with a prefix, in dependency order (dry run without --yes)")
      .requiredOption("--prefix <prefix>", "name prefix, e.g. ci-")
      .option("--yes", "really delete (without it: print what would be deleted)")
      .option("--timeout <seconds>", "give up on one object after this long (default 1800)"),
  ).action(async (opts: SweepCliOptions) => run(() => runSweep(opts, io), opts));
}
