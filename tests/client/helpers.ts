/** Test helpers for the client suites: a throwaway local HTTP server and secret-leak assertions. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import util from "node:util";

/** Distinctive, so a leak anywhere is unmistakable. */
export const SECRET_KEY = "brk_test_SECRET_9f8e7d6c5b4a_DoNotLeak";

export interface FakeRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface FakeServer {
  url: string;
  port: number;
  requests: FakeRequest[];
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

export type FakeHandler = (req: FakeRequest, res: http.ServerResponse, raw: http.IncomingMessage) => void | Promise<void>;

/** Starts a server on 127.0.0.1:<random> that records every request and hands it to `handler`. */
export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const sockets = new Set<import("node:net").Socket>();
  const state = { requests: [] as FakeRequest[], inFlight: 0, maxInFlight: 0 };
  const server = http.createServer((raw, res) => {
    let body = "";
    raw.on("data", (c: Buffer) => (body += c.toString()));
    raw.on("end", () => {
      const req: FakeRequest = { method: raw.method ?? "", url: raw.url ?? "", headers: raw.headers, body, at: Date.now() };
      state.requests.push(req);
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      let done = false;
      const finish = () => {
        if (!done) {
          done = true;
          state.inFlight--;
        }
      };
      res.on("finish", finish);
      res.on("close", finish);
      void Promise.resolve(handler(req, res, raw)).catch((e: unknown) => {
        res.destroy(e instanceof Error ? e : new Error(String(e)));
      });
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    port,
    get requests() {
      return state.requests;
    },
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A free port with nothing listening (for ECONNREFUSED). */
export async function closedPort(): Promise<number> {
  const s = await startFakeServer(() => undefined);
  await s.close();
  return s.port;
}

/** Collects logger lines. */
export function captureLogger(): { lines: string[]; logger: (line: string) => void } {
  const lines: string[] = [];
  return { lines, logger: (line) => lines.push(line) };
}

/** Every way an error could be printed, and fails if the secret is in any of them. */
export function expectNoSecret(value: unknown, secret: string = SECRET_KEY): void {
  const renderings = [
    value instanceof Error ? value.message : "",
    value instanceof Error ? (value.stack ?? "") : "",
    JSON.stringify(value) ?? "",
    util.inspect(value, { depth: 20, showHidden: true }),
    String(value),
  ];
  for (const text of renderings) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
  }
}

/** Awaits a promise expected to reject and returns the rejection. */
export async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected the promise to reject, but it resolved");
}

/** A complete, schema-valid instance object (decision 5), for fake servers. */
export function instanceFixture(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    vm_id: "BRK-000001D",
    vm_name: "gpu-box",
    region: "FINLAND-1",
    tier: "advanced",
    gpu_model: "H100-SXM5",
    gpu_count: 1,
    status: "ACTIVE",
    flavor: { vcpus: 16, ram_gb: 128, disk_gb: 100 },
    boot_source: "os_image",
    os_image_id: "ubuntu-22.04",
    boot_volume_id: null,
    image_id: null,
    source_snapshot_id: null,
    ssh_key_ids: [],
    startup_script_id: null,
    public_ip: true,
    ip_address: "203.0.113.7",
    security_rules: [],
    volume_ids: [],
    firewall_ids: [],
    per_minute_rate: 0.0415,
    currency: "USD",
    created_at: "2025-01-15T10:30:00Z",
    ...overrides,
  };
}

export function volumeFixture(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    volume_id: "BRK-000001V",
    name: "data",
    region: "FINLAND-1",
    tier: "advanced",
    size_gb: 100,
    volume_type: "NVMe",
    bootable: false,
    image_id: null,
    status: "available",
    attached_to: null,
    created_at: "2025-01-15T10:30:00Z",
    ...overrides,
  };
}
