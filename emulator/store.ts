/**
 * Emulator state: objects, balance, GPU stock, billing records, a simulated clock, lazy transitions and
 * persistence.
 *
 * Transitions are lazy: an object stores its pending steps as (target status, due time) and `tick()`
 * applies every due step, in time order, at the start of each request. There are no timers, so the
 * time scale, persistence and restarts need no special care: the state plus the clock say everything.
 * Billing accrues in the same pass, piecewise between transitions, on simulated time.
 */
import { existsSync, readFileSync } from "node:fs";
import { randomBytes, randomInt } from "node:crypto";
import writeFileAtomic from "write-file-atomic";
import {
  ID_LETTERS,
  idPattern,
  type Balance,
  type Currency,
  type Firewall,
  type IdKind,
  type Image,
  type Instance,
  type Region,
  type Rule,
  type Script,
  type Snapshot,
  type SshKey,
  type Volume,
  type VolumeType,
} from "../provider/contract";
import { MINIMUM_BALANCE, tierOf } from "../provider/platform";
import {
  HIBERNATED_HOURLY,
  SNAPSHOT_FIXED_SIZE_GB,
  SNAPSHOT_PRICES,
  VOLUME_PRICES,
  defaultGpuStock,
  gpuModel,
} from "./catalog";
import { ApiError, conflict, notFound } from "./errors";

// ---------------------------------------------------------------------------------------------------
// Delays
// ---------------------------------------------------------------------------------------------------

/** Durations of the asynchronous steps, in seconds of simulated time (scaled by `timeScale`). */
export interface Delays {
  instanceCreating: number; // deploy: CREATING → BUILD
  instanceBuild: number; // deploy: BUILD → ACTIVE
  instanceStop: number; // STOPPING → SHUTOFF
  instanceStart: number; // STARTING → ACTIVE
  instanceReboot: number; // REBOOTING → ACTIVE
  instanceHibernate: number; // HIBERNATING → HIBERNATED
  instanceRestore: number; // RESTORING → ACTIVE
  instanceDelete: number; // DELETING → gone
  snapshotRestoreCreating: number; // restored instance: CREATING → BUILD
  snapshotRestoreBuild: number; // restored instance: BUILD → ACTIVE
  volumeCreate: number; // creating → available
  volumeResize: number; // resizing → available
  volumeClone: number; // clone: creating → available
  volumeDelete: number; // deleting → gone
  firewallCreate: number; // CREATING → SUCCESS
  firewallAttach: number; // attachment ATTACHING → SUCCESS
  snapshotCreate: number; // CREATING → SUCCESS
  imageCreate: number; // CREATING → SUCCESS
}

/** Defaults: deploy ~60 s (CONFIRMED order of magnitude), volume ~30 s (DOC-VOL), snapshots/images "several minutes" (REPO). */
export const DEFAULT_DELAYS: Delays = {
  instanceCreating: 20,
  instanceBuild: 40,
  instanceStop: 15,
  instanceStart: 20,
  instanceReboot: 30,
  instanceHibernate: 30,
  instanceRestore: 40,
  instanceDelete: 10,
  snapshotRestoreCreating: 30,
  snapshotRestoreBuild: 60,
  volumeCreate: 30,
  volumeResize: 20,
  volumeClone: 45,
  volumeDelete: 5,
  firewallCreate: 5,
  firewallAttach: 10,
  snapshotCreate: 240,
  imageCreate: 180,
};

// ---------------------------------------------------------------------------------------------------
// Clock: simulated ms = wall-clock start + real elapsed / timeScale
// ---------------------------------------------------------------------------------------------------

