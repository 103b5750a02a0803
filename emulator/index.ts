/**
 * Local emulator of the Barrack AI REST API: start it in-process for tests, or run `barrack-emulator`.
 *
 *   const emu = await startEmulator({ port: 0, timeScale: 0.001 });
 *   fetch(`${emu.url}vms/`, { headers: { Authorization: `Bearer ${emu.apiKey}` } });
 *
 * The same controls are served over HTTP (with the API key) under /_emulator/: GET inventory, GET
 * counters, POST reset, POST counters/reset, POST faults, POST inject, POST config.
 */
import type { Balance, Firewall, Image, Instance, Script, Snapshot, SshKey, Volume } from "../provider/contract";
import type { FaultConfig, ScriptedFault } from "./faults";
import { EmulatorServer, type EmulatorOptions } from "./server";

export type { FaultConfig, ScriptedFault } from "./faults";
export type { EmulatorOptions, Inventory } from "./server";
export { DEFAULT_API_KEY } from "./server";
export { DEFAULT_DELAYS, type Delays } from "./store";
export type { EmulatorVariants, FieldRename } from "./variants";
export { DEFAULT_SSH_BANNER, type SshBannerOptions } from "./sshBanner";

export interface RunningEmulator {
  /** Base URL of the API, e.g. "http://127.0.0.1:41234/api/". */
  url: string;
  port: number;
  apiKey: string;
  stop(): Promise<void>;
  /** Back to the initial state (objects, balance, stock, counters, faults). */
  reset(): void;
  /** Requests per route, keyed "<METHOD> <route template>", e.g. "POST vms/". */
  counters(): Record<string, number>;
  resetCounters(): void;
  injectFault(f: ScriptedFault): void;
  setFaults(f: FaultConfig): void;
  setTimeScale(s: number): void;
  setGpuStock(region: string, gpuModel: string, gpus: number): void;
  inventory(): {
    instances: Instance[]; volumes: Volume[]; firewalls: Firewall[]; snapshots: Snapshot[]; images: Image[];
    sshKeys: SshKey[]; scripts: Script[]; balance: Balance; costPerHour: number;
  };
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const server = new EmulatorServer(options);
  const host = options.host ?? "127.0.0.1";
  await server.app.listen({ port: options.port ?? 0, host });
  const address = server.app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port ?? 0;
  const log = (e: unknown): void => server.app.log.error(e);
  // Writes the state file now, so a state file exists from the start.
  await server.store.persist();
  return {
    url: `http://${urlHost(host)}:${port}/api/`,
    port,
    apiKey: server.apiKey,
    stop: () => server.close(),
    reset: () => { server.reset().catch(log); },
    counters: () => server.counters(),
    resetCounters: () => server.resetCounters(),
    injectFault: (f) => server.injectFault(f),
    setFaults: (f) => server.setFaults(f),
    setTimeScale: (s) => server.setTimeScale(s),
    setGpuStock: (region, gpuModel, gpus) => { server.setGpuStock(region, gpuModel, gpus).catch(log); },
    inventory: () => server.inventory(),
  };
}
