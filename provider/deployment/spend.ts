/**
 * A plan's hourly burn, and the `barrack:maxHourlySpend` guard.
 *
 * One process-wide ledger (one provider process serves every resource of a preview or an update): each
 * resource's `check` records what it costs per hour before and after the plan (`recordPlanCost`); the
 * ledger sums the deltas across every resource it has seen, adds them to the account's current burn (read
 * once per process from the API, read-only), and, when a limit is given and the planned burn would exceed
 * it, returns a check failure for the resource that pushes it over (and for each later one that adds cost),
 * naming the limit, the current and planned burn and the resources that add the most. `planCostSummary`
 * gives the one-line summary, printed once per deployment when the engine closes the provider process
 * (closing.ts), by which time every resource of the plan has been checked:
 *
 *   hourly burn: USD 0.15 now → USD 5.28 after this plan (+5.13: 2× H100-SXM5-80GB trainer, 500 GB NVMe data)
 *
 * Deletions never reach a provider at preview: the summary finds them in the stack's state
 * (stackState.ts), as the priced resources there that no check of this process was about. The limit is
 * checked as resources arrive, before that is known, so it never counts deletions (an upper bound).
 *
 * Billing rules (as the emulator bills, emulator/store.ts; shared/docs/barrack-api.md §2.5, §3):
 * - an instance costs its GPU price × count (listGpuSpecs, per GPU per hour) while running or stopped
 *   (stopped instances keep their GPUs reserved), HIBERNATED_HOURLY while hibernated (the API does not
 *   publish that rate), nothing in transitional states;
 * - a volume costs its type's price (getPricing, "per TB per hour") × size, from creation until deleted;
 * - a snapshot (current burn only) costs the snapshot price per `fixed_size_gb` of its size.
 */
import type { BarrackClient } from "../client";
import type { Currency, GpuSpec, Instance, PricingResponse, Snapshot, Volume } from "../contract";
import { atClose, CLOSE_WAIT_MS, resetClosingNotes } from "./closing";
import { forgetRun, isDeletedByRun, runFailed } from "./run";
import { barrackType, forgetStackState, readStackState, type StackState, type StateResource } from "./stackState";
import { isUnknown } from "../engine/values";

/** What `check` knows about one resource of the plan: its inputs before (absent on create) and after. */
export interface PlanEntry {
  /** Resource type, e.g. "Instance", "Volume". */
  type: string;
  /** The resource's name, as shown to the user (e.g. "trainer"). */
  label: string;
  before?: Record<string, unknown>;
  after: Record<string, unknown>;
}

export interface PlanCostFailure {
  property: string;
  reason: string;
}

export interface PlanCostOptions {
  /** `barrack:maxHourlySpend`, in the account currency; no limit when undefined. */
  maxHourlySpend?: number;
}

export { HIBERNATED_HOURLY, VOLUME_PRICE_UNIT, VOLUME_PRICE_UNIT_GB } from "../platform";
import { HIBERNATED_HOURLY, VOLUME_PRICE_UNIT_GB } from "../platform";

/** The resources that add the most are named, up to this many. */
const TOP_CONTRIBUTORS = 3;

interface Costed {
  type: string;
  label: string;
  /** Per hour in the account currency (a resource that cannot be estimated is not in the ledger). */
  before: number;
  after: number;
  /** "2× H100-SXM5-80GB trainer", "500 GB NVMe data". */
  description: string;
}

interface Catalogue {
  currency: Currency;
  gpuPrices: Map<string, number>;
  /** tier → volume type → price per VOLUME_PRICE_UNIT_GB per hour. */
  volumePrices: Record<string, Record<string, number>>;
  snapshot?: { price: number; fixedSizeGb: number };
}

/** The resource types a plan's burn counts when created or changed. */
const PRICED_TYPES: readonly string[] = ["Instance", "Volume"];
/** And when deleted: a snapshot's size is known only once it exists (its outputs in state). */
const PRICED_WHEN_DELETED: readonly string[] = [...PRICED_TYPES, "Snapshot"];
const ledger = new Map<string, Costed>();
/**
 * Each resource's old inputs, from its first check. The engine checks a resource it is going to replace a
 * second time without them (so that defaults are computed afresh): the replaced object's cost is still
 * what the plan stops paying, and a restore's inherited GPU model is still in them.
 */
const oldInputs = new Map<string, Record<string, unknown>>();
let catalogue: Promise<Catalogue> | undefined;
let currentBurn: Promise<number> | undefined;
/** Settled values, for the synchronous summary. */
let settled: { catalogue?: Catalogue; current?: number } = {};

