/**
 * Where an instance may run: its primary placement (`region`, `gpuModel`, `gpuCount`) first, then each of
 * its `fallbacks`, whose omitted fields are the primary's. Create takes the first choice in stock (in
 * `fallbackOrder`); afterwards the instance stays where it landed for as long as that is still a choice.
 */
import type { BarrackClient } from "../../client";
import type { Instance } from "../../contract";
import { gpuHourlyPrice } from "../../deployment/spend";
import { isUnknown } from "../../engine/values";
import type { GpuRequest, StockSelection } from "./stock";

/** What a placement is made of, and the inputs that say where an instance may be placed. */
const PLACEMENT_KEYS = ["region", "gpuModel", "gpuCount"] as const;
export type PlacementKey = (typeof PLACEMENT_KEYS)[number];

/** The inputs this module reads, plain (state, engine inputs) or parsed. */
export interface PlacementInputs {
  region?: unknown;
  gpuModel?: unknown;
  gpuCount?: unknown;
  fallbacks?: unknown;
  fallbackOrder?: unknown;
}

export interface Choice extends GpuRequest {
  /** 0 for the primary, n for `fallbacks[n - 1]`. */
  position: number;
}

/**
 * The choices as listed, or undefined while one of them is not known: a value unknown at preview, or a
 * snapshot restore (whose GPUs come from the snapshot).
 */
export function choicesOf(args: PlacementInputs): Choice[] | undefined {
  const primary = placementFrom(args, {});
  if (primary === undefined) return undefined;
  const fallbacks = args.fallbacks ?? [];
  if (!Array.isArray(fallbacks)) return undefined;
  const choices: Choice[] = [{ ...primary, position: 0 }];
  for (const [i, fallback] of fallbacks.entries()) {
    const choice = fallback !== null && typeof fallback === "object" ? placementFrom(fallback as PlacementInputs, primary) : undefined;
    if (choice === undefined) return undefined;
    choices.push({ ...choice, position: i + 1 });
  }
  return choices;
}

function placementFrom(given: PlacementInputs, defaults: Partial<GpuRequest>): GpuRequest | undefined {
  const region = given.region ?? defaults.region;
  const gpuModel = given.gpuModel ?? defaults.gpuModel;
  const gpuCount = given.gpuCount ?? defaults.gpuCount;
  if (typeof region !== "string" || typeof gpuModel !== "string" || typeof gpuCount !== "number" || isUnknown(region) || isUnknown(gpuModel)) return undefined;
  return { region, gpuModel, gpuCount };
}

export function hasFallbacks(args: PlacementInputs | undefined): boolean {
  return Array.isArray(args?.fallbacks) && args.fallbacks.length > 0;
}

/**
 * The input to name for `key` of a choice: the primary's own input; a fallback's field when the fallback
 * sets it (else the fallback, which took the primary's value).
 */
export function choiceInput(args: PlacementInputs, position: number, key: PlacementKey): string {
  if (position === 0) return key;
  const fallback = (args.fallbacks as Record<string, unknown>[])[position - 1];
  return fallback[key] !== undefined ? `fallbacks.${position - 1}.${key}` : `fallbacks.${position - 1}`;
}

export function samePlacement(a: GpuRequest, b: GpuRequest): boolean {
  return PLACEMENT_KEYS.every((k) => a[k] === b[k]);
}

export function placementOfVm(vm: Instance): GpuRequest {
  return { region: vm.region, gpuModel: vm.gpu_model, gpuCount: vm.gpu_count };
}

/** "2× H100-SXM5-80GB in FINLAND-2" */
export function describeChoice(choice: GpuRequest): string {
  return `${choice.gpuCount}× ${choice.gpuModel} in ${choice.region}`;
}

/**
 * Olds made comparable with news: an instance that runs on one of the new choices reads as placed on the
 * new primary, so reordering, adding or removing other choices is no change. From old inputs alone the
 * placement is one of the old choices, unknown which: any of them still accepted counts (a name kept when
 * the instance is replaced anyway only means deleting it before creating its replacement).
 */
