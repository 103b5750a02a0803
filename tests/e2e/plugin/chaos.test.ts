/**
 * End-to-end, the native plugin: tests/e2e/chaos.test.ts for a PYTHON program (the generated SDK,
 * `pulumi_barrack`) whose 30 resources the plugin `pulumi-resource-barrack` serves. Under ~20 % mixed
 * faults and a rate limit the stack converges on the FIRST `pulumi up` and the FIRST `pulumi destroy`,
 * with no duplicate and no leak. Runs `scripts/chaos.ts --plugin` (the rounds `npm run chaos -- --plugin`
 * prints) for two rounds, under the real engine.
 *
 * Never skipped: without the CLI, the plugin archive or a Python virtualenv, the suite fails saying why.
 */
import { execFile } from "child_process";
import * as path from "path";
import { REPO_ROOT, pulumiBinDir } from "../harness";

jest.setTimeout(900_000);

interface Summary {
  rounds: number;
  front: string;
  upFirstTry: number;
  destroyFirstTry: number;
  duplicates: number;
  leaks: number;
  results: { afterUp: number; firstUpError?: string; firstDestroyError?: string }[];
}

function chaos(rounds: number): Promise<Summary> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, "dist", "scripts", "chaos.js"), "--plugin", "--rounds", String(rounds), "--json"],
      { env: { ...process.env, PULUMI_BARRACK_BIN_DIR: pulumiBinDir() }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`chaos script failed: ${stderr || error.message}`));
        resolve(JSON.parse(stdout.trim().split("\n").pop()!) as Summary);
      },
    );
  });
}

it("under the plugin, converges on the first up and the first destroy, with 0 duplicates and 0 leaks", async () => {
  const summary = await chaos(2);
  const failures = summary.results.flatMap((r) => [r.firstUpError, r.firstDestroyError]).filter(Boolean);
  expect({ ...summary, failures }).toMatchObject({ front: "plugin", upFirstTry: 2, destroyFirstTry: 2, duplicates: 0, leaks: 0, failures: [] });
  for (const round of summary.results) expect(round.afterUp).toBe(30);
});
