/**
 * Client behaviour that needs a server misbehaving in ways the emulator does not offer (wrong shapes,
 * hangs, redirects, refused connections) or server-side observation (in-flight count, arrival times).
 * Each test runs a throwaway server on 127.0.0.1.
 */
import {
  BarrackClient,
  BarrackConnectionError,
  BarrackError,
  BarrackResponseError,
  BarrackTimeoutError,
  configureSharedLimiter,
  sharedLimiterSettings,
  type BarrackClientOptions,
} from "../../provider/client";
import {
  SECRET_KEY,
  captureLogger,
  closedPort,
  expectNoSecret,
  instanceFixture,
  rejectionOf,
  sendJson,
  sleep,
  startFakeServer,
  volumeFixture,
  type FakeServer,
} from "./helpers";

const servers: FakeServer[] = [];
async function server(handler: Parameters<typeof startFakeServer>[0]): Promise<FakeServer> {
  const s = await startFakeServer(handler);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  configureSharedLimiter({ maxConcurrency: 8, minTimeMs: 0 });
});

function client(url: string, extra: Partial<BarrackClientOptions> = {}): BarrackClient {
  return new BarrackClient({ apiKey: SECRET_KEY, baseUrl: url, retryBaseDelayMs: 5, retryMaxDelayMs: 20, ...extra });
}

const createVolumeBody = { name: "data", region: "FINLAND-1", size_gb: 100, volume_type: "NVMe" } as const;

