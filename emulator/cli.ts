#!/usr/bin/env node
/**
 * barrack-emulator: runs the Barrack API emulator until SIGINT/SIGTERM.
 *
 *   barrack-emulator --port 8787 --api-key KEY --state-file ./emulator.state.json --time-scale 0.01 \
 *     --fault-rate 0.1 --latency-ms 50 --drop-rate 0 --commit-then-fail-rate 0 --commit-then-drop-rate 0 --rate-limit 100/60s --log
 *
 * Prints one line with the URL once listening. The API key is never printed in full.
 */
// The emulator's own dependencies are optional peers: installing pulumi-barrack does not bring them.
// Say how to get them, in one line, before the imports below load them (CommonJS runs these in order).
{
  const missing = ["fastify", "write-file-atomic"].filter((dep) => {
    try {
      require.resolve(dep);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    let peers: Record<string, string> = {};
    try {
      peers = require("../../package.json").peerDependencies ?? {}; // from dist/emulator/cli.js
    } catch {
      // No versions then.
    }
    const specs = missing.map((dep) => (peers[dep] ? (/\s/.test(peers[dep]) ? `"${dep}@${peers[dep]}"` : `${dep}@${peers[dep]}`) : dep)).join(" ");
    process.stderr.write(`barrack-emulator: missing ${missing.join(" and ")} (the emulator's dependencies, not installed with pulumi-barrack): run \`npm install --save-dev ${specs}\`, then \`npx barrack-emulator\` again\n`);
    process.exit(1);
  }
}
import { Command, InvalidArgumentError, Option } from "commander";
import { startEmulator } from "./index";
import { DEFAULT_API_KEY, type EmulatorOptions } from "./server";
import { parseVariant, type EmulatorVariants } from "./variants";

function variantOption(raw: string, prev?: EmulatorVariants): EmulatorVariants {
  try {
    return parseVariant(raw, prev);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function number(name: string, min: number, max = Number.POSITIVE_INFINITY, exclusiveMin = false) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || n > max || (exclusiveMin ? n <= min : n < min)) {
      throw new InvalidArgumentError(`${name} must be a number ${exclusiveMin ? ">" : "≥"} ${min}${max < Infinity ? ` and ≤ ${max}` : ""}`);
    }
    return n;
  };
}

const integer = (name: string, min: number) => (raw: string): number => {
  const n = number(name, min)(raw);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return n;
};

/** "100/60s", "100/1m", "10/500ms", "100/60" (seconds). */
export function parseRateLimit(raw: string): { requests: number; windowMs: number } {
  const m = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(raw.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) <= 0) throw new InvalidArgumentError('rate limit must look like "100/60s" (requests/window; window in ms, s, m or h)');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[3] ?? "s") as "ms" | "s" | "m" | "h"];
  return { requests: Number(m[1]), windowMs: Math.round(Number(m[2]) * unit) };
}

/** "CANADA-1:L40=4" (repeatable). */
function parseStock(raw: string, prev: Record<string, Record<string, number>> = {}): Record<string, Record<string, number>> {
  const m = /^([A-Za-z0-9-]+):([^=]+)=(\d+)$/.exec(raw.trim());
  if (!m) throw new InvalidArgumentError('gpu stock must look like "REGION:MODEL=GPUS", e.g. "CANADA-1:L40=4"');
  return { ...prev, [m[1]]: { ...prev[m[1]], [m[2]]: Number(m[3]) } };
}

export function maskKey(key: string): string {
  if (key.length <= 8) return "*".repeat(key.length);
  return `${key.slice(0, 4)}${"*".repeat(Math.min(12, key.length - 7))}${key.slice(-3)}`;
}

