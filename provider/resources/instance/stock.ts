/** GPU stock and price lookups: what to tell the user at preview, and when a create is out of stock. */
import type { BarrackClient } from "../../client";
import type { GpuStock } from "../../contract";
import { gpuHourlyPrice } from "../../deployment/spend";

export interface GpuRequest {
  region: string;
  gpuModel: string;
  gpuCount: number;
}

const configuration = (count: number) => `${count}x`;

/**
 * Why `request` cannot be deployed right now, in words (model, count, region, and what is available
 * instead), or undefined when it is in stock. One read-only call.
 */
export async function stockProblem(client: BarrackClient, request: GpuRequest): Promise<string | undefined> {
  const { stocks } = await client.call("listGpuStocks");
  return describeStockProblem(stocks, request);
}

export function describeStockProblem(stocks: readonly GpuStock[], { region, gpuModel, gpuCount }: GpuRequest): string | undefined {
  const wanted = `${gpuCount}× ${gpuModel}`;
  const inRegion = stocks.filter((s) => s.region === region);
  const entry = inRegion.find((s) => s.gpu_model === gpuModel);
  const elsewhere = stocks
    .filter((s) => s.gpu_model === gpuModel && s.region !== region && (s.configurations[configuration(gpuCount)] ?? 0) > 0)
    .map((s) => s.region);
  const alternatives = elsewhere.length > 0 ? `; ${wanted} is available in ${elsewhere.join(", ")}` : "";

  if (!entry) {
    if (!stocks.some((s) => s.gpu_model === gpuModel)) {
      const models = [...new Set(stocks.map((s) => s.gpu_model))].sort();
      return `unknown GPU model "${gpuModel}" (models: ${models.join(", ")})`;
    }
    const offered = inRegion.map((s) => s.gpu_model).sort();
    return `GPU model ${gpuModel} is not offered in ${region} (offered there: ${offered.join(", ") || "none"})${alternatives}`;
  }
  const instances = entry.configurations[configuration(gpuCount)];
  if (instances === undefined) {
    const counts = Object.keys(entry.configurations).map((c) => c.replace(/x$/, ""));
    return `${gpuModel} comes in ${counts.join(", ")} GPUs per instance in ${region}, not ${gpuCount}`;
  }
  if (instances > 0) return undefined;

  const available = Object.entries(entry.configurations)
    .filter(([, instances]) => instances > 0)
    .map(([config, instances]) => `${config.replace(/x$/, "×")} (${instances} instance${instances === 1 ? "" : "s"})`);
  return `${wanted} is out of stock in ${region} (${entry.available_gpus} GPU${entry.available_gpus === 1 ? "" : "s"} free there; ` +
    `${gpuModel} configurations available now: ${available.join(", ") || "none"})${alternatives}`;
}

/** "USD 4.98/h" for `count` GPUs of `gpuModel`, from the plan ledger's prices; undefined if the model is unknown. */
export async function hourlyEstimate(client: BarrackClient, gpuModel: string, count: number): Promise<string | undefined> {
  const price = await gpuHourlyPrice(client, gpuModel);
  return price === undefined ? undefined : `${price.currency} ${(price.perGpu * count).toFixed(2)}/h`;
}

export type StockCheck =
  | { available: true }
  /** `waitable`: the model × count exists in the region and is only short right now (waiting can help). */
  | { available: false; waitable: boolean; problem: string };

/** Whether `request` can be deployed now and, if not, whether waiting for stock could change that. */
export function checkStock(stocks: readonly GpuStock[], request: GpuRequest): StockCheck {
  const problem = describeStockProblem(stocks, request);
  if (problem === undefined) return { available: true };
  const entry = stocks.find((s) => s.region === request.region && s.gpu_model === request.gpuModel);
  return { available: false, waitable: entry?.configurations[configuration(request.gpuCount)] !== undefined, problem };
}

/** The first of `requests` (in order) in stock, if any, and why each one before it was passed over. */
export interface StockSelection<T extends GpuRequest> {
  choice?: T;
  passed: { choice: T; problem: string; waitable: boolean }[];
}