export class Clock {
  private simBase: number;
  private wallBase: number;
  constructor(private scale: number, simStart: number = Date.now()) {
    this.simBase = simStart;
    this.wallBase = Date.now();
  }
  now(): number {
    return this.simBase + (Date.now() - this.wallBase) / this.scale;
  }
  get timeScale(): number {
    return this.scale;
  }
  setTimeScale(scale: number): void {
    this.simBase = this.now();
    this.wallBase = Date.now();
    this.scale = scale;
  }
  /** Continues from a saved reading, as if the emulator had kept running while it was down. */
  resume(savedSim: number, savedWall: number): void {
    this.simBase = savedSim + Math.max(0, Date.now() - savedWall) / this.scale;
    this.wallBase = Date.now();
  }
}

// ---------------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------------

/** A due step; `GONE` removes the object. */
export interface Pending {
  status: string;
  at: number;
}
export const GONE = "__gone";

interface Tracked {
  status: string;
  pending: Pending[];
}

export type Flavor = Instance["flavor"];

export interface InstanceRec extends Tracked {
  vm_id: string;
  vm_name: string;
  region: Region;
  gpu_model: string;
  gpu_count: number;
  flavor: Flavor;
  boot_source: Instance["boot_source"];
  os_image_id: string | null;
  boot_volume_id: string | null;
  image_id: string | null;
  source_snapshot_id: string | null;
  ssh_key_ids: string[];
  startup_script_id: string | null;
  cloud_init: string | null;
  public_ip: boolean;
  ip_address: string | null;
  security_rules: Rule[];
  volume_ids: string[];
  created_at: number;
  /** The instance holds its GPUs in the stock (false once hibernated or deleting). */
  holds_stock: boolean;
  billing_id: string | null;
}

export interface VolumeRec extends Tracked {
  volume_id: string;
  name: string;
  region: Region;
  size_gb: number;
  volume_type: VolumeType;
  bootable: boolean;
  image_id: string | null;
  attached_to: string | null;
  source_volume_id: string | null;
  created_at: number;
  /** Size applied when a resize completes. */
  resize_to: number | null;
  billing_id: string | null;
}

export interface AttachmentRec extends Tracked {
  vm_id: string;
}

export interface FirewallRec extends Tracked {
  firewall_id: string;
  name: string;
  description: string;
  region: Region;
  rules: Rule[];
  attachments: AttachmentRec[];
  created_at: number;
}

/** What a restore inherits from the instance the snapshot was taken of (DOC-RST). */
export interface SnapshotSource {
  vm_name: string;
  gpu_model: string;
  gpu_count: number;
  flavor: Flavor;
  ssh_key_ids: string[];
  public_ip: boolean;
  security_rules: Rule[];
}

export interface SnapshotRec extends Tracked {
  snapshot_id: string;
  name: string;
  description: string;
  vm_id: string;
  region: Region;
  size_gb: number;
  created_at: number;
  source: SnapshotSource;
  billing_id: string | null;
}

export interface ImageRec extends Tracked {
  image_id: string;
  name: string;
  description: string;
  snapshot_id: string;
  region: Region;
  created_at: number;
}

export interface SshKeyRec {
  key_id: string;
  name: string;
  public_key: string;
  fingerprint: string;
  created_at: number;
}

export interface ScriptRec {
  script_id: string;
  name: string;
  description: string;
  content: string;
  created_at: number;
  updated_at: number;
}

export type BillingMode = "full" | "hibernated" | "storage";

export interface BillingRec {
  billing_id: string;
  kind: "instance" | "volume" | "snapshot";
  mode: BillingMode;
  resource_id: string;
  name: string;
  region: Region;
  gpu_type: string | null;
  gpu_count: number | null;
  size_gb: number | null;
  start: number;
  end: number | null;
  /** Billed minutes (transitional instance states are free, so this can be less than end − start). */
  minutes: number;
  cost: number;
  /** Per minute, in the account currency. */
  rate: number;
}

export interface AiTxnRec {
  transaction_id: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost: number;
  created_at: number;
}