/** Forgets the plan, the prices, the current burn and the state (tests; a new plan in a long-lived process). */
export function resetPlanLedger(): void {
  ledger.clear();
  oldInputs.clear();
  catalogue = undefined;
  currentBurn = undefined;
  forgetStackState();
  forgetRun();
  settled = {};
  resetClosingNotes();
}

/**
 * Records one resource's hourly cost before and after the plan and checks the plan's total against
 * `options.maxHourlySpend`. Read-only API calls, made once per process (prices, current burn). A lookup
 * failure is never a failure of the plan: it returns no failures.
 */
export async function recordPlanCost(entry: PlanEntry, client: BarrackClient, options: PlanCostOptions = {}): Promise<{ failures: PlanCostFailure[]; costed?: boolean }> {
  let prices: Catalogue;
  let current: number;
  // The plan's line is printed when the process closes; what it deletes is read from state meanwhile.
  atClose(burnLine);
  void readStackState(); // started now (once per process), awaited at close
  // Only instances and volumes are priced in a plan: other types need no price lookup at all.
  if (!PRICED_TYPES.includes(entry.type)) return { failures: [] };
  try {
    prices = await loadCatalogue(client);
    current = await loadCurrentBurn(client, prices);
  } catch {
    return { failures: [] };
  }
  const key = `${entry.type}\u0000${entry.label}`;
  if (entry.before !== undefined) oldInputs.set(key, entry.before);
  const costed = costOf({ ...entry, before: entry.before ?? oldInputs.get(key) }, prices);
  if (costed === undefined) ledger.delete(key);
  else ledger.set(key, costed);

  const limit = options.maxHourlySpend;
  if (costed === undefined) return { failures: [] };
  if (limit === undefined || costed.after - costed.before <= 0) return { failures: [], costed: true };
  const delta = planDelta();
  const planned = current + delta;
  if (planned <= limit + 1e-9) return { failures: [], costed: true };
  const c = prices.currency;
  const top = contributors()
    .slice(0, TOP_CONTRIBUTORS)
    .map((r) => `${r.description} +${money(r.after - r.before)}`);
  return {
    failures: [{
      property: costProperty(entry),
      reason:
        `this plan would raise the hourly burn to ${c} ${money(planned)}, over barrack:maxHourlySpend ${c} ${money(limit)} ` +
        `(now ${c} ${money(current)}, +${money(delta)} planned; adding the most: ${top.join(", ")}). ` +
        "Plan fewer or smaller resources, hibernate some, or raise barrack:maxHourlySpend",
    }],
  };
}

/**
 * "hourly burn: USD 0.15 now → USD 5.28 after this plan (+5.13: 2× H100-SXM5-80GB trainer, 500 GB NVMe data)",
 * with the priced resources of `state` that no check was about counted as deleted; undefined when nothing
 * changes, before anything was recorded, or when the lookups failed.
 */
export function planCostSummary(state: StackState = { resources: [] }): string | undefined {
  const { catalogue: prices, current } = settled;
  if (prices === undefined || current === undefined) return undefined;
  const deleted = "resources" in state ? deletions(state.resources, prices) : [];
  // The largest changes first; equal ones by name (then the plan's before its deletions), so that the
  // preview's line and the update's agree whatever order the engine checked resources in.
  const byName = (a: Costed, b: Costed) => a.label.localeCompare(b.label);
  const changes = [...contributors().sort(byName), ...deleted.sort(byName)].sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before));
  if (changes.length === 0) return undefined;
  const delta = changes.reduce((sum, r) => sum + r.after - r.before, 0);
  const c = prices.currency;
  const named = changes.slice(0, TOP_CONTRIBUTORS).map((r) => r.description);
  const more = changes.length > TOP_CONTRIBUTORS ? ` and ${changes.length - TOP_CONTRIBUTORS} more` : "";
  const sign = delta >= 0 ? "+" : "−";
  const unknown = "unavailable" in state ? `; deletions not counted: ${state.unavailable}` : "";
  return `hourly burn: ${c} ${money(current)} now → ${c} ${money(Math.max(0, current + delta))} after this plan (${sign}${money(Math.abs(delta))}: ${named.join(", ")}${more}${unknown})`;
}

/** The plan's deletions: priced resources of the state that leave it (run.ts's `isDeletedByRun`). */
function deletions(resources: StateResource[], prices: Catalogue): Costed[] {
  const out: Costed[] = [];
  for (const r of resources) {
    const type = barrackType(r.type);
    if (type === undefined || !PRICED_WHEN_DELETED.includes(type) || !isDeletedByRun(type, r.inputs)) continue;
    // What a restore inherited is only in the outputs; what the program said wins, but for where an
    // instance runs: its inputs name its first choice, its outputs the one it took.
    const placement = type === "Instance" ? pickDefined(r.outputs, ["region", "gpuModel", "gpuCount"]) : {};
    const props = { ...r.outputs, ...pickDefined(r.inputs, Object.keys(r.inputs)), ...placement };
    const label = r.urn.slice(r.urn.lastIndexOf("::") + 2);
    const costed = deletedCost(type, label, props, prices);
    if (costed !== undefined && costed.before > 0) out.push(costed);
  }
  return out;
}

