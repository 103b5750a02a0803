/**
 * `barrack emulator …`: runs the local Barrack API emulator, with the same flags as `barrack-emulator`
 * (which stays as an alias). The emulator is loaded only when this command runs: its dependencies
 * (fastify, write-file-atomic) are optional peers that a user's install may not have.
 */
import type { Command } from "commander";
import { CliError, type Io } from "./options";

/** The emulator's own dependencies (optional peers of pulumi-barrack). */
export const EMULATOR_DEPENDENCIES = ["fastify", "write-file-atomic"] as const;

export function missingEmulatorDependencies(resolve: (id: string) => string = require.resolve): string[] {
  return EMULATOR_DEPENDENCIES.filter((dep) => {
    try {
      resolve(dep);
      return false;
    } catch {
      return true;
    }
  });
}

export async function runEmulator(args: string[]): Promise<void> {
  const missing = missingEmulatorDependencies();
  if (missing.length > 0) {
    throw new CliError(`the emulator needs ${missing.join(" and ")}, which are not installed: run \`npm install --save-dev ${missing.join(" ")}\`, then \`npx barrack emulator\` again`);
  }
  // Loaded here, not at the top: `barrack import/doctor/sweep` must work without the emulator's dependencies.
  const cli = await import("../../emulator/cli");
  await cli.main(["node", "barrack emulator", ...args], "barrack emulator");
}

export function registerEmulator(program: Command, _io: Io, run: (action: () => Promise<unknown>) => Promise<void>): void {
  program
    .command("emulator")
    .description("run the local emulator of the Barrack API (same flags as barrack-emulator; `barrack emulator --help`)")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[flags...]")
    .action(async (_flags: string[], _opts: unknown, cmd: Command) => run(() => runEmulator(cmd.args)));
}