export function acceptedPlacement(olds: Record<string, unknown>, news: Record<string, unknown>, oldsAre: "object" | "inputs"): Record<string, unknown> {
  const accepted = choicesOf(news);
  const current = oldsAre === "object" ? placementFrom(olds, {}) : undefined;
  const possible = oldsAre === "object" ? (current === undefined ? undefined : [current]) : choicesOf(olds);
  if (accepted === undefined || possible === undefined) return olds;
  if (!possible.some((p) => accepted.some((c) => samePlacement(p, c)))) return olds;
  return { ...olds, region: news.region, gpuModel: news.gpuModel, gpuCount: news.gpuCount };
}

/** Whether every choice of `olds` is still a choice of `news` (an instance on any of them stays there). */
export function everyChoiceKept(olds: PlacementInputs, news: PlacementInputs): boolean {
  const before = choicesOf(olds);
  const after = choicesOf(news);
  return before === undefined || after === undefined || before.every((b) => after.some((a) => samePlacement(a, b)));
}

/**
 * The choices in the order create tries them: as listed, or (`fallbackOrder: "cheapest"`) by hourly price,
 * equal prices in their listed order and models without a price last. Prices are read once per process.
 */
export async function orderedChoices(client: BarrackClient, choices: Choice[], order: unknown): Promise<Choice[]> {
  if (order !== "cheapest" || choices.length < 2) return choices;
  const prices = await hourlyPrices(client, choices);
  const price = (c: Choice) => prices.get(c) ?? Number.POSITIVE_INFINITY;
  return [...choices].sort((a, b) => price(a) - price(b) || a.position - b.position);
}

/** Each choice's price per hour while running or stopped (GPU price × count); absent when unpriced. */
export async function hourlyPrices(client: BarrackClient, choices: readonly Choice[]): Promise<Map<Choice, number>> {
  const prices = new Map<Choice, number>();
  for (const choice of choices) {
    const price = await gpuHourlyPrice(client, choice.gpuModel);
    if (price !== undefined) prices.set(choice, price.perGpu * choice.gpuCount);
  }
  return prices;
}

/** The choice that costs the most per hour (the first listed among equals; unpriced ones never). */
export function dearest(choices: readonly Choice[], prices: Map<Choice, number>): Choice | undefined {
  return choices.reduce<Choice | undefined>((top, c) => (prices.has(c) && (top === undefined || prices.get(c)! > prices.get(top)!) ? c : top), undefined);
}

/**
 * The choice taken, and why earlier ones were passed over: "2× H100-SXM5-80GB in FINLAND-2 (FINLAND-1 out
 * of stock)" (a passed-over choice is named by what differs from the one taken), or "(first of 3 choices)".
 */
export function describeTaken(selection: Required<StockSelection<Choice>>, total: number): string {
  const { choice, passed } = selection;
  const why = passed.map((p) => `${differences(p.choice, choice)} ${p.waitable ? "out of stock" : "not available"}`);
  const note = why.length > 0 ? why.join(", ") : total > 1 ? `first of ${total} choices` : undefined;
  return describeChoice(choice) + (note === undefined ? "" : ` (${note})`);
}

function differences(passed: GpuRequest, taken: GpuRequest): string {
  return passed.gpuModel === taken.gpuModel && passed.gpuCount === taken.gpuCount ? passed.region : describeChoice(passed);
}

/** Why none of the choices can be deployed now, each in words, in the order tried. */
export function describeProblems(selection: StockSelection<Choice>): string {
  if (selection.passed.length === 1) return selection.passed[0].problem;
  return `none of its ${selection.passed.length} choices is in stock: ${selection.passed.map((p, i) => `(${i + 1}) ${p.problem}`).join("; ")}`;
}

/**
 * Where the instance that `previous` (its old inputs) describes runs: its primary, unless it had
 * fallbacks; then the instance holding its name (unique in the account; read-only), if any.
 */
export async function currentPlacement(client: BarrackClient, previous: PlacementInputs & { name?: unknown }): Promise<GpuRequest | undefined> {
  if (!hasFallbacks(previous)) return placementFrom(previous, {});
  const vms = await client.listAll("listInstances", "vms");
  const vm = vms.find((v) => v.vm_name === previous.name);
  return vm === undefined ? undefined : placementOfVm(vm);
}