export function firstInStock<T extends GpuRequest>(stocks: readonly GpuStock[], requests: readonly T[]): StockSelection<T> {
  const passed: StockSelection<T>["passed"] = [];
  for (const request of requests) {
    const stock = checkStock(stocks, request);
    if (stock.available) return { choice: request, passed };
    passed.push({ choice: request, problem: stock.problem, waitable: stock.waitable });
  }
  return { passed };
}

export interface StockWaitOptions<T extends GpuRequest> {
  /** Epoch ms after which the wait gives up; one already passed looks once (no waitForStock). */
  deadline: number;
  /** A progress line per poll. */
  log(message: string): void;
  /** What the wait is for, in the final error (e.g. `instance "trainer"`). */
  label: string;
  /** The budget as the user wrote it (e.g. "20m"), for messages; undefined when not waiting. */
  budget?: string;
  /** Why none of the requests can be deployed, in words (default: each one's problem). */
  describeProblems?(selection: StockSelection<T>): string;
  /** First pause between lookups, doubled up to `maxDelayMs`. Defaults 1 s and BARRACK_POLL_MAX_MS (else 5 s). */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** Thrown when no request came into stock in time (or, without a wait, none was in stock); nothing was created. */
export class StockWaitTimeout extends Error {
  constructor(message: string, readonly problem: string) {
    super(message);
    this.name = "StockWaitTimeout";
  }
}

/**
 * Polls the (read-only) stock lookup until one of `requests` is in stock and returns the first that is
 * (in order), logging what is available where at each poll. When waiting cannot help any of them
 * (unknown model, a model or count not offered in the region), returns the first at once: the deploy then
 * fails with the API's own answer, as without a wait. Throws `StockWaitTimeout` at the deadline.
 */
export async function waitForStock<T extends GpuRequest>(client: BarrackClient, requests: readonly T[], options: StockWaitOptions<T>): Promise<Required<StockSelection<T>>> {
  const started = Date.now();
  const maxDelay = options.maxDelayMs ?? pollMaxMs();
  let delay = Math.min(options.minDelayMs ?? 1000, maxDelay);
  const problems = options.describeProblems ?? ((selection: StockSelection<T>) => selection.passed.map((p) => p.problem).join("; "));
  let polls = 0;
  for (;;) {
    polls++;
    const { stocks } = await client.call("listGpuStocks");
    const selection = firstInStock(stocks, requests);
    if (selection.choice !== undefined) {
      const taken = selection as Required<StockSelection<T>>;
      if (polls > 1) {
        const { gpuCount, gpuModel, region } = taken.choice;
        options.log(`${gpuCount}× ${gpuModel} is in stock in ${region} after ${elapsed(Date.now() - started)} of waiting; deploying`);
      }
      return taken;
    }
    const problem = problems(selection);
    if (!selection.passed.some((p) => p.waitable)) {
      options.log(`not waiting for stock: ${problem}; waiting would not change that`);
      return { choice: requests[0], passed: [] };
    }
    const waited = Date.now() - started;
    if (Date.now() >= options.deadline) {
      const message = options.budget === undefined
        ? `cannot create ${options.label}: ${problem}. Add choices (fallbacks), or set waitForStock to wait for one of them`
        : `cannot create ${options.label}: gave up waiting for stock after ${elapsed(waited)} (waitForStock: "${options.budget}", ${polls} lookups): ${problem}. ` +
          "Change gpuModel, gpuCount or region (or add fallbacks), or raise waitForStock (and timeouts.create, which bounds it)";
      throw new StockWaitTimeout(message, problem);
    }
    options.log(`waiting for stock (${elapsed(waited)} of up to ${options.budget}): ${problem}`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(delay, options.deadline - Date.now()))));
    delay = Math.min(delay * 2, maxDelay);
  }
}

function pollMaxMs(): number {
  const configured = Number(process.env.BARRACK_POLL_MAX_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : 5000;
}

function elapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}
