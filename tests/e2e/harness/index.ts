/**
 * End-to-end test harness: real Pulumi engine (the CLI of the installed @pulumi/pulumi's version, found or
 * built by scripts/ensure-pulumi.sh), isolated per-stack temp dirs, offline. See stack.ts for the stack API and cli.ts for how the CLI is found.
 */
export * from "./cli";
export * from "./results";
export * from "./stack";
