/**
 * jest globalSetup: locate or build the Pulumi CLI once per test run, before the workers start.
 *
 * Add to jest.config.js:  globalSetup: "<rootDir>/tests/e2e/harness/globalSetup.ts",
 *
 * It never fails the run itself (unit tests still run); the outcome goes to the workers through the
 * environment, and every test that calls `pulumiBinDir()` / `createTestStack()` then fails with the
 * reason (`PulumiCliUnavailableError`). An explicit PULUMI_BARRACK_BIN_DIR is validated, not rebuilt.
 *
 * It prints the combination under test (node, @pulumi/pulumi, CLI), and refuses a CLI whose version is
 * not the installed @pulumi/pulumi's (each CI leg pairs them, see .ci/run).
 */
import { BIN_DIR_ENV, CLI_ERROR_ENV, checkBinDir, cliVersion, runEnsurePulumi, sdkVersion } from "./cli";

/** Records why the CLI in `dir` is not the one to use, or prints what is under test. */
function checkVersions(dir: string, origin: string): void {
  let sdk: string;
  try {
    sdk = sdkVersion();
  } catch (err) {
    process.env[CLI_ERROR_ENV] = `cannot read the installed @pulumi/pulumi's version: ${(err as Error).message}`;
    return;
  }
  const cli = cliVersion(dir);
  if (cli !== `v${sdk}`) {
    process.env[CLI_ERROR_ENV] =
      `${origin}: ${dir}/pulumi ${cli ? `is ${cli}` : "does not run `pulumi version`"}, but @pulumi/pulumi ${sdk} is ` +
      `installed: the CLI and the SDK must be the same version (PULUMI_VERSION=${sdk} bash scripts/ensure-pulumi.sh)`;
    return;
  }
  process.stderr.write(`e2e harness: node ${process.version}, @pulumi/pulumi ${sdk}, pulumi CLI ${cli} (${dir})\n`);
}

export default async function globalSetup(): Promise<void> {
  delete process.env[CLI_ERROR_ENV];
  const given = process.env[BIN_DIR_ENV];
  if (given) {
    const problem = checkBinDir(given);
    if (problem) process.env[CLI_ERROR_ENV] = `${BIN_DIR_ENV}=${given}: ${problem}`;
    else checkVersions(given, `${BIN_DIR_ENV}=${given}`);
  } else {
    const started = Date.now();
    const outcome = await runEnsurePulumi();
    if (outcome.binDir) {
      process.env[BIN_DIR_ENV] = outcome.binDir;
      const seconds = (Date.now() - started) / 1000;
      if (seconds > 5) process.stderr.write(`e2e harness: Pulumi CLI ready in ${seconds.toFixed(0)}s (${outcome.binDir})\n`);
      checkVersions(outcome.binDir, "scripts/ensure-pulumi.sh");
    } else {
      process.env[CLI_ERROR_ENV] = outcome.error ?? "unknown error";
    }
  }
  if (process.env[CLI_ERROR_ENV]) {
    process.stderr.write(
      `\ne2e harness: WARNING: the Pulumi CLI is unavailable; every end-to-end test will FAIL:\n${process.env[CLI_ERROR_ENV]}\n\n`,
    );
  }
}
