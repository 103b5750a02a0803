/**
 * Convergence under faults (`npm run chaos`; builds first): rounds of `pulumi up` and `pulumi destroy` of
 * a 30-resource stack under the real engine against the emulator with ~20 % mixed faults (5xx, dropped
 * connections, "applied then 500", "applied then dropped") and a rate limit. Each round records whether
 * the FIRST `up` and the FIRST `destroy` converged, and counts duplicates (objects beyond the 30 the
 * program declares) and leaks (objects left after destroy, once the faults stop).
 *
 *   npm run chaos -- --rounds 20            figures for the README (about 1 min a round on 2 cores)
 *   node dist/scripts/chaos.js --rounds 2 --json   what tests/e2e/chaos.test.ts runs
 *   npm run chaos -- --plugin               the same rounds for a Python program (the generated SDK,
 *                                           `pulumi_barrack`) whose resources the native plugin serves
 *                                           (tests/e2e/plugin/chaos.test.ts runs 2)
 *
 * Needs the Pulumi CLI: $PULUMI_BARRACK_BIN_DIR, else scripts/ensure-pulumi.sh finds or builds it. With
 * `--plugin`, also the plugin archive (`npm run build:plugin`) and Python 3 with PyPI (scripts/ensure-python.sh).
 */
import { startEmulator, type FaultConfig } from "../emulator";
import { pulumiBinDir, runPulumi, scratchProject } from "./engine";

/** ~20 % of API requests fail: half of them after the server applied the request. */
export const CHAOS_FAULTS: FaultConfig = { errorRate: 0.08, dropRate: 0.04, commitThenFailRate: 0.04, commitThenDropRate: 0.04 };
export const CHAOS_RATE_LIMIT = { requests: 40, windowMs: 1000 };
const DECLARED = 30;

/** The stack: 6 generated SSH keys, 6 startup scripts, 10 volumes, 4 firewalls with rules (2 attached), 4 instances. */
const PROGRAM = `
import * as barrack from "pulumi-barrack";
const keys = [0, 1, 2, 3, 4, 5].map((i) => new barrack.SshKey(\`key\${i}\`, {}));
const scripts = [0, 1, 2, 3, 4, 5].map((i) => new barrack.StartupScript(\`boot\${i}\`, { content: \`#!/bin/sh\\necho \${i}\\n\` }));
const volumes = [...Array(10).keys()].map((i) => new barrack.Volume(\`data\${i}\`, { region: "FINLAND-1", type: "NVMe", sizeGb: 100 + i }));
const nodes = [0, 1, 2, 3].map((i) => new barrack.Instance(\`node\${i}\`, {
  region: i < 2 ? "FINLAND-1" : "FINLAND-2", gpuModel: "H100-SXM5-80GB", gpuCount: 1, osImageId: "ubuntu-22.04-cuda-12.4",
  sshKeyIds: [keys[i].id], startupScriptId: scripts[i].id, volumeIds: i === 0 ? [volumes[0].id] : [],
  securityRules: [{ direction: "ingress", protocol: "tcp", portRangeMin: 22, portRangeMax: 22 }],
}));
[0, 1, 2, 3].map((i) => new barrack.Firewall(\`fw\${i}\`, {
  region: i < 2 ? "FINLAND-1" : "FINLAND-2",
  rules: [{ direction: "ingress", protocol: "tcp", portRangeMin: 443, portRangeMax: 443 }, { direction: "ingress", protocol: "icmp" }],
  instanceIds: i % 2 === 0 ? [nodes[i].id] : [],
}));
`;

/** The same 30 resources in Python, for the native plugin (`--plugin`). */
const PLUGIN_PROGRAM = `import pulumi_barrack as barrack

keys = [barrack.SshKey(f"key{i}") for i in range(6)]
scripts = [barrack.StartupScript(f"boot{i}", content=f"#!/bin/sh\\necho {i}\\n") for i in range(6)]
volumes = [barrack.Volume(f"data{i}", region="FINLAND-1", type="NVMe", size_gb=100 + i) for i in range(10)]
nodes = [
    barrack.Instance(
        f"node{i}",
        region="FINLAND-1" if i < 2 else "FINLAND-2", gpu_model="H100-SXM5-80GB", gpu_count=1, os_image_id="ubuntu-22.04-cuda-12.4",
        ssh_key_ids=[keys[i].id], startup_script_id=scripts[i].id, volume_ids=[volumes[0].id] if i == 0 else [],
        security_rules=[{"direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22}],
    )
    for i in range(4)
]
for i in range(4):
    barrack.Firewall(
        f"fw{i}",
        region="FINLAND-1" if i < 2 else "FINLAND-2",
        rules=[{"direction": "ingress", "protocol": "tcp", "port_range_min": 443, "port_range_max": 443}, {"direction": "ingress", "protocol": "icmp"}],
        instance_ids=[nodes[i].id] if i % 2 == 0 else [],
    )
`;

