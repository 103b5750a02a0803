/**
 * End-to-end: a 30-resource stack under ~20 % mixed faults and a rate limit converges on the FIRST
 * `pulumi up` and the FIRST `pulumi destroy`, with no duplicate and no leak. Runs `scripts/chaos.ts`
 * (the same rounds `npm run chaos` prints for 20 rounds) for two rounds, under the real engine.
 */
import { execFile } from "child_process";
import * as path from "path";
import { REPO_ROOT, pulumiBinDir } from "./harness";

jest.setTimeout(900_000);

interface Summary {
  rounds: number;
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
      [path.join(REPO_ROOT, "dist", "scripts", "chaos.js"), "--rounds", String(rounds), "--json"],
      { env: { ...process.env, PULUMI_BARRACK_BIN_DIR: pulumiBinDir() }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`chaos script failed: ${stderr || error.message}`));
        resolve(JSON.parse(stdout.trim().split("\n").pop()!) as Summary);
      },
    );
  });
}

it("converges on the first up and the first destroy, with 0 duplicates and 0 leaks", async () => {
  const summary = await chaos(2);
  const failures = summary.results.flatMap((r) => [r.firstUpError, r.firstDestroyError]).filter(Boolean);
  expect({ ...summary, failures }).toMatchObject({ upFirstTry: 2, destroyFirstTry: 2, duplicates: 0, leaks: 0, failures: [] });
  for (const round of summary.results) expect(round.afterUp).toBe(30);
});