export interface State {
  balance: number;
  currency: Currency;
  profileComplete: boolean;
  /** region → GPU model → GPUs available now. */
  stock: Record<string, Record<string, number>>;
  instances: Record<string, InstanceRec>;
  volumes: Record<string, VolumeRec>;
  firewalls: Record<string, FirewallRec>;
  snapshots: Record<string, SnapshotRec>;
  images: Record<string, ImageRec>;
  sshKeys: Record<string, SshKeyRec>;
  scripts: Record<string, ScriptRec>;
  billing: BillingRec[];
  ai: AiTxnRec[];
  /** Every id handed out, so ids are never reused (not even across restarts). */
  issued: string[];
  nextIp: number;
  lastAccrual: number;
}

export interface AccountInit {
  balance: number;
  currency: Currency;
  profileComplete: boolean;
  gpuStock?: Record<string, Record<string, number>>;
}

interface StateFile {
  format: "barrack-emulator-state";
  version: 1;
  saved_at_sim: number;
  saved_at_wall: number;
  state: State;
}

export function isoZ(ms: number): string {
  return new Date(Math.round(ms)).toISOString().replace(/\.\d{3}Z$/, "Z");
}
/** The volume billing example uses ISO without a zone (CONFIRMED P-VBILL); clients must accept both. */
export function isoNoZone(ms: number): string {
  return isoZ(ms).replace(/Z$/, "");
}

export const round = (x: number, digits = 6): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

