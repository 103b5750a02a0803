/**
 * "Ready" beyond the API's ACTIVE: wait until the instance's SSH port accepts a TCP connection and
 * identifies itself with an SSH banner (`SSH-2.0-…`, RFC 4253 §4.2), as `ssh` would need.
 *
 * Only node:net: no SSH handshake, no credentials. Each attempt is bounded (connect + banner within
 * `attemptTimeoutMs`), attempts back off (doubling up to `maxDelayMs`), and the whole wait ends at a
 * deadline, after which it throws saying how long it waited and what it saw last.
 */
import * as net from "node:net";

export const SSH_PORT = 22;
/** Default `waitFor.timeout`. */
export const DEFAULT_SSH_WAIT = "10m";

export type SshProbe =
  | { ok: true; banner: string }
  | { ok: false; kind: "refused" | "timeout" | "no-banner" | "unreachable" | "no-address"; detail: string };

/** An SSH identification line: "SSH-2.0-…" (or "SSH-1.99-…", a server that also speaks 2.0). */
const IDENT = /^SSH-(2\.0|1\.99)-\S/;
/** RFC 4253 allows other lines before the identification; sshd's is at most 255 bytes. Stop reading after this. */
const MAX_PREAMBLE_BYTES = 8192;

/** One connection attempt: connect, read until an identification line, close. Never throws. */
export function probeSsh(host: string, port: number = SSH_PORT, timeoutMs = 5000): Promise<SshProbe> {
  return new Promise((resolve) => {
    let connected = false;
    let received = "";
    let done = false;
    const socket = net.connect({ host, port });
    const finish = (result: SshProbe) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => {
      finish(
        connected
          ? { ok: false, kind: "no-banner", detail: `connected, but no SSH banner within ${seconds(timeoutMs)}${received ? ` (got ${quote(received)})` : ""}` }
          : { ok: false, kind: "timeout", detail: `no answer to the connection within ${seconds(timeoutMs)}` },
      );
    }, timeoutMs);
    socket.setNoDelay(true);
    socket.on("connect", () => {
      connected = true;
    });
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      // The identification may follow other lines; a partial one ("SSH-2.0-Open…") is enough to know it is SSH.
      const ident = received.split(/\r?\n/).find((line) => IDENT.test(line));
      if (ident !== undefined) return finish({ ok: true, banner: ident.trim() });
      if (received.length > MAX_PREAMBLE_BYTES) finish({ ok: false, kind: "no-banner", detail: `answered without an SSH banner (got ${quote(received)})` });
    });
    socket.on("end", () => {
      finish({ ok: false, kind: "no-banner", detail: received ? `answered without an SSH banner (got ${quote(received)})` : "accepted the connection, then closed it without a banner" });
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNREFUSED") return finish({ ok: false, kind: "refused", detail: "connection refused" });
      if (error.code === "ECONNRESET" && connected) return finish({ ok: false, kind: "no-banner", detail: "accepted the connection, then reset it without a banner" });
      if (error.code === "ETIMEDOUT") return finish({ ok: false, kind: "timeout", detail: "the connection timed out" });
      finish({ ok: false, kind: "unreachable", detail: `cannot connect (${error.code ?? error.message})` });
    });
  });
}

export interface SshWaitOptions {
  /** The address to probe, read again before each attempt (a public IP can arrive after ACTIVE); undefined: none yet. */
  address(): Promise<string | undefined>;
  /** Epoch ms: the last attempt starts before it. */
  deadline: number;
  /** A progress line per attempt. */
  log(message: string): void;
  port?: number;
  /** Bound on one attempt (connect + banner). Default 5 s. */
  attemptTimeoutMs?: number;
  /** First pause between attempts, doubled each time up to `maxDelayMs`. Defaults 250 ms and 5 s. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export interface SshReady {
  address: string;
  banner: string;
  waitedMs: number;
  attempts: number;
}

/** The wait ran out: what it last saw, and for how long it tried. */
export class SshWaitTimeout extends Error {
  constructor(
    message: string,
    readonly waitedMs: number,
    readonly attempts: number,
    readonly last: SshProbe,
  ) {
    super(message);
    this.name = "SshWaitTimeout";
  }
}

/** Probes until a banner answers; throws `SshWaitTimeout` at the deadline. */
export async function waitForSsh(options: SshWaitOptions): Promise<SshReady> {
  const port = options.port ?? SSH_PORT;
  const started = Date.now();
  const attemptTimeout = options.attemptTimeoutMs ?? 5000;
  const maxDelay = options.maxDelayMs ?? 5000;
  let delay = Math.min(options.minDelayMs ?? 250, maxDelay);
  let attempts = 0;
  let where = `port ${port}`;
  for (;;) {
    attempts++;
    const address = await options.address();
    where = address === undefined ? `port ${port}` : `${address}:${port}`;
    const remaining = options.deadline - Date.now();
    const result: SshProbe =
      address === undefined
        ? { ok: false, kind: "no-address", detail: "no public IP address yet" }
        : await probeSsh(address, port, Math.max(100, Math.min(attemptTimeout, remaining)));
    const waited = Date.now() - started;
    if (result.ok) {
      options.log(`SSH answers on ${where} after ${duration(waited)} (${attempts} attempt${attempts === 1 ? "" : "s"}): ${result.banner}`);
      return { address: address as string, banner: result.banner, waitedMs: waited, attempts };
    }
    if (Date.now() >= options.deadline) {
      throw new SshWaitTimeout(
        `SSH did not answer on ${where} within ${duration(waited)} (${attempts} attempt${attempts === 1 ? "" : "s"}; last: ${result.detail})`,
        waited,
        attempts,
        result,
      );
    }
    options.log(`waiting for SSH on ${where}: ${result.detail} (attempt ${attempts}, ${duration(waited)} elapsed)`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(delay, options.deadline - Date.now()))));
    delay = Math.min(delay * 2, maxDelay);
  }
}

/** "850ms", "42s", "3m05s", "1h02m". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`;
}

/** A short, printable excerpt of what a non-SSH service sent. */
function quote(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]+/g, " ").trim();
  return JSON.stringify(printable.length > 40 ? `${printable.slice(0, 40)}…` : printable);
}
