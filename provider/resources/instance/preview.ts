/**
 * What preview says about where an instance will run (read-only lookups): the choice a create would take
 * now and what it costs, why a replacement happens when the placement is no longer a choice, and the
 * placement the plan's hourly burn and `barrack:maxHourlySpend` count.
 */
import type { BarrackClient } from "../../client";
import type { CostBasis } from "../../engine/crud";
import type { InstanceArgs } from "./args";
import { replacesInstance } from "./args";
import { Choice, choicesOf, currentPlacement, dearest, describeChoice, describeProblems, describeTaken, hasFallbacks, hourlyPrices, orderedChoices, samePlacement } from "./choices";
import { GpuRequest, StockSelection, firstInStock, hourlyEstimate } from "./stock";

/**
 * What the notes need known. Another input unknown at preview reads as absent: a replace-only one as
 * changed, as diff reads an unknown value (the instance is replaced, so it takes a choice afresh).
 */
export const PLACEMENT_NOTE_INPUTS = ["name", "region", "gpuModel", "gpuCount", "fallbacks", "fallbackOrder", "waitForStock", "snapshotId"] as const;

/** Where the plan puts the instance; `current` is where the existing one runs (absent on create). */
export type PlacementPlan =
  /** The existing instance stays where it runs. */
  | { kind: "kept"; current: GpuRequest }
  /**
   * A new instance (created, or replacing one): the choices in the order tried, their prices, and what
   * the stock says of them now (looked up when asked). `leaving`: the replaced one runs on what is no
   * longer a choice.
   */
  | { kind: "new"; current?: GpuRequest; ordered: Choice[]; prices: Map<Choice, number>; stock(): Promise<StockSelection<Choice>>; leaving: boolean };

type Inputs = Partial<InstanceArgs> & Record<string, unknown>;

/**
 * The plan for `news` given the old inputs (undefined on create); undefined when the placement is not
 * known yet (a value unknown at preview, or a snapshot restore, which inherits its GPUs).
 */
export async function planPlacement(client: BarrackClient, news: Inputs, previous: Inputs | undefined): Promise<PlacementPlan | undefined> {
  const choices = choicesOf(news);
  if (choices === undefined) return undefined;
  const current = previous === undefined ? undefined : await currentPlacement(client, previous);
  if (previous !== undefined && current !== undefined && !replacesInstance({ ...previous, ...current } as Partial<InstanceArgs>, news as InstanceArgs, "object")) {
    return { kind: "kept", current };
  }
  const ordered = await orderedChoices(client, choices, news.fallbackOrder);
  let lookup: Promise<StockSelection<Choice>> | undefined;
  const stock = () => (lookup ??= client.call("listGpuStocks").then(({ stocks }) => firstInStock(stocks, ordered)));
  const leaving = current !== undefined && !choices.some((c) => samePlacement(c, current));
  return { kind: "new", current, ordered, prices: await hourlyPrices(client, ordered), stock, leaving };
}

/**
 * What the burn counts: an existing instance that stays costs what it runs on; a new one the choice it
 * would take now, or, when none is in stock, the dearest (so the limit is never passed by surprise).
 * Undefined when the inputs say it all (one choice, where an existing instance already is).
 */
export async function placementCostBasis(client: BarrackClient, news: Inputs, previous: Inputs | undefined): Promise<CostBasis | undefined> {
  if ((choicesOf(news)?.length ?? 0) < 2 && !hasFallbacks(previous)) return undefined;
  const plan = await planPlacement(client, news, previous);
  if (plan === undefined) return undefined;
  const before = previous === undefined ? undefined : { ...previous, ...plan.current };
  const counted = plan.kind === "kept" ? plan.current : ((await plan.stock()).choice ?? dearest(plan.ordered, plan.prices) ?? plan.ordered[0]);
  return { before, after: { ...news, ...placementOnly(counted) } };
}

/** Preview warnings: nothing in stock; a replacement caused by dropping the choice the instance runs on. */
export async function placementWarnings(client: BarrackClient, news: InstanceArgs, previous: Partial<InstanceArgs> | undefined): Promise<string[]> {
  const plan = await planPlacement(client, news, previous);
  if (plan?.kind !== "new") return [];
  const lines: string[] = [];
  if (plan.leaving && (hasFallbacks(news) || hasFallbacks(previous))) {
    lines.push(`Instance "${news.name}" will be replaced: it runs ${describeChoice(plan.current!)}, which is no longer one of its choices`);
  }
  const selection = await plan.stock();
  if (selection.choice === undefined) {
    const outcome = news.waitForStock !== undefined ? `The create will wait up to ${news.waitForStock} (waitForStock) for ${plan.ordered.length > 1 ? "the first of them" : "it"}.` : "Creating it would fail now.";
    lines.push(`Instance "${news.name}": ${describeProblems(selection)}. ${outcome}`);
  }
  return lines;
}

/** Preview information: what a new instance will cost, and with several choices which one it would take now. */
export async function placementInfo(client: BarrackClient, news: InstanceArgs, previous: Partial<InstanceArgs> | undefined): Promise<string[]> {
  const plan = await planPlacement(client, news, previous);
  if (plan?.kind !== "new") return [];
  const cost = async (c: GpuRequest) => hourlyEstimate(client, c.gpuModel, c.gpuCount);
  if (plan.ordered.length === 1) {
    const [only] = plan.ordered;
    const estimate = await cost(only);
    return estimate ? [`Instance "${news.name}" will cost about ${estimate} while running or stopped (${only.gpuCount}× ${only.gpuModel}; hibernated instances cost far less)`] : [];
  }
  const selection = await plan.stock();
  if (selection.choice !== undefined) {
    const estimate = await cost(selection.choice);
    const taken = describeTaken(selection as Required<StockSelection<Choice>>, plan.ordered.length);
    return [`Instance "${news.name}" would take ${taken}${estimate ? ` ≈ ${estimate} while running or stopped` : ""}`];
  }
  const top = dearest(plan.ordered, plan.prices);
  const estimate = top === undefined ? undefined : await cost(top);
  return estimate ? [`Instance "${news.name}" will cost at most ${estimate} while running or stopped (the dearest of its ${plan.ordered.length} choices, ${describeChoice(top!)}; none is in stock now)`] : [];
}

function placementOnly({ region, gpuModel, gpuCount }: GpuRequest): GpuRequest {
  return { region, gpuModel, gpuCount };
}