/** The plan's recorded resources and their hourly cost before/after (for tests and the lead's wiring). */
export function planLedger(): { type: string; label: string; before: number; after: number; description: string }[] {
  return [...ledger.values()].map((r) => ({ ...r }));
}

// ---------------------------------------------------------------------------------------------------

function planDelta(): number {
  let sum = 0;
  for (const r of ledger.values()) sum += r.after - r.before;
  return sum;
}

/** Resources whose cost changes, the largest increase first. */
function contributors(): Costed[] {
  return [...ledger.values()].filter((r) => Math.abs(r.after - r.before) > 1e-9).sort((a, b) => b.after - b.before - (a.after - a.before));
}

function money(x: number): string {
  return (Math.round(x * 100) / 100).toFixed(2);
}

function costProperty(entry: PlanEntry): string {
  if (entry.type === "Volume") return "sizeGb";
  if (entry.type === "Instance") {
    const before = entry.before;
    if (before !== undefined && before.gpuModel === entry.after.gpuModel && before.gpuCount === entry.after.gpuCount && before.powerState !== entry.after.powerState) return "powerState";
    return "gpuCount";
  }
  return "(plan)";
}

/** What a deleted resource of the state (`props`: its outputs, then its inputs) stops costing. */
function deletedCost(type: string, label: string, props: Record<string, unknown>, prices: Catalogue): Costed | undefined {
  const priced = ({
    Instance: () => ({ cost: instanceHourly(props, prices), what: `${String(props.gpuCount)}× ${String(props.gpuModel)}` }),
    Volume: () => ({ cost: volumeHourly(props, prices), what: `${String(props.sizeGb)} GB ${String(props.type)}` }),
    Snapshot: () => ({ cost: snapshotHourly(props, prices), what: `${String(props.sizeGb)} GB snapshot` }),
  } as Record<string, (() => { cost: number | undefined; what: string }) | undefined>)[type]?.();
  if (priced?.cost === undefined) return undefined;
  return { type, label, before: priced.cost, after: 0, description: `${priced.what} ${label} (deleted)` };
}

function costOf(entry: PlanEntry, prices: Catalogue): Costed | undefined {
  if (entry.type === "Instance") {
    // A snapshot restore omits what it inherits: use the old values when the new ones are absent.
    const after = { ...pickDefined(entry.before, ["gpuModel", "gpuCount"]), ...pickDefined(entry.after, ["gpuModel", "gpuCount", "powerState"]) };
    const cost = (props: Record<string, unknown> | undefined) => (props === undefined ? 0 : instanceHourly(props, prices));
    const a = cost(after);
    const b = cost(entry.before);
    if (a === undefined || b === undefined) return undefined;
    const state = after.powerState === "hibernated" ? " (hibernated)" : after.powerState === "stopped" ? " (stopped)" : "";
    return { type: entry.type, label: entry.label, before: b, after: a, description: `${String(after.gpuCount)}× ${String(after.gpuModel)} ${entry.label}${state}` };
  }
  if (entry.type === "Volume") {
    const a = volumeHourly(entry.after, prices);
    const b = entry.before === undefined ? 0 : volumeHourly(entry.before, prices);
    if (a === undefined || b === undefined) return undefined;
    return { type: entry.type, label: entry.label, before: b, after: a, description: `${String(entry.after.sizeGb)} GB ${String(entry.after.type)} ${entry.label}` };
  }
  return undefined; // firewalls, keys, scripts, images: free; snapshots: sized by the API at create
}

function pickDefined(props: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => props?.[k] !== undefined && props[k] !== null).map((k) => [k, props![k]]));
}

function known(value: unknown): boolean {
  return value !== undefined && value !== null && !isUnknown(value);
}

function instanceHourly(props: Record<string, unknown>, prices: Catalogue): number | undefined {
  const { gpuModel, gpuCount } = props;
  const powerState = props.powerState ?? "running";
  if (!known(gpuModel) || !known(gpuCount) || !known(powerState)) return undefined;
  if (powerState === "hibernated") return HIBERNATED_HOURLY[prices.currency];
  const perGpu = prices.gpuPrices.get(String(gpuModel));
  return perGpu === undefined || typeof gpuCount !== "number" ? undefined : perGpu * gpuCount;
}

