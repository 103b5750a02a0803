/** GPU stock and price lookups: what to tell the user at preview, and when a create is out of stock. */
import type { BarrackClient } from "../../client";
import type { GpuStock } from "../../contract";

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

/** "USD 4.98/h" for `count` GPUs of `gpuModel`, from the catalogue; undefined if the model is unknown. */
export async function hourlyEstimate(client: BarrackClient, gpuModel: string, count: number): Promise<string | undefined> {
  const [{ specs }, { balance }] = await Promise.all([client.call("listGpuSpecs"), client.call("getBalance")]);
  const spec = specs.find((s) => s.gpu_model === gpuModel);
  if (!spec) return undefined;
  const currency = balance.currency;
  return `${currency} ${(spec.prices[currency] * count).toFixed(2)}/h`;
}