/** Runs the emulator CLI (also `barrack emulator`, which passes its own program name). */
export async function main(argv: string[], name = "barrack-emulator"): Promise<void> {
  const program = new Command()
    .name(name)
    .description("Local emulator of the Barrack AI GPU-cloud REST API")
    .option("--port <port>", "port to listen on (0 = random)", integer("port", 0), 8787)
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("--api-key <key>", "API key clients must send (default: $BARRACK_EMULATOR_API_KEY or the built-in key)")
    .addOption(new Option("--auth-scheme <scheme>", "accepted auth header").choices(["any", "bearer", "x-api-key"]).default("any"))
    .option("--state-file <path>", "persist all state to this file and load it on start")
    .option("--time-scale <n>", "real seconds per simulated second (0.01 = 100x faster)", number("time scale", 0, Infinity, true), 1)
    .option("--fault-rate <p>", "probability of a random 500/502/503", number("fault rate", 0, 1), 0)
    .option("--latency-ms <ms>", "latency added to every request", integer("latency", 0), 0)
    .option("--drop-rate <p>", "probability of dropping the connection without an answer", number("drop rate", 0, 1), 0)
    .option("--commit-then-fail-rate <p>", "probability of applying a request and answering 500", number("commit-then-fail rate", 0, 1), 0)
    .option("--commit-then-drop-rate <p>", "probability of applying a request and dropping the connection without an answer", number("commit-then-drop rate", 0, 1), 0)
    .option("--rate-limit <n/window>", 'rate limit, e.g. "100/60s"', parseRateLimit)
    .option("--balance <amount>", "starting balance", number("balance", Number.NEGATIVE_INFINITY), 1000)
    .addOption(new Option("--currency <code>", "account currency").choices(["USD", "EUR", "INR"]).default("USD"))
    .option("--profile-incomplete", "start with an incomplete profile (deploys get 403)")
    .option("--gpu-stock <REGION:MODEL=GPUS>", "GPU stock override (repeatable)", parseStock)
    .option("--ssh-banner <bootDelayMs>", "give instances loopback addresses (127.x.y.z) and answer SSH on port 22 of each, bootDelayMs (real ms) after it is ACTIVE; port 22 needs root", integer("ssh banner boot delay", 0))
    .option("--variant <spec>", "depart from the contract, for testing checks: rename-field=KEY.FIELD:NEW or no-trailing-slash (repeatable; see emulator/variants.ts)", variantOption)
    .option("--log", "log requests");
  program.parse(argv);
  const o = program.opts<{
    port: number; host: string; apiKey?: string; authScheme: "any" | "bearer" | "x-api-key"; stateFile?: string; timeScale: number;
    faultRate: number; latencyMs: number; dropRate: number; commitThenFailRate: number; commitThenDropRate: number; rateLimit?: { requests: number; windowMs: number };
    balance: number; currency: "USD" | "EUR" | "INR"; profileIncomplete?: boolean; gpuStock?: Record<string, Record<string, number>>; log?: boolean;
    sshBanner?: number;
    variant?: EmulatorVariants;
  }>();

  const options: EmulatorOptions = {
    port: o.port,
    host: o.host,
    apiKey: o.apiKey ?? process.env.BARRACK_EMULATOR_API_KEY ?? DEFAULT_API_KEY,
    authScheme: o.authScheme,
    timeScale: o.timeScale,
    stateFile: o.stateFile,
    faults: { errorRate: o.faultRate, latencyMs: o.latencyMs, dropRate: o.dropRate, commitThenFailRate: o.commitThenFailRate, commitThenDropRate: o.commitThenDropRate },
    rateLimit: o.rateLimit,
    balance: o.balance,
    currency: o.currency,
    profileComplete: !o.profileIncomplete,
    gpuStock: o.gpuStock,
    log: o.log ?? false,
    ...(o.sshBanner !== undefined ? { sshBanner: { bootDelayMs: o.sshBanner } } : {}),
    ...(o.variant !== undefined ? { variants: o.variant } : {}),
  };
  const emu = await startEmulator(options);
  process.stdout.write(`barrack-emulator listening on ${emu.url} (api key ${maskKey(emu.apiKey)}, time scale ${o.timeScale}${o.stateFile ? `, state file ${o.stateFile}` : ""})\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    emu.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`barrack-emulator: error while stopping on ${signal}: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

if (require.main === module) {
  main(process.argv).catch((e: unknown) => {
    process.stderr.write(`barrack-emulator: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
