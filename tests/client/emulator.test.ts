/**
 * The client against the project's emulator: retries, the no-blind-re-send rule for creates, typed errors
 * per status, pagination and redaction, observed through the emulator's request counters.
 */
import { startEmulator } from "../../emulator";
import {
  BarrackAuthError,
  BarrackClient,
  BarrackConflictError,
  BarrackError,
  BarrackNotFoundError,
  BarrackPaymentError,
  BarrackPermissionError,
  BarrackRateLimitError,
  BarrackServerError,
  BarrackValidationError,
  isAmbiguous,
  isNotFound,
  type BarrackClientOptions,
} from "../../provider/client";
import type { CreateVolumeRequest } from "../../provider/contract";
import { SECRET_KEY, captureLogger, expectNoSecret, rejectionOf } from "./helpers";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

let emu: Emulator;
const log = captureLogger();

beforeAll(async () => {
  emu = await startEmulator({ port: 0, timeScale: 0.001, apiKey: SECRET_KEY });
});
afterAll(async () => {
  await emu?.stop();
  // Every line any client logged in this file, redacted or never containing the key.
  expect(log.lines.length).toBeGreaterThan(0);
  for (const line of log.lines) expect(line).not.toContain(SECRET_KEY);
});
beforeEach(() => {
  emu.reset(); // also clears counters and scripted faults
  emu.resetCounters();
});

function client(extra: Partial<BarrackClientOptions> = {}): BarrackClient {
  return new BarrackClient({
    apiKey: SECRET_KEY,
    baseUrl: emu.url,
    retryBaseDelayMs: 10,
    retryMaxDelayMs: 50,
    logger: log.logger,
    ...extra,
  });
}

function count(key: string): number {
  return (emu.counters() as Record<string, number>)[key] ?? 0;
}

let seq = 0;
function volumeBody(extra: Partial<CreateVolumeRequest> = {}): CreateVolumeRequest {
  seq += 1;
  return { name: `vol-${seq}-${Date.now() % 100000}`, region: "FINLAND-1", size_gb: 100, volume_type: "NVMe", ...extra };
}

async function volumesNamed(c: BarrackClient, name: string) {
  const all = await c.listAll("listVolumes", "volumes");
  return all.filter((v) => v.name === name);
}

