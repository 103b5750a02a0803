/**
 * What every `barrack` subcommand shares: the connection options (`--endpoint`, `--api-key`,
 * `--auth-scheme`, else BARRACK_API_URL / BARRACK_API_KEY / BARRACK_AUTH_SCHEME, else, inside a Pulumi
 * project, its stack's `barrack:*` config), the client built from them, and how a command fails (one
 * line on stderr, never the key, a non-zero exit).
 */
import { execFileSync } from "child_process";
import type { Command } from "commander";
import { BarrackClient } from "../client";
import { redact } from "../client/redact";
import { resolveSettings, type AuthScheme } from "../config";
import { nonBlank } from "../engine/values";
import { findProjectFile } from "../deployment/workspace";

export interface ConnectionOptions {
  endpoint?: string;
  apiKey?: string;
  authScheme?: string;
  /** The Pulumi stack whose `barrack:*` config is used when no key is given (default: the selected one). */
  stack?: string;
}

export interface Settings {
  apiKey: string;
  baseUrl: string;
  authScheme: AuthScheme;
}

/** Adds the connection options to a (sub)command. */
export function withConnectionOptions(cmd: Command): Command {
  return cmd
    .option("--endpoint <url>", "API base URL (default: $BARRACK_API_URL or https://barrack.ai/api/)")
    .option("--api-key <key>", "API key (default: $BARRACK_API_KEY; prefer the environment variable, a flag shows in `ps`)")
    .option("--auth-scheme <scheme>", "bearer or x-api-key (default: $BARRACK_AUTH_SCHEME or bearer)")
    .option("--stack <name>", "in a Pulumi project without a key given: the stack whose barrack:* config to use (default: the selected stack)");
}

/**
 * Flags over environment (resolveSettings), validated as the client validates them. With no key from
 * either, inside a Pulumi project: its stack's connection, saying so on `note` (so that the command a
 * provider warning names, run where `pulumi up` ran, reaches the account that stack deploys to).
 */
export function settingsFrom(opts: ConnectionOptions, note: (line: string) => void = () => undefined): Settings {
  let given = opts;
  if (!nonBlank(opts.apiKey) && !nonBlank(process.env.BARRACK_API_KEY)) {
    const fromStack = stackConnection(opts.stack);
    if (typeof fromStack === "string") {
      throw new CliError(`No Barrack API key: set BARRACK_API_KEY in the environment (or pass --api-key)${fromStack}`);
    }
    stackSecrets.add(fromStack.apiKey);
    note(
      `barrack: using stack ${fromStack.stack}'s barrack:apiKey${fromStack.endpoint ? ` and barrack:endpoint ${fromStack.endpoint}` : ""} (from \`pulumi config\`)\n`,
    );
    // Flags and environment still win over the stack's endpoint and scheme.
    given = {
      apiKey: fromStack.apiKey,
      endpoint: nonBlank(opts.endpoint) ?? nonBlank(process.env.BARRACK_API_URL) ?? fromStack.endpoint,
      authScheme: nonBlank(opts.authScheme) ?? nonBlank(process.env.BARRACK_AUTH_SCHEME) ?? fromStack.authScheme,
    };
  }
  const s = resolveSettings({ apiKey: given.apiKey, endpoint: given.endpoint, authScheme: given.authScheme });
  // The client normalises and checks the URL (https, or http only to loopback).
  const client = new BarrackClient({ ...s, maxRetries: 0 });
  return { apiKey: s.apiKey, baseUrl: client.baseUrl, authScheme: s.authScheme };
}

/** Keys read from a stack's config: redacted like the others. */
const stackSecrets = new Set<string>();

/**
 * The `barrack:*` connection of the project's stack (`pulumi config --json --show-secrets`), or the
 * reason there is none, as a clause for the no-key error ("" outside a Pulumi project).
 */
export function stackConnection(stack: string | undefined, cwd = process.cwd()): { stack: string; apiKey: string; endpoint?: string; authScheme?: string } | string {
  if (findProjectFile(cwd) === undefined) return ""; // no project: no stack to read
  const pulumi = (args: string[]) =>
    execFileSync("pulumi", [...args, ...(stack ? ["--stack", stack] : []), "--non-interactive"], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
  let config: Record<string, { value?: unknown } | undefined>;
  let name: string;
  try {
    config = JSON.parse(pulumi(["config", "--json", "--show-secrets"])) as typeof config;
    name = pulumi(["stack", "--show-name"]).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "; `pulumi` is not on PATH to read the stack's barrack:apiKey";
    const said = String((e as { stderr?: unknown }).stderr ?? (e as Error).message).split("\n").map((l) => l.trim()).filter((l) => l !== "").pop() ?? "";
    return `; the stack's barrack:apiKey could not be read with \`pulumi config\` (${said.slice(0, 200)})`;
  }
  const value = (key: string) => {
    const v = config[`barrack:${key}`]?.value;
    return nonBlank(typeof v === "string" ? v : undefined);
  };
  const apiKey = value("apiKey");
  if (apiKey === undefined) return `; stack ${name} has no barrack:apiKey either`;
  return { stack: name, apiKey, endpoint: value("endpoint"), authScheme: value("authScheme") };
}

/** A client for the CLI: the provider's settings, a few quick retries. */
export function clientFrom(opts: ConnectionOptions, extra: { maxRetries?: number; timeoutMs?: number; note?: (line: string) => void } = {}): BarrackClient {
  const s = settingsFrom(opts, extra.note);
  return new BarrackClient({
    ...s,
    maxRetries: extra.maxRetries ?? 3,
    retryBaseDelayMs: 200,
    retryMaxDelayMs: 5000,
    timeoutMs: extra.timeoutMs ?? 30_000,
    userAgent: "pulumi-barrack-cli",
  });
}

/** An error a command reports as its one-line reason. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "CliError";
  }
}

/** The key as the command knows it (flag or environment), to redact it from anything printed. */
export function secretsOf(opts: ConnectionOptions = {}): string[] {
  return [opts.apiKey, process.env.BARRACK_API_KEY, ...stackSecrets].filter((s): s is string => typeof s === "string" && s.trim() !== "");
}

/** One line: the first line of the message, the key redacted. */
export function oneLine(e: unknown, secrets: readonly string[]): string {
  const text = e instanceof Error ? e.message : String(e);
  const first = text.split(/\r?\n/).find((l) => l.trim() !== "") ?? "unknown error";
  return redact(first.trim(), secrets);
}

/** Where the CLI writes: injectable for tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};