function billingModeOf(status: string): "full" | "hibernated" | null {
  if (status === "ACTIVE" || status === "SHUTOFF") return "full";
  if (status === "HIBERNATED") return "hibernated";
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Store
// ---------------------------------------------------------------------------------------------------

export class Store {
  state: State;
  private issuedSet = new Set<string>();
  private writeQueued: Promise<void> | null = null;
  private writeChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly init: AccountInit,
    readonly delays: Delays,
    readonly clock: Clock,
    private readonly stateFile?: string,
  ) {
    this.state = this.freshState();
  }

  // -- lifecycle of the whole state ------------------------------------------------------------------

  private freshState(): State {
    const stock = defaultGpuStock();
    for (const [region, models] of Object.entries(this.init.gpuStock ?? {})) {
      for (const [model, gpus] of Object.entries(models)) (stock[region] ??= {})[model] = gpus;
    }
    return {
      balance: this.init.balance,
      currency: this.init.currency,
      profileComplete: this.init.profileComplete,
      stock,
      instances: {}, volumes: {}, firewalls: {}, snapshots: {}, images: {}, sshKeys: {}, scripts: {},
      billing: [], ai: [],
      issued: [],
      nextIp: 10,
      lastAccrual: this.clock.now(),
    };
  }

  /** Back to the initial state; ids already issued stay reserved. */
  reset(): void {
    const issued = this.state.issued;
    this.state = this.freshState();
    this.state.issued = issued;
  }

  /** Loads the state file if there is one. Returns whether it did. Throws on a file that is not ours. */
  load(): boolean {
    if (!this.stateFile || !existsSync(this.stateFile)) return false;
    const text = readFileSync(this.stateFile, "utf8");
    let parsed: StateFile;
    try {
      parsed = JSON.parse(text) as StateFile;
    } catch (e) {
      throw new Error(`state file ${this.stateFile} is not valid JSON (${(e as Error).message}); move it away to start fresh`);
    }
    if (parsed?.format !== "barrack-emulator-state" || parsed.version !== 1 || typeof parsed.state !== "object") {
      throw new Error(`state file ${this.stateFile} is not a barrack-emulator state (version 1); move it away to start fresh`);
    }
    this.state = parsed.state;
    this.issuedSet = new Set(this.state.issued);
    this.clock.resume(parsed.saved_at_sim, parsed.saved_at_wall);
    return true;
  }

  private serialize(): string {
    const file: StateFile = {
      format: "barrack-emulator-state",
      version: 1,
      saved_at_sim: this.clock.now(),
      saved_at_wall: Date.now(),
      state: this.state,
    };
    return JSON.stringify(file);
  }

  /**
   * Writes the state atomically (no-op without a state file). Writes run one at a time; a request that
   * arrives while one is queued shares it, since the queued write serializes the state when it starts.
   */
  persist(): Promise<void> {
    const file = this.stateFile;
    if (!file) return Promise.resolve();
    if (this.writeQueued) return this.writeQueued;
    const job = this.writeChain.then(() => {
      this.writeQueued = null;
      return writeFileAtomic(file, this.serialize());
    });
    this.writeQueued = job;
    this.writeChain = job.catch(() => undefined);
    return job;
  }

  /** Waits for writes in flight. */
  async flush(): Promise<void> {
    await this.writeChain;
  }

  // -- time -------------------------------------------------------------------------------------------

  now(): number {
    return this.clock.now();
  }

  /** Schedules steps `[status, seconds]` one after the other from now, replacing any pending ones. */
  schedule(rec: Tracked, steps: Array<[string, number]>): void {
    let at = this.now();
    rec.pending = steps.map(([status, seconds]) => {
      at += seconds * 1000;
      return { status, at };
    });
  }

  /** Applies every due step in time order, accruing billing in between. */
  tick(): void {
    const now = this.now();
    type Step = { at: number; apply: () => void };
    for (;;) {
      const found: { best: Step | null } = { best: null };
      const consider = (rec: Tracked, apply: (p: Pending) => void): void => {
        const p = rec.pending[0];
        if (p && p.at <= now && (!found.best || p.at < found.best.at)) {
          found.best = { at: p.at, apply: () => { rec.pending.shift(); apply(p); } };
        }
      };
      for (const r of Object.values(this.state.instances)) consider(r, (p) => this.applyInstance(r, p));
      for (const r of Object.values(this.state.volumes)) consider(r, (p) => this.applyVolume(r, p));
      for (const r of Object.values(this.state.firewalls)) {
        consider(r, (p) => { r.status = p.status; });
        for (const a of r.attachments) consider(a, (p) => { a.status = p.status; });
      }
      for (const r of Object.values(this.state.snapshots)) consider(r, (p) => { r.status = p.status; });
      for (const r of Object.values(this.state.images)) consider(r, (p) => { r.status = p.status; });
      const step = found.best;
      if (!step) break;
      this.accrue(step.at);
      step.apply();
    }
    this.accrue(now);
  }

  private applyInstance(rec: InstanceRec, p: Pending): void {
    if (p.status === GONE) {
      this.finishInstanceDeletion(rec, p.at);
      return;
    }
    rec.status = p.status;
    if (rec.status === "ACTIVE" && rec.public_ip && !rec.ip_address) rec.ip_address = this.newIp();
    this.syncInstanceBilling(rec, p.at);
  }

  private applyVolume(rec: VolumeRec, p: Pending): void {
    if (p.status === GONE) {
      delete this.state.volumes[rec.volume_id];
      return;
    }
    rec.status = p.status;
    if (rec.status === "available" && rec.resize_to !== null) {
      rec.size_gb = rec.resize_to;
      rec.resize_to = null;
      this.closeBilling(rec.billing_id, p.at);
      rec.billing_id = this.openVolumeBilling(rec, p.at);
    }
  }

  /** The instance is gone: data volumes become available, bootable ones go with it, firewalls let go. */
  private finishInstanceDeletion(rec: InstanceRec, at: number): void {
    this.closeBilling(rec.billing_id, at);
    rec.billing_id = null;
    if (rec.holds_stock) this.releaseStock(rec);
    for (const volumeId of rec.volume_ids) {
      const v = this.state.volumes[volumeId];
      if (!v) continue;
      if (v.bootable) {
        this.closeBilling(v.billing_id, at);
        delete this.state.volumes[volumeId];
      } else {
        v.status = "available";
        v.attached_to = null;
      }
    }
    for (const fw of Object.values(this.state.firewalls)) fw.attachments = fw.attachments.filter((a) => a.vm_id !== rec.vm_id);
    delete this.state.instances[rec.vm_id];
  }

  // -- ids and addresses ------------------------------------------------------------------------------

  private reserve(id: string): boolean {
    if (this.issuedSet.has(id)) return false;
    this.issuedSet.add(id);
    this.state.issued.push(id);
    return true;
  }

  /** `BRK-` + 6 digits + the kind's letter (decision 7). */
  newId(kind: IdKind): string {
    return this.newBrkId(ID_LETTERS[kind]);
  }

  private newBrkId(suffix: string): string {
    for (;;) {
      const id = `BRK-${String(randomInt(0, 1_000_000)).padStart(6, "0")}${suffix}`;
      if (this.reserve(id)) return id;
    }
  }

  newHexId(prefix: string, bytes: number): string {
    for (;;) {
      const id = `${prefix}${randomBytes(bytes).toString("hex").slice(0, bytes * 2)}`;
      if (this.reserve(id)) return id;
    }
  }

  /** Set by the SSH-banner option (emulator/sshBanner.ts): hands out loopback addresses instead. */
  addressFor?: (n: number) => string;

  /** Public addresses from TEST-NET-3 (203.0.113.0/24) then TEST-NET-2, never reused. */
  newIp(): string {
    const n = this.state.nextIp++;
    if (this.addressFor) return this.addressFor(n);
    const net = n < 250 ? "203.0.113" : n < 500 ? "198.51.100" : `100.64.${Math.floor(n / 250) % 256}`;
    return `${net}.${(n % 250) + 1}`;
  }

  // -- lookups (404 for unknown ids or ids of the wrong kind) -----------------------------------------

  private find<T>(table: Record<string, T>, kind: IdKind, label: string, id: string): T {
    const rec = idPattern(kind).test(id) ? table[id] : undefined;
    if (!rec) notFound(`no ${label} with id ${JSON.stringify(id)} (ids look like BRK-123456${ID_LETTERS[kind]})`);
    return rec;
  }
  instance(id: string): InstanceRec { return this.find(this.state.instances, "instance", "instance", id); }
  volume(id: string): VolumeRec { return this.find(this.state.volumes, "volume", "volume", id); }
  firewall(id: string): FirewallRec { return this.find(this.state.firewalls, "firewall", "firewall", id); }
  snapshot(id: string): SnapshotRec { return this.find(this.state.snapshots, "snapshot", "snapshot", id); }
  image(id: string): ImageRec { return this.find(this.state.images, "image", "image", id); }
  sshKey(id: string): SshKeyRec { return this.find(this.state.sshKeys, "sshKey", "SSH key", id); }
  script(id: string): ScriptRec { return this.find(this.state.scripts, "script", "script", id); }

  // -- account checks ---------------------------------------------------------------------------------

  /** Profile complete (403) and balance at least the minimum (402): deploy, volume create, snapshot create/restore. */
  requireAccountReady(action: string): void {
    const s = this.state;
    if (!s.profileComplete) {
      throw new ApiError(403, `cannot ${action}: the account profile is incomplete; add full name, address, postal code and country at barrack.ai/account`);
    }
    const min = MINIMUM_BALANCE[s.currency];
    if (s.balance < min) {
      throw new ApiError(402, `cannot ${action}: the balance is ${round(s.balance, 2)} ${s.currency}, below the minimum of ${min} ${s.currency}; add credits`);
    }
  }

  // -- GPU stock --------------------------------------------------------------------------------------

  available(region: string, model: string): number {
    return this.state.stock[region]?.[model] ?? 0;
  }

  /** Takes GPUs or throws 409 "out of stock". Call before any other mutation of the request. */
  takeStock(region: Region, model: string, count: number): void {
    const avail = this.available(region, model);
    if (avail < count) {
      conflict(`out of stock: ${count} x ${model} requested in ${region} but ${avail} GPU(s) of that model are available there; try another region, model or GPU count`);
    }
    (this.state.stock[region] ??= {})[model] = avail - count;
  }

  releaseStock(rec: InstanceRec): void {
    if (!rec.holds_stock) return;
    (this.state.stock[rec.region] ??= {})[rec.gpu_model] = this.available(rec.region, rec.gpu_model) + rec.gpu_count;
    rec.holds_stock = false;
  }

  // -- billing ----------------------------------------------------------------------------------------

  instanceRate(rec: { gpu_model: string; gpu_count: number }): number {
    const m = gpuModel(rec.gpu_model);
    return m ? (m.prices[this.state.currency] * rec.gpu_count) / 60 : 0;
  }
  hibernatedRate(): number {
    return HIBERNATED_HOURLY[this.state.currency] / 60;
  }
  /** Price is "per TB per hour" (P-PRICE unit string, kept verbatim). */
  volumeRate(type: VolumeType, sizeGb: number): number {
    return (VOLUME_PRICES[type][this.state.currency] * sizeGb) / 1000 / 60;
  }
  /** Snapshots: per 100 GB per hour (P-SBILL arithmetic). */
  snapshotRate(sizeGb: number): number {
    return (SNAPSHOT_PRICES[this.state.currency] * sizeGb) / SNAPSHOT_FIXED_SIZE_GB / 60;
  }

  private billingRec(id: string | null): BillingRec | undefined {
    return id === null ? undefined : this.state.billing.find((b) => b.billing_id === id);
  }

  private openBilling(rec: Omit<BillingRec, "billing_id" | "end" | "minutes" | "cost">, idSuffix: "DB" | "SB" | null): string {
    const billing_id = idSuffix === null ? this.newHexId("VBILL_", 5) : this.newBrkId(idSuffix);
    this.state.billing.push({ ...rec, billing_id, end: null, minutes: 0, cost: 0 });
    return billing_id;
  }

  closeBilling(id: string | null, at: number = this.now()): void {
    const b = this.billingRec(id);
    if (b && b.end === null) b.end = at;
  }

  private syncInstanceBilling(rec: InstanceRec, at: number): void {
    const mode = billingModeOf(rec.status);
    if (mode === null) return; // transitional: the open record (if any) just stops accruing
    const open = this.billingRec(rec.billing_id);
    if (open && open.end === null && open.mode === mode) return;
    this.closeBilling(rec.billing_id, at);
    rec.billing_id = this.openBilling({
      kind: "instance", mode, resource_id: rec.vm_id, name: rec.vm_name, region: rec.region,
      gpu_type: rec.gpu_model, gpu_count: rec.gpu_count, size_gb: null, start: at,
      rate: mode === "full" ? this.instanceRate(rec) : this.hibernatedRate(),
    }, "DB");
  }

  openVolumeBilling(rec: VolumeRec, at: number = this.now()): string {
    return this.openBilling({
      kind: "volume", mode: "storage", resource_id: rec.volume_id, name: rec.name, region: rec.region,
      gpu_type: null, gpu_count: null, size_gb: rec.size_gb, start: at, rate: this.volumeRate(rec.volume_type, rec.size_gb),
    }, null);
  }

  openSnapshotBilling(rec: SnapshotRec, at: number = this.now()): string {
    return this.openBilling({
      kind: "snapshot", mode: "storage", resource_id: rec.snapshot_id, name: rec.name, region: rec.region,
      gpu_type: null, gpu_count: null, size_gb: rec.size_gb, start: at, rate: this.snapshotRate(rec.size_gb),
    }, "SB");
  }

  /** Whether a record accrues right now: instances only in the record's billed state. */
  private accruing(b: BillingRec): boolean {
    if (b.end !== null) return false;
    if (b.kind !== "instance") return true;
    const inst = this.state.instances[b.resource_id];
    return inst !== undefined && billingModeOf(inst.status) === b.mode;
  }

  private accrue(to: number): void {
    const dt = to - this.state.lastAccrual;
    if (dt <= 0) return;
    const minutes = dt / 60000;
    for (const b of this.state.billing) {
      if (!this.accruing(b)) continue;
      const cost = minutes * b.rate;
      b.minutes += minutes;
      b.cost += cost;
      this.state.balance -= cost;
    }
    this.state.lastAccrual = to;
  }

  /** Debits a one-off charge (AI chat). */
  debit(amount: number): void {
    this.state.balance -= amount;
  }

  /** Current total burn per hour, in the account currency. */
  costPerHour(): number {
    let perMinute = 0;
    for (const b of this.state.billing) if (this.accruing(b)) perMinute += b.rate;
    return round(perMinute * 60, 6);
  }

  billingRecords(kind: BillingRec["kind"]): BillingRec[] {
    return this.state.billing.filter((b) => b.kind === kind);
  }

  // -- wire shapes (contract objects) -----------------------------------------------------------------

  firewallIdsOf(vmId: string): string[] {
    return Object.values(this.state.firewalls).filter((f) => f.attachments.some((a) => a.vm_id === vmId)).map((f) => f.firewall_id);
  }

  instanceWire(r: InstanceRec): Instance {
    return {
      vm_id: r.vm_id, vm_name: r.vm_name, region: r.region, tier: tierOf(r.region), gpu_model: r.gpu_model, gpu_count: r.gpu_count,
      status: r.status, flavor: { ...r.flavor }, boot_source: r.boot_source, os_image_id: r.os_image_id, boot_volume_id: r.boot_volume_id,
      image_id: r.image_id, source_snapshot_id: r.source_snapshot_id, ssh_key_ids: [...r.ssh_key_ids], startup_script_id: r.startup_script_id,
      public_ip: r.public_ip, ip_address: r.ip_address, security_rules: r.security_rules.map((x) => ({ ...x })), volume_ids: [...r.volume_ids],
      firewall_ids: this.firewallIdsOf(r.vm_id), per_minute_rate: round(this.instanceRate(r)), currency: this.state.currency, created_at: isoZ(r.created_at),
    };
  }

  volumeWire(r: VolumeRec): Volume {
    return {
      volume_id: r.volume_id, name: r.name, region: r.region, tier: tierOf(r.region), size_gb: r.size_gb, volume_type: r.volume_type,
      bootable: r.bootable, image_id: r.image_id, status: r.status, attached_to: r.attached_to, source_volume_id: r.source_volume_id,
      per_minute_rate: round(this.volumeRate(r.volume_type, r.size_gb), 8), currency: this.state.currency, created_at: isoZ(r.created_at),
    };
  }

  firewallWire(r: FirewallRec): Firewall {
    return {
      firewall_id: r.firewall_id, name: r.name, description: r.description, region: r.region, status: r.status,
      rules: r.rules.map((x) => ({ ...x })), attachments: r.attachments.map((a) => ({ vm_id: a.vm_id, status: a.status })), created_at: isoZ(r.created_at),
    };
  }

  snapshotWire(r: SnapshotRec): Snapshot {
    return { snapshot_id: r.snapshot_id, name: r.name, description: r.description, vm_id: r.vm_id, region: r.region, size_gb: r.size_gb, status: r.status, created_at: isoZ(r.created_at) };
  }

  imageWire(r: ImageRec): Image {
    return { image_id: r.image_id, name: r.name, description: r.description, snapshot_id: r.snapshot_id, region: r.region, status: r.status, created_at: isoZ(r.created_at) };
  }

  sshKeyWire(r: SshKeyRec): SshKey {
    return { key_id: r.key_id, name: r.name, public_key: r.public_key, fingerprint: r.fingerprint, created_at: isoZ(r.created_at) };
  }

  scriptWire(r: ScriptRec): Script {
    return { script_id: r.script_id, name: r.name, description: r.description, content: r.content, created_at: isoZ(r.created_at), updated_at: isoZ(r.updated_at) };
  }

  balanceWire(): Balance {
    return {
      amount: round(this.state.balance, 4),
      currency: this.state.currency,
      minimum_balance: MINIMUM_BALANCE[this.state.currency],
      profile_complete: this.state.profileComplete,
    };
  }
}