describe("response validation", () => {
  it("names the endpoint and the field of a mistyped value", async () => {
    const s = await server((_req, res) => sendJson(res, 200, { success: true, vm: instanceFixture({ status: 3 }) }));
    const err = await rejectionOf(client(s.url).call("getInstance", { params: { vm_id: "BRK-000001D" } }));
    expect(err).toBeInstanceOf(BarrackResponseError);
    const e = err as BarrackResponseError;
    expect(e.message).toContain('GET vms/{vm_id}/: response field "vm.status": expected string');
    expect(e.issues).toEqual([{ path: "vm.status", message: "expected string, got number" }]);
    expect(e.operation).toBe("getInstance");
    expect(e.requestPath).toBe("vms/BRK-000001D/");
    expect(e.ambiguous).toBe(false); // a GET: nothing to adopt
    expectNoSecret(e);
  });

  it("reports a missing required field, and all issues", async () => {
    const vm = instanceFixture();
    delete vm.status;
    vm.gpu_count = "one";
    const s = await server((_req, res) => sendJson(res, 200, { success: true, vm }));
    const e = (await rejectionOf(client(s.url).call("getInstance", { params: { vm_id: "BRK-000001D" } }))) as BarrackResponseError;
    expect(e).toBeInstanceOf(BarrackResponseError);
    expect(e.message).toMatch(/^GET vms\/\{vm_id\}\/: response field "vm\.(gpu_count|status)"/);
    expect(e.issues).toEqual(
      expect.arrayContaining([
        { path: "vm.status", message: "expected string (missing)" },
        { path: "vm.gpu_count", message: "expected number, got string" },
      ]),
    );
  });

  it("names array elements by index", async () => {
    const s = await server((_req, res) =>
      sendJson(res, 200, { success: true, total: 2, page: 1, limit: 20, total_pages: 1, volumes: [volumeFixture(), volumeFixture({ size_gb: "big" })] }),
    );
    const e = (await rejectionOf(client(s.url).call("listVolumes"))) as BarrackResponseError;
    expect(e.message).toBe('GET volumes/: response field "volumes[1].size_gb": expected number, got string');
  });

  it("tolerates (and strips) unknown fields", async () => {
    const s = await server((_req, res) =>
      sendJson(res, 200, { success: true, brand_new: 1, vm: instanceFixture({ future_field: { a: 1 } }) }),
    );
    const res = await client(s.url).call("getInstance", { params: { vm_id: "BRK-000001D" } });
    expect(res.vm.status).toBe("ACTIVE");
    expect(res.vm).not.toHaveProperty("future_field");
  });

  it("rejects a non-JSON 2xx; on a create it is ambiguous (the server did act)", async () => {
    const s = await server((_req, res) => {
      res.writeHead(201, { "content-type": "text/html" });
      res.end("<html>created</html>");
    });
    const e = (await rejectionOf(client(s.url).call("createVolume", { body: createVolumeBody }))) as BarrackResponseError;
    expect(e).toBeInstanceOf(BarrackResponseError);
    expect(e.message).toMatch(/^POST volumes\/: response is not a JSON object \(HTTP 201/);
    expect(e.ambiguous).toBe(true);
    expect(s.requests).toHaveLength(1);
  });
});

describe("transport", () => {
  it("sends the configured auth header and JSON", async () => {
    const s = await server((_req, res) => sendJson(res, 201, { success: true, volume: volumeFixture() }));
    await client(s.url).call("createVolume", { body: createVolumeBody });
    await client(s.url, { authScheme: "x-api-key" }).call("getVolume", { params: { volume_id: "BRK-000001V" } });
    const [post, get] = s.requests;
    expect(post.headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
    expect(post.headers["x-api-key"]).toBeUndefined();
    expect(post.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(post.body)).toEqual(createVolumeBody);
    expect(post.url).toBe("/api/volumes/");
    expect(get.headers["x-api-key"]).toBe(SECRET_KEY);
    expect(get.headers.authorization).toBeUndefined();
    expect(get.url).toBe("/api/volumes/BRK-000001V/");
  });

  it("escapes path parameters and drops undefined query values", async () => {
    const s = await server((_req, res) => sendJson(res, 200, { success: true, volume: volumeFixture() }));
    await client(s.url).call("getVolume", { params: { volume_id: "a/b?c" } });
    await client(s.url).call("listVolumes", { query: { region: "FINLAND-1", page: 2, limit: undefined } }).catch(() => undefined);
    expect(s.requests[0].url).toBe("/api/volumes/a%2Fb%3Fc/");
    expect(s.requests[1].url).toBe("/api/volumes/?region=FINLAND-1&page=2");
  });

  it("does not follow redirects (the key must not travel to another host)", async () => {
    const elsewhere = await server((_req, res) => sendJson(res, 200, { success: true }));
    const s = await server((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}balance/` });
      res.end();
    });
    const e = (await rejectionOf(client(s.url).call("getBalance"))) as BarrackError;
    expect(e).toBeInstanceOf(BarrackError);
    expect(e.status).toBe(302);
    expect(e.message).toMatch(/redirect/);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it("a non-JSON error body still yields a typed error with its text", async () => {
    const s = await server((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<h1>Bad Gateway</h1>");
    });
    const e = (await rejectionOf(client(s.url, { maxRetries: 1 }).call("getBalance"))) as BarrackError;
    expect(e.status).toBe(502);
    expect(e.message).toContain("Bad Gateway");
    expect(e.attempts).toBe(2);
  });
});

describe("timeouts and connection failures", () => {
  it("retries a timed-out GET, then throws a BarrackTimeoutError", async () => {
    const s = await server(() => undefined); // never answers
    const e = await rejectionOf(client(s.url, { timeoutMs: 80, maxRetries: 2 }).call("getBalance"));
    expect(e).toBeInstanceOf(BarrackTimeoutError);
    expect(e).toBeInstanceOf(BarrackConnectionError);
    expect((e as BarrackTimeoutError).ambiguous).toBe(false);
    expect((e as BarrackTimeoutError).attempts).toBe(3);
    expect(s.requests).toHaveLength(3);
  });

  it("never re-sends a timed-out create: one request, ambiguous", async () => {
    const s = await server(() => undefined);
    const log = captureLogger();
    const e = (await rejectionOf(
      client(s.url, { timeoutMs: 80, maxRetries: 3, logger: log.logger }).call("createVolume", { body: createVolumeBody }),
    )) as BarrackTimeoutError;
    expect(e).toBeInstanceOf(BarrackTimeoutError);
    expect(e.ambiguous).toBe(true);
    expect(e.attempts).toBe(1);
    expect(e.message).toMatch(/not re-sent/);
    await sleep(50);
    expect(s.requests).toHaveLength(1);
    expect(log.lines.filter((l) => l.includes("retry"))).toEqual([]);
    expectNoSecret(e);
  });

  it("never re-sends a create whose connection dropped after sending", async () => {
    const s = await server((_req, res) => {
      res.socket?.destroy();
    });
    const e = (await rejectionOf(client(s.url, { maxRetries: 3 }).call("createVolume", { body: createVolumeBody }))) as BarrackConnectionError;
    expect(e).toBeInstanceOf(BarrackConnectionError);
    expect(e.code).toBe("ECONNRESET");
    expect(e.ambiguous).toBe(true);
    expect(s.requests).toHaveLength(1);
  });

  it("retries a create on ECONNREFUSED (nothing reached the server): not ambiguous", async () => {
    const port = await closedPort();
    const log = captureLogger();
    const e = (await rejectionOf(
      client(`http://127.0.0.1:${port}/api/`, { maxRetries: 2, logger: log.logger }).call("createVolume", { body: createVolumeBody }),
    )) as BarrackConnectionError;
    expect(e).toBeInstanceOf(BarrackConnectionError);
    expect(e).not.toBeInstanceOf(BarrackTimeoutError);
    expect(e.code).toBe("ECONNREFUSED");
    expect(e.ambiguous).toBe(false);
    expect(e.attempts).toBe(3);
    expect(log.lines.filter((l) => l.startsWith("barrack: retry POST volumes/"))).toHaveLength(2);
    for (const line of log.lines) expect(line).not.toContain(SECRET_KEY);
  });

  it("a per-call timeoutMs overrides the client's", async () => {
    const s = await server(async (_req, res) => {
      await sleep(150);
      sendJson(res, 200, { success: true, regions: [] });
    });
    const c = client(s.url, { timeoutMs: 50, maxRetries: 0 });
    await expect(c.call("listRegions")).rejects.toBeInstanceOf(BarrackTimeoutError);
    await expect(c.call("listRegions", { timeoutMs: 1000 })).resolves.toEqual({ success: true, regions: [] });
  });
});

describe("process-wide limiter", () => {
  it("caps concurrency across two client instances", async () => {
    const s = await server(async (_req, res) => {
      await sleep(60);
      sendJson(res, 200, { success: true, regions: [] });
    });
    const a = client(s.url, { maxConcurrency: 2 });
    const b = client(s.url); // no option: shares the process-wide setting
    expect(sharedLimiterSettings().maxConcurrency).toBe(2);
    await Promise.all([...Array(5)].flatMap(() => [a.call("listRegions"), b.call("listRegions")]));
    expect(s.requests).toHaveLength(10);
    expect(s.maxInFlight).toBe(2);
  });

  it("without the cap the same load runs in parallel (the test above can fail)", async () => {
    const s = await server(async (_req, res) => {
      await sleep(60);
      sendJson(res, 200, { success: true, regions: [] });
    });
    const a = client(s.url, { maxConcurrency: 8 });
    const b = client(s.url);
    await Promise.all([...Array(5)].flatMap(() => [a.call("listRegions"), b.call("listRegions")]));
    expect(s.maxInFlight).toBeGreaterThan(2);
  });

  it("spaces request starts by minTimeMs", async () => {
    const s = await server((_req, res) => sendJson(res, 200, { success: true, regions: [] }));
    await client(s.url).call("listRegions"); // warm up (connect, JIT) so arrival times reflect the spacing
    const c = client(s.url, { minTimeMs: 50 });
    await Promise.all([c.call("listRegions"), c.call("listRegions"), c.call("listRegions")]);
    const at = s.requests.slice(1).map((r) => r.at);
    // Three starts spaced 50 ms apart span >= 100 ms; unspaced they arrive within a few ms. The margin
    // absorbs arrival jitter on a loaded machine.
    expect(at[2] - at[0]).toBeGreaterThanOrEqual(75);
  });

  it("a 429 with Retry-After pauses every client, not just the one rate-limited", async () => {
    let limitedAt = 0;
    const s = await server((req, res) => {
      if (req.url === "/api/regions/" && limitedAt === 0) {
        limitedAt = Date.now();
        sendJson(res, 429, { success: false, error: "rate_limited", message: "slow down" }, { "retry-after": "1" });
        return;
      }
      sendJson(res, 200, req.url.startsWith("/api/regions/") ? { success: true, regions: [] } : { success: true, images: [] });
    });
    const a = client(s.url);
    const b = client(s.url);
    const pending = a.call("listRegions");
    while (limitedAt === 0) await sleep(5);
    await sleep(50);
    const bStarted = Date.now();
    await b.call("listOsImages");
    await pending;
    const retry = s.requests.filter((r) => r.url === "/api/regions/")[1];
    const other = s.requests.find((r) => r.url === "/api/os-images/");
    expect(retry.at - limitedAt).toBeGreaterThanOrEqual(990); // Retry-After honoured
    expect(other!.at - limitedAt).toBeGreaterThanOrEqual(990); // the other client waited too
    expect(other!.at - bStarted).toBeGreaterThanOrEqual(800);
  });
});

describe("secrets", () => {
  it("redacts the key when a server echoes it in an error body", async () => {
    const s = await server((req, res) =>
      sendJson(res, 400, {
        success: false,
        error: "invalid_request",
        message: `bad header ${req.headers.authorization ?? ""}`,
        field: `key:${SECRET_KEY}`,
        request_id: "r-1",
      }),
    );
    const log = captureLogger();
    const e = (await rejectionOf(client(s.url, { logger: log.logger }).call("getBalance"))) as BarrackError;
    expect(e.status).toBe(400);
    expect(e.message).toContain("[REDACTED]");
    expect(e.requestId).toBe("r-1");
    expectNoSecret(e);
    expect(log.lines.length).toBeGreaterThan(0);
    for (const line of log.lines) expect(line).not.toContain(SECRET_KEY);
  });
});
