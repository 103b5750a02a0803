/**
 * jest globalSetup: locate or build the Pulumi CLI once per test run, before the workers start.
 *
 * Add to jest.config.js:  globalSetup: "<rootDir>/tests/e2e/harness/globalSetup.ts",
 *
 * It never fails the run itself (unit tests still run); the outcome goes to the workers through the
 * environment, and every test that calls `pulumiBinDir()` / `createTestStack()` then fails with the
 * reason (`PulumiCliUnavailableError`). An explicit PULUMI_BARRACK_BIN_DIR is validated, not rebuilt.
 */
import { BIN_DIR_ENV, CLI_ERROR_ENV, checkBinDir, runEnsurePulumi } from "./cli";

export default async function globalSetup(): Promise<void> {
  delete process.env[CLI_ERROR_ENV];
  const given = process.env[BIN_DIR_ENV];
  if (given) {
    const problem = checkBinDir(given);
    if (problem) process.env[CLI_ERROR_ENV] = `${BIN_DIR_ENV}=${given}: ${problem}`;
    return;
  }
  const started = Date.now();
  const outcome = await runEnsurePulumi();
  if (outcome.binDir) {
    process.env[BIN_DIR_ENV] = outcome.binDir;
    const seconds = (Date.now() - started) / 1000;
    if (seconds > 5) process.stderr.write(`e2e harness: Pulumi CLI ready in ${seconds.toFixed(0)}s (${outcome.binDir})\n`);
  } else {
    process.env[CLI_ERROR_ENV] = outcome.error ?? "unknown error";
    process.stderr.write(
      `\ne2e harness: WARNING: the Pulumi CLI is unavailable; every end-to-end test will FAIL:\n${process.env[CLI_ERROR_ENV]}\n\n`,
    );
  }
}