function volumeHourly(props: Record<string, unknown>, prices: Catalogue): number | undefined {
  const { region, type, sizeGb } = props;
  if (!known(region) || !known(type) || typeof sizeGb !== "number") return undefined;
  const price = Object.values(prices.volumePrices).find((byType) => byType[String(type)] !== undefined)?.[String(type)];
  return price === undefined ? undefined : (price * sizeGb) / VOLUME_PRICE_UNIT_GB;
}

function snapshotHourly(props: Record<string, unknown>, prices: Catalogue): number | undefined {
  return prices.snapshot === undefined || typeof props.sizeGb !== "number" ? undefined : (prices.snapshot.price * props.sizeGb) / prices.snapshot.fixedSizeGb;
}

/** One GPU of `gpuModel` per hour in the account's currency, from the prices read once per process. */
export async function gpuHourlyPrice(client: BarrackClient, gpuModel: string): Promise<{ currency: Currency; perGpu: number } | undefined> {
  const prices = await loadCatalogue(client);
  const perGpu = prices.gpuPrices.get(gpuModel);
  return perGpu === undefined ? undefined : { currency: prices.currency, perGpu };
}

function loadCatalogue(client: BarrackClient): Promise<Catalogue> {
  catalogue ??= (async () => {
    const [{ specs }, { balance }, pricing] = await Promise.all([client.call("listGpuSpecs"), client.call("getBalance"), client.call("getPricing")]);
    const currency = balance.currency as Currency;
    const result: Catalogue = {
      currency,
      gpuPrices: new Map(specs.map((s: GpuSpec) => [s.gpu_model, s.prices[currency]])),
      volumePrices: volumePricesOf(pricing, currency),
      snapshot: snapshotPriceOf(pricing, currency),
    };
    settled.catalogue = result;
    return result;
  })();
  catalogue.catch(() => {
    catalogue = undefined; // try again on the next resource
  });
  return catalogue;
}

function volumePricesOf(pricing: PricingResponse, currency: Currency): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [tier, byType] of Object.entries(pricing.pricing_data.volumes?.pricing ?? {})) {
    for (const [type, leaf] of Object.entries(byType)) (out[tier] ??= {})[type] = leaf.prices[currency];
  }
  return out;
}

function snapshotPriceOf(pricing: PricingResponse, currency: Currency): Catalogue["snapshot"] {
  const leaf = Object.values(pricing.pricing_data.snapshots?.pricing ?? {})[0];
  return leaf ? { price: leaf.prices[currency], fixedSizeGb: leaf.fixed_size_gb } : undefined;
}

/** The account's burn per hour now, from what exists (three read-only lists, once per process). */
function loadCurrentBurn(client: BarrackClient, prices: Catalogue): Promise<number> {
  currentBurn ??= (async () => {
    const [vms, volumes, snapshots] = await Promise.all([
      client.listAll("listInstances", "vms"),
      client.listAll("listVolumes", "volumes"),
      client.listAll("listSnapshots", "snapshots"),
    ]);
    const total =
      vms.reduce((sum: number, vm: Instance) => sum + instanceBurn(vm, prices), 0) +
      volumes.reduce((sum: number, v: Volume) => sum + (v.status.toLowerCase() === "deleting" ? 0 : (v.per_minute_rate ?? 0) * 60), 0) +
      snapshots.reduce((sum: number, s: Snapshot) => sum + (snapshotHourly({ sizeGb: s.size_gb }, prices) ?? 0), 0);
    settled.current = total;
    return total;
  })();
  currentBurn.catch(() => {
    currentBurn = undefined;
  });
  return currentBurn;
}

/** Billed while ACTIVE or SHUTOFF (GPUs held), at the hibernation rate while HIBERNATED, else nothing. */
function instanceBurn(vm: Instance, prices: Catalogue): number {
  const status = vm.status.toUpperCase();
  if (status === "ACTIVE" || status === "SHUTOFF") return vm.per_minute_rate * 60;
  if (status === "HIBERNATED") return HIBERNATED_HOURLY[prices.currency];
  return 0;
}

/** The line at close, with the state export awaited (within the time a closing note has). */
export async function burnLine(): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<StackState>((resolve) => {
    timer = setTimeout(() => resolve({ unavailable: "the state took too long to read" }), CLOSE_WAIT_MS - 500);
  });
  try {
    // An update that failed applied part of its plan: "after this plan" would be a burn it does not reach
    // (its preview printed the plan's line; the engine prints the error).
    if (runFailed()) return [];
    const line = planCostSummary(await Promise.race([readStackState(), late]));
    return line === undefined ? [] : [line];
  } finally {
    clearTimeout(timer);
  }
}
