/**
 * What every `barrack` subcommand shares: the connection options (`--endpoint`, `--api-key`,
 * `--auth-scheme`, else BARRACK_API_URL / BARRACK_API_KEY / BARRACK_AUTH_SCHEME), the client built from
 * them, and how a command fails (one line on stderr, never the key, a non-zero exit).
 */
import type { Command } from "commander";
import { BarrackClient } from "../client";
import { redact } from "../client/redact";
import { resolveSettings, type AuthScheme } from "../config";

export interface ConnectionOptions {
  endpoint?: string;
  apiKey?: string;
  authScheme?: string;
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
    .option("--auth-scheme <scheme>", "bearer or x-api-key (default: $BARRACK_AUTH_SCHEME or bearer)");
}

/** Flags over environment (resolveSettings), validated as the client validates them. */
export function settingsFrom(opts: ConnectionOptions): Settings {
  if (!nonBlank(opts.apiKey) && !nonBlank(process.env.BARRACK_API_KEY)) {
    throw new CliError("No Barrack API key: set BARRACK_API_KEY in the environment (or pass --api-key)");
  }
  const s = resolveSettings({ apiKey: opts.apiKey, endpoint: opts.endpoint, authScheme: opts.authScheme });
  // The client normalises and checks the URL (https, or http only to loopback).
  const client = new BarrackClient({ ...s, maxRetries: 0 });
  return { apiKey: s.apiKey, baseUrl: client.baseUrl, authScheme: s.authScheme };
}

const nonBlank = (v: string | undefined): string | undefined => (v !== undefined && v.trim() !== "" ? v : undefined);

/** A client for the CLI: the provider's settings, a few quick retries. */
export function clientFrom(opts: ConnectionOptions, extra: { maxRetries?: number; timeoutMs?: number } = {}): BarrackClient {
  const s = settingsFrom(opts);
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
  return [opts.apiKey, process.env.BARRACK_API_KEY].filter((s): s is string => typeof s === "string" && s.trim() !== "");
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
