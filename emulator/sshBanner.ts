/**
 * SSH banners for emulated instances, so that "wait until SSH answers" can be tested against the emulator.
 *
 * Opt-in (`startEmulator({ sshBanner: { bootDelayMs: 500 } })`, CLI `--ssh-banner 500`): instances then get
 * loopback addresses (127.A.B.C, unique per emulator) instead of TEST-NET ones, and once an instance has been
 * ACTIVE for `bootDelayMs` (real milliseconds, not scaled: sshd starts after the API says ACTIVE), a TCP
 * server bound to that instance's address only, on port 22, answers every connection with an SSH
 * identification line (`SSH-2.0-…`). Before that the port refuses connections, as a booting machine's does.
 * The server closes when the instance leaves ACTIVE (stop, hibernate, reboot, delete), loses its public IP,
 * or the emulator stops. Port 22 needs root (or CAP_NET_BIND_SERVICE); `port` changes it.
 *
 * The emulator's transitions are lazy (applied on each request), so `sync` runs after each request: an
 * instance is "seen ACTIVE" by the request that brings it there (a client polling it, typically).
 */
import { randomInt } from "node:crypto";
import * as net from "node:net";

export interface SshBannerOptions {
  /** Real milliseconds between an instance being seen ACTIVE and its port 22 answering. Default 0. */
  bootDelayMs?: number;
  /** The identification line sent on connect (without CRLF). Default an OpenSSH-like "SSH-2.0-…" line. */
  banner?: string;
  /** Default 22. */
  port?: number;
}

export const DEFAULT_SSH_BANNER = "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10 (barrack-emulator)";

/** What `sync` needs of an instance record. */
export interface BannerInstance {
  vm_id: string;
  status: string;
  ip_address: string | null;
}

/**
 * Maps the store's address counter to 127.A.B.C. A (2–254) and a starting offset are random per emulator,
 * so that emulators in parallel test processes (each binding port 22 on its instances' addresses) do not
 * hand out the same address; within one emulator every address is distinct (64 000 of them).
 */
export function loopbackAddresses(): (n: number) => string {
  const a = randomInt(2, 255);
  const offset = randomInt(0, 200 * 250);
  return (n) => {
    const k = (n + offset) % (256 * 250);
    return `127.${a}.${Math.floor(k / 250)}.${(k % 250) + 1}`;
  };
}

export function isLoopback(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

interface Entry {
  address: string;
  timer?: NodeJS.Timeout;
  server?: net.Server;
  sockets: Set<net.Socket>;
  /** Set when listening failed (e.g. the address is taken), for `listening()`. */
  error?: string;
}

export class SshBanners {
  private readonly entries = new Map<string, Entry>();
  private readonly bootDelayMs: number;
  private readonly banner: string;
  private readonly port: number;
  private closed = false;

  constructor(options: SshBannerOptions = {}) {
    this.bootDelayMs = options.bootDelayMs ?? 0;
    this.banner = options.banner ?? DEFAULT_SSH_BANNER;
    this.port = options.port ?? 22;
    if (!(this.bootDelayMs >= 0) || !Number.isFinite(this.bootDelayMs)) throw new Error(`sshBanner.bootDelayMs must be a number ≥ 0 (got ${options.bootDelayMs})`);
    if (!Number.isInteger(this.port) || this.port < 0 || this.port > 65535) throw new Error(`sshBanner.port must be a port number (got ${options.port})`);
    if (/[\r\n]/.test(this.banner)) throw new Error("sshBanner.banner must be one line");
  }

  /** Opens a (delayed) server for each ACTIVE instance with a loopback address; closes the others'. */
  sync(instances: Iterable<BannerInstance> | Record<string, BannerInstance>): void {
    if (this.closed) return;
    const list = Symbol.iterator in Object(instances) ? (instances as Iterable<BannerInstance>) : Object.values(instances as Record<string, BannerInstance>);
    const live = new Map<string, string>();
    for (const vm of list) {
      if (vm.status === "ACTIVE" && vm.ip_address !== null && isLoopback(vm.ip_address)) live.set(vm.vm_id, vm.ip_address);
    }
    for (const [id, entry] of this.entries) if (live.get(id) !== entry.address) this.drop(id);
    for (const [id, address] of live) if (!this.entries.has(id)) this.open(id, address);
  }

  /** The instances whose port answers now (or failed to listen), for tests and debugging. */
  listening(): { vmId: string; address: string; port: number; ready: boolean; error?: string }[] {
    return [...this.entries].map(([vmId, e]) => ({ vmId, address: e.address, port: this.port, ready: e.server?.listening ?? false, ...(e.error ? { error: e.error } : {}) }));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.entries.keys()].map((id) => this.drop(id)));
  }

  private open(id: string, address: string): void {
    const entry: Entry = { address, sockets: new Set() };
    this.entries.set(id, entry);
    const listen = () => {
      entry.timer = undefined;
      const server = net.createServer((socket) => {
        entry.sockets.add(socket);
        socket.on("close", () => entry.sockets.delete(socket));
        socket.on("error", () => socket.destroy());
        // Like sshd: identify, then wait for the client's line; give up on idle clients.
        socket.setTimeout(10_000, () => socket.destroy());
        socket.write(`${this.banner}\r\n`);
      });
      server.on("error", (error: NodeJS.ErrnoException) => {
        entry.error = `cannot listen on ${address}:${this.port}: ${error.code ?? error.message}`;
        process.emitWarning(`barrack-emulator: ${entry.error}`);
      });
      entry.server = server;
      server.listen({ port: this.port, host: address, exclusive: true });
      server.unref();
    };
    if (this.bootDelayMs === 0) listen();
    else {
      entry.timer = setTimeout(listen, this.bootDelayMs);
      entry.timer.unref();
    }
  }

  private drop(id: string): Promise<void> {
    const entry = this.entries.get(id);
    this.entries.delete(id);
    if (!entry) return Promise.resolve();
    if (entry.timer) clearTimeout(entry.timer);
    for (const socket of entry.sockets) socket.destroy();
    const server = entry.server;
    if (!server?.listening) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