describe("retries", () => {
  it("honours Retry-After on a 429 (waits at least the header)", async () => {
    emu.injectFault({ method: "GET", path: "volumes/", kind: "status", status: 429, count: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    const res = await client().call("listVolumes");
    const elapsed = Date.now() - started;
    expect(res.success).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(count("GET volumes/")).toBe(2);
  });

  it("backs off and retries a GET on 5xx until it succeeds", async () => {
    emu.injectFault({ method: "GET", path: "volumes/", kind: "status", status: 503, count: 2 });
    const started = Date.now();
    await client({ retryBaseDelayMs: 60, retryMaxDelayMs: 1000 }).call("listVolumes");
    // Two backoffs: ≥ 0.75·60 + 0.75·120 ms with at most 25% jitter.
    expect(Date.now() - started).toBeGreaterThanOrEqual(130);
    expect(count("GET volumes/")).toBe(3);
  });

  it("gives up after maxRetries with a typed server error (not ambiguous for a GET)", async () => {
    emu.injectFault({ method: "GET", path: "volumes/", kind: "status", status: 500, count: 10 });
    const e = (await rejectionOf(client({ maxRetries: 2 }).call("listVolumes"))) as BarrackServerError;
    expect(e).toBeInstanceOf(BarrackServerError);
    expect(e.status).toBe(500);
    expect(e.attempts).toBe(3);
    expect(e.ambiguous).toBe(false);
    expect(count("GET volumes/")).toBe(3);
    expectNoSecret(e);
  });
});

describe("creates are never re-sent blindly", () => {
  it.each([
    // commitThenFail: the emulator applies the create, then answers 500 -> the volume exists, adopt it.
    ["commitThenFail", 1],
    // drop: the emulator destroys the connection WITHOUT applying -> the lookup finds nothing, create again.
    ["drop", 0],
  ] as const)("%s on POST volumes/: sent once, ambiguous, the lookup by name decides", async (kind, existing) => {
    const c = client({ maxRetries: 4 });
    const body = volumeBody();
    emu.injectFault({ method: "POST", path: "volumes/", kind, count: 1 });
    const e = (await rejectionOf(c.call("createVolume", { body }))) as BarrackError;
    expect(e).toBeInstanceOf(BarrackError);
    expect(e.ambiguous).toBe(true);
    expect(isAmbiguous(e)).toBe(true);
    expect(e.attempts).toBe(1);
    expect(e.operation).toBe("createVolume");
    expect(count("POST volumes/")).toBe(1);
    expectNoSecret(e);
    expect(await volumesNamed(c, body.name)).toHaveLength(existing);
    expect(emu.inventory().volumes.filter((v) => v.name === body.name)).toHaveLength(existing);
  });

  it("a create that got 429 is retried and succeeds once (not ambiguous)", async () => {
    const c = client();
    const body = volumeBody();
    emu.injectFault({ method: "POST", path: "volumes/", kind: "status", status: 429, count: 2, retryAfterSeconds: 0 });
    const res = await c.call("createVolume", { body });
    expect(res.volume.name).toBe(body.name);
    expect(count("POST volumes/")).toBe(3);
    expect(await volumesNamed(c, body.name)).toHaveLength(1);
  });

  it("a create still rate limited after the retries is a BarrackRateLimitError, not ambiguous", async () => {
    emu.injectFault({ method: "POST", path: "volumes/", kind: "status", status: 429, count: 10, retryAfterSeconds: 0 });
    const e = (await rejectionOf(client({ maxRetries: 1 }).call("createVolume", { body: volumeBody() }))) as BarrackRateLimitError;
    expect(e).toBeInstanceOf(BarrackRateLimitError);
    expect(e.ambiguous).toBe(false);
    expect(e.retryAfterSeconds).toBe(0);
    expect(count("POST volumes/")).toBe(2);
  });

  it("a 5xx on a create is not retried and is ambiguous", async () => {
    emu.injectFault({ method: "POST", path: "volumes/", kind: "status", status: 503, count: 1 });
    const e = (await rejectionOf(client().call("createVolume", { body: volumeBody() }))) as BarrackServerError;
    expect(e).toBeInstanceOf(BarrackServerError);
    expect(e.ambiguous).toBe(true);
    expect(count("POST volumes/")).toBe(1);
  });
});

describe("typed errors", () => {
  it.each(["bearer", "x-api-key"] as const)("401 with a wrong key (%s)", async (authScheme) => {
    const wrong = `${SECRET_KEY}-wrong`;
    const c = new BarrackClient({ apiKey: wrong, baseUrl: emu.url, authScheme, logger: log.logger });
    const e = (await rejectionOf(c.call("listVolumes"))) as BarrackAuthError;
    expect(e).toBeInstanceOf(BarrackAuthError);
    expect(e.status).toBe(401);
    expect(e.code).toBe("unauthorized");
    expect(typeof e.requestId).toBe("string");
    expectNoSecret(e, wrong);
    // The right key works with the same scheme.
    await expect(client({ authScheme }).call("listVolumes")).resolves.toMatchObject({ success: true });
  });

  it("400 names the field", async () => {
    const e = (await rejectionOf(client().call("createVolume", { body: volumeBody({ size_gb: 5 }) }))) as BarrackValidationError;
    expect(e).toBeInstanceOf(BarrackValidationError);
    expect(e.status).toBe(400);
    expect(e.field).toBe("size_gb");
    expect(e.message).toContain('(field "size_gb")');
    expect(e.ambiguous).toBe(false);
  });

  it("404 for an unknown id", async () => {
    const e = await rejectionOf(client().call("getVolume", { params: { volume_id: "BRK-999999V" } }));
    expect(e).toBeInstanceOf(BarrackNotFoundError);
    expect(isNotFound(e)).toBe(true);
    expect((e as BarrackNotFoundError).requestPath).toBe("volumes/BRK-999999V/");
  });

  it("404: the API's message, one attempt, logged as 404 (it resolves in axios and is thrown by call())", async () => {
    const lines: string[] = [];
    const e = (await rejectionOf(client({ logger: (line) => lines.push(line) }).call("getVolume", { params: { volume_id: "BRK-999998V" } }))) as BarrackNotFoundError;
    expect(e).toBeInstanceOf(BarrackNotFoundError);
    expect(e.status).toBe(404);
    expect(e.code).toBe("not_found");
    expect(e.message).toMatch(/^GET volumes\/\{volume_id\}\/: HTTP 404 not_found: .+ \[request_id [0-9a-f]+\]$/);
    expect(e.attempts).toBe(1);
    expect(e.ambiguous).toBe(false);
    expect(count("GET volumes/{volume_id}/")).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^barrack: GET volumes\/BRK-999998V\/ \(getVolume\) -> 404 attempt=1 .*request_id=/)]);
  });

  it("409 for a duplicate name", async () => {
    const c = client();
    const body = volumeBody();
    await c.call("createVolume", { body });
    const e = (await rejectionOf(c.call("createVolume", { body }))) as BarrackConflictError;
    expect(e).toBeInstanceOf(BarrackConflictError);
    expect(e.status).toBe(409);
    expect(e.ambiguous).toBe(false);
    expect(count("POST volumes/")).toBe(2);
  });
});