export interface RoundResult {
  round: number;
  /** Tries `up` needed (1 = converged on the first). */
  upTries: number;
  destroyTries: number;
  /** Objects in the account after the converged `up` (the program declares 30). */
  afterUp: number;
  duplicates: number;
  /** Objects left after the converged `destroy`. */
  leaks: number;
  seconds: number;
  firstUpError?: string;
  firstDestroyError?: string;
}

function parseArgs(argv: string[]): { rounds: number; json: boolean; plugin: boolean } {
  const at = argv.indexOf("--rounds");
  const rounds = at >= 0 ? Number(argv[at + 1]) : 20;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number ≥ 1, not ${argv[at + 1]}`);
  return { rounds, json: argv.includes("--json"), plugin: argv.includes("--plugin") };
}

async function main(): Promise<void> {
  const { rounds, json, plugin } = parseArgs(process.argv.slice(2));
  const binDir = pulumiBinDir();
  const project = plugin
    ? scratchProject("barrack-chaos-plugin", PLUGIN_PROGRAM, { runtime: "python", plugin: true })
    : scratchProject("barrack-chaos", PROGRAM);
  const emulator = await startEmulator({ port: 0, timeScale: 0.001, rateLimit: CHAOS_RATE_LIMIT });
  if (!json) console.log(`chaos: ${rounds} round(s) of a ${DECLARED}-resource stack, ${plugin ? "a Python program under the native plugin (pulumi-resource-barrack)" : "the dynamic resources (a TypeScript program)"}`);
  const results: RoundResult[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      emulator.reset();
      const started = Date.now();
      const stack = await project.stack(`round${round}`, binDir, { url: emulator.url, apiKey: emulator.apiKey });
      emulator.setFaults(CHAOS_FAULTS);
      const up = await untilOk(() => runPulumi(stack, ["up", "--yes"]));
      const inventory = emulator.inventory();
      const afterUp = Object.entries(inventory).filter(([k]) => k !== "balance" && k !== "costPerHour").reduce((n, [, v]) => n + (v as unknown[]).length, 0);
      const destroy = await untilOk(() => runPulumi(stack, ["destroy", "--yes"]));
      emulator.setFaults({});
      const after = emulator.inventory();
      const leaks = [after.instances, after.volumes, after.firewalls, after.sshKeys, after.scripts, after.snapshots, after.images].reduce((n, l) => n + l.length, 0);
      const result: RoundResult = {
        round, upTries: up.tries, destroyTries: destroy.tries, afterUp, duplicates: Math.max(0, afterUp - DECLARED), leaks,
        seconds: Math.round((Date.now() - started) / 1000),
        ...(up.firstError ? { firstUpError: up.firstError } : {}),
        ...(destroy.firstError ? { firstDestroyError: destroy.firstError } : {}),
      };
      results.push(result);
      if (!json) console.log(`round ${round}: up ${result.upTries === 1 ? "converged on the first try" : `needed ${result.upTries} tries`}, destroy ${result.destroyTries === 1 ? "first try" : `${result.destroyTries} tries`}, ${afterUp} objects after up, ${leaks} left after destroy (${result.seconds}s)${up.firstError ? `\n  first up failed: ${up.firstError}` : ""}${destroy.firstError ? `\n  first destroy failed: ${destroy.firstError}` : ""}`);
    }
  } finally {
    await emulator.stop();
    project.dispose();
  }
  const summary = {
    rounds,
    front: plugin ? "plugin" : "dynamic",
    faults: CHAOS_FAULTS,
    rateLimit: CHAOS_RATE_LIMIT,
    upFirstTry: results.filter((r) => r.upTries === 1).length,
    destroyFirstTry: results.filter((r) => r.destroyTries === 1).length,
    duplicates: results.reduce((n, r) => n + r.duplicates, 0),
    leaks: results.reduce((n, r) => n + r.leaks, 0),
    results,
  };
  if (json) {
    console.log(JSON.stringify(summary));
    return;
  }
  console.log(
    `\nfirst up converged in ${summary.upFirstTry}/${rounds} rounds (target ≥ ${Math.ceil(rounds * 0.95)}), first destroy in ${summary.destroyFirstTry}/${rounds}; ` +
      `${summary.duplicates} duplicates, ${summary.leaks} leaks (target 0 and 0)`,
  );
}

/** Runs `op` until it succeeds (at most 4 tries), keeping the first failure's last error line. */
async function untilOk(op: () => Promise<{ code: number; output: string }>): Promise<{ tries: number; firstError?: string }> {
  let firstError: string | undefined;
  for (let tries = 1; ; tries++) {
    const { code, output } = await op();
    if (code === 0) return { tries, ...(firstError ? { firstError } : {}) };
    firstError ??= output.split("\n").map((l) => l.trim()).filter((l) => /error/i.test(l) && !l.startsWith("at ") && !/^\d+ errored|^error: update failed/.test(l)).slice(0, 3).join(" | ").slice(0, 800);
    if (tries >= 4) throw new Error(`gave up after ${tries} tries; first error: ${firstError}`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`chaos: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
