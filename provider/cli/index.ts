#!/usr/bin/env node
/**
 * `barrack`: the pulumi-barrack command line.
 *
 *   barrack import [--region R] [--type volume,instance,…] [--out FILE]   a Pulumi program adopting the account's objects
 *   barrack doctor [--json]                                              read-only check of the endpoint against the contract
 *   barrack sweep --prefix P [--yes]                                     delete every object named P…, in dependency order
 *   barrack emulator [flags]                                             the local API emulator (as barrack-emulator)
 *
 * Connection: --endpoint / --api-key / --auth-scheme, else BARRACK_API_URL / BARRACK_API_KEY /
 * BARRACK_AUTH_SCHEME (the provider's own settings). The key is never printed. A failure is one line on
 * stderr and a non-zero exit.
 */
import { Command, CommanderError } from "commander";
import { registerDoctor } from "./doctor";
import { registerEmulator } from "./emulator";
import { registerImport } from "./importer";
import { CliError, oneLine, processIo, secretsOf, type ConnectionOptions, type Io } from "./options";
import { registerSweep } from "./sweep";

/** The package's version: package.json is two levels up from the sources, three from dist/. */
const VERSION: string = (() => {
  for (const p of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = require(p) as { name?: string; version?: string };
      if (pkg.name === "pulumi-barrack" && pkg.version) return pkg.version;
    } catch {
      // next
    }
  }
  return "0.0.0";
})();

/** Runs `barrack` with `argv` (without node and the script); resolves to the exit code. */
export async function runCli(argv: string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name("barrack")
    .description("pulumi-barrack command line: adopt an account into Pulumi, check an endpoint, sweep test objects, run the emulator")
    .version(VERSION)
    .showHelpAfterError("(barrack --help for usage)")
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();

  const run = async (action: () => Promise<unknown>, opts: ConnectionOptions = {}): Promise<void> => {
    try {
      await action();
    } catch (e) {
      io.err(`barrack: ${oneLine(e, secretsOf(opts))}\n`);
      exitCode = e instanceof CliError ? e.exitCode : 1;
    }
  };
  registerImport(program, io, run);
  registerDoctor(program, io, run);
  registerSweep(program, io, run);
  registerEmulator(program, io, run);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    io.err(`barrack: ${oneLine(e, secretsOf())}\n`);
    return 1;
  }
  return exitCode;
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      // The emulator keeps running (it has its own signal handlers); everything else exits now.
      if (code !== 0 || process.argv[2] !== "emulator") process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`barrack: ${oneLine(e, secretsOf())}\n`);
      process.exit(1);
    },
  );
}