describe("other emulator configurations", () => {
  let broke: Emulator;
  let incomplete: Emulator;
  let strict: Emulator;
  let limited: Emulator;
  beforeAll(async () => {
    broke = await startEmulator({ port: 0, timeScale: 0.001, apiKey: SECRET_KEY, balance: 0 });
    incomplete = await startEmulator({ port: 0, timeScale: 0.001, apiKey: SECRET_KEY, profileComplete: false });
    strict = await startEmulator({ port: 0, timeScale: 0.001, apiKey: SECRET_KEY, authScheme: "x-api-key" });
    limited = await startEmulator({ port: 0, timeScale: 0.001, apiKey: SECRET_KEY, rateLimit: { requests: 3, windowMs: 1000 } });
  });
  afterAll(async () => {
    await Promise.all([broke, incomplete, strict, limited].map((e) => e?.stop()));
  });

  it("401 when the server requires the other auth header", async () => {
    const bearer = new BarrackClient({ apiKey: SECRET_KEY, baseUrl: strict.url, logger: log.logger });
    const e = await rejectionOf(bearer.call("listVolumes"));
    expect(e).toBeInstanceOf(BarrackAuthError);
    expectNoSecret(e);
    const apiKeyHeader = new BarrackClient({ apiKey: SECRET_KEY, baseUrl: strict.url, authScheme: "x-api-key" });
    await expect(apiKeyHeader.call("listVolumes")).resolves.toMatchObject({ success: true });
  });

  it("rides out the server's own rate limit (429 + Retry-After) without failing a call", async () => {
    const c = new BarrackClient({ apiKey: SECRET_KEY, baseUrl: limited.url, retryBaseDelayMs: 10, logger: log.logger });
    const started = Date.now();
    const results = await Promise.all([...Array(6)].map(() => c.call("listVolumes")));
    expect(results.every((r) => r.success)).toBe(true);
    // 6 requests at 3 per second: the second batch had to wait for the next window.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(limited.counters()["GET volumes/"]).toBeGreaterThan(6); // some attempts were answered 429
  });

  it("402 insufficient balance", async () => {
    const c = new BarrackClient({ apiKey: SECRET_KEY, baseUrl: broke.url, logger: log.logger });
    const e = (await rejectionOf(c.call("createVolume", { body: volumeBody() }))) as BarrackPaymentError;
    expect(e).toBeInstanceOf(BarrackPaymentError);
    expect(e.status).toBe(402);
    expect(e.code).toBe("insufficient_balance");
    expect(e.ambiguous).toBe(false);
    expect(broke.counters()["POST volumes/"]).toBe(1);
  });

  it("403 incomplete profile", async () => {
    const c = new BarrackClient({ apiKey: SECRET_KEY, baseUrl: incomplete.url, logger: log.logger });
    const e = (await rejectionOf(c.call("createVolume", { body: volumeBody() }))) as BarrackPermissionError;
    expect(e).toBeInstanceOf(BarrackPermissionError);
    expect(e.status).toBe(403);
    expect(e.code).toBe("profile_incomplete");
    expect(e.message).toMatch(/profile/);
  });
});

describe("listAll", () => {
  it("walks every page", async () => {
    const c = client();
    const names: string[] = [];
    for (let i = 0; i < 23; i++) {
      const body = volumeBody();
      names.push(body.name);
      await c.call("createVolume", { body });
    }
    emu.resetCounters();
    const all = await c.listAll("listVolumes", "volumes", { query: { limit: 10 } });
    expect(all.map((v) => v.name).sort()).toEqual([...names].sort());
    expect(count("GET volumes/")).toBe(3);
    const finland2 = await c.listAll("listVolumes", "volumes", { query: { region: "FINLAND-2" } });
    expect(finland2).toEqual([]);
  });
});
