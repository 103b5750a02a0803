/**
 * Test and chaos controls: scripted faults (status, drop, commitThenFail, commitThenDrop, latency), random
 * faults, the rate limit with Retry-After, request counters, reset, and the same controls over HTTP
 * (/_emulator/).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { call, deployActive, ed25519PublicKey, expectError, get, post, type J } from "./helpers";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, timeScale: 0.001 });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
});

const keyBody = (name: string) => ({ name, public_key: ed25519PublicKey() });
const keyCount = (): number => emu.inventory().sshKeys.length;
/** What fetch reports when the server closes the connection without answering. */
const DROPPED = { message: "fetch failed", cause: expect.objectContaining({ code: "UND_ERR_SOCKET" }) };

describe("scripted faults", () => {
  test("status: the next matching request fails without effect; others pass", async () => {
    emu.injectFault({ method: "POST", path: "ssh-keys/", kind: "status", status: 503, retryAfterSeconds: 7 });
    expect((await get(emu, "ssh-keys/")).status).toBe(200); // GET does not match
    const r = await post(emu, "ssh-keys/", keyBody("k1"));
    expectError(r, 503);
    expect(r.body.error).toBe("service_unavailable");
    expect(r.headers.get("retry-after")).toBe("7");
    expect(keyCount()).toBe(0);
    expect((await post(emu, "ssh-keys/", keyBody("k1"))).status).toBe(201);
    expect(keyCount()).toBe(1);
  });

  test("count: affects exactly that many matching requests", async () => {
    emu.injectFault({ path: "regions/", kind: "status", status: 502, count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(emu, "regions")).status);
    expect(statuses).toEqual([502, 502, 200]);
  });

  test("drop: the connection closes without an answer and nothing is applied", async () => {
    emu.injectFault({ method: "POST", path: "/api/ssh-keys/", kind: "drop" });
    await expect(post(emu, "ssh-keys/", keyBody("dropped"))).rejects.toThrow();
    expect(keyCount()).toBe(0);
    expect((await post(emu, "ssh-keys/", keyBody("dropped"))).status).toBe(201);
  });

  test("commitThenFail: applied, then answered 500; the retry sees the conflict", async () => {
    emu.injectFault({ method: "POST", path: "ssh-keys/", kind: "commitThenFail" });
    const r = await post(emu, "ssh-keys/", keyBody("committed"));
    expectError(r, 500);
    expect(keyCount()).toBe(1);
    expect(emu.inventory().sshKeys[0].name).toBe("committed");
    expectError(await post(emu, "ssh-keys/", keyBody("committed")), 409);
  });

  test("commitThenDrop: applied and persisted, then the connection closes unanswered; the retry sees the conflict", async () => {
    const dir = mkdtempSync(join(tmpdir(), "barrack-emu-ctd-"));
    const stateFile = join(dir, "state.json");
    const durable = await startEmulator({ port: 0, timeScale: 0.001, stateFile });
    try {
      durable.injectFault({ method: "POST", path: "ssh-keys/", kind: "commitThenDrop" });
      await expect(post(durable, "ssh-keys/", keyBody("answer-lost"))).rejects.toMatchObject(DROPPED);
      const [key] = durable.inventory().sshKeys;
      expect(key.name).toBe("answer-lost");
      // Persisted before the drop: the state file already holds it.
      const saved = JSON.parse(readFileSync(stateFile, "utf8"));
      expect(Object.values(saved.state.sshKeys).map((k) => (k as J).key_id)).toEqual([key.key_id]);
      // One-shot: the retry is answered, and finds the committed key.
      const retry = await post(durable, "ssh-keys/", keyBody("answer-lost"));
      expectError(retry, 409);
      expect(retry.body.message).toContain(key.key_id);
    } finally {
      await durable.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("route templates with placeholders match any id; concrete paths match one", async () => {
    const key = (await post(emu, "ssh-keys/", keyBody("tpl"))).body.ssh_key.key_id;
    const vm = await deployActive(emu, key, { vm_name: "tpl-vm" });
    emu.injectFault({ method: "POST", path: "vms/{vm_id}/stop/", kind: "status", status: 500 });
    expectError(await post(emu, `vms/${vm}/stop/`), 500);
    expect(emu.inventory().instances[0].status).toBe("ACTIVE");
    emu.injectFault({ path: `vms/${vm}/`, kind: "status", status: 503 });
    expect((await get(emu, `vms/BRK-000000D/`)).status).toBe(404); // another id: no match
    expectError(await get(emu, `vms/${vm}/`), 503);
  });

  test("latency delays the answer", async () => {
    emu.injectFault({ path: "balance/", kind: "latency", latencyMs: 400 });
    const t0 = Date.now();
    const r = await get(emu, "balance/");
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
    const t1 = Date.now();
    await get(emu, "balance/");
    expect(Date.now() - t1).toBeLessThan(390);
  });

  test("invalid scripted faults are refused", () => {
    expect(() => emu.injectFault({ kind: "explode" as "drop" })).toThrow(/kind/);
    expect(() => emu.injectFault({ kind: "status", status: 200 })).toThrow(/status/);
  });
});

describe("random faults", () => {
  test("errorRate 1 fails every request with the given statuses; clearing restores service", async () => {
    emu.setFaults({ errorRate: 1, errorStatuses: [502] });
    for (let i = 0; i < 3; i++) expectError(await get(emu, "regions/"), 502);
    emu.setFaults({});
    expect((await get(emu, "regions/")).status).toBe(200);
  });

  test("errorRate picks from 500/502/503 by default", async () => {
    emu.setFaults({ errorRate: 1 });
    const seen = new Set<number>();
    for (let i = 0; i < 30; i++) seen.add((await get(emu, "regions/")).status);
    emu.setFaults({});
    expect([...seen].every((s) => [500, 502, 503].includes(s))).toBe(true);
    expect(seen.size).toBeGreaterThan(1);
  });

  test("dropRate 1 drops; commitThenFailRate 1 applies and answers 500", async () => {
    emu.setFaults({ dropRate: 1 });
    await expect(get(emu, "regions/")).rejects.toThrow();
    emu.setFaults({ commitThenFailRate: 1 });
    expectError(await post(emu, "scripts/", { name: "ctf", content: "x" }), 500);
    emu.setFaults({});
    expect(emu.inventory().scripts.map((s) => s.name)).toEqual(["ctf"]);
  });

  test("commitThenDropRate 1 applies, then drops the connection", async () => {
    emu.setFaults({ commitThenDropRate: 1 });
    await expect(post(emu, "scripts/", { name: "ctd", content: "x" })).rejects.toMatchObject(DROPPED);
    emu.setFaults({});
    expect(emu.inventory().scripts.map((s) => s.name)).toEqual(["ctd"]);
  });

  test("latencyMs applies to every request", async () => {
    emu.setFaults({ latencyMs: 60 });
    const t0 = Date.now();
    await get(emu, "regions/");
    await get(emu, "balance/");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(115);
    emu.setFaults({});
  });

  test("a reset clears faults", async () => {
    emu.setFaults({ errorRate: 1 });
    emu.injectFault({ kind: "drop" });
    emu.reset();
    expect((await get(emu, "regions/")).status).toBe(200);
  });
});

describe("rate limit", () => {
  test("over the limit is 429 with Retry-After; the next window is fine", async () => {
    const limited = await startEmulator({ port: 0, rateLimit: { requests: 3, windowMs: 2000 } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await get(limited, "regions/"));
      expect(statuses.map((s) => s.status)).toEqual([200, 200, 200, 429]);
      const r = statuses[3];
      expectError(r, 429);
      expect(r.body.error).toBe("rate_limited");
      const retry = Number(r.headers.get("retry-after"));
      expect(Number.isInteger(retry)).toBe(true);
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(2);
      // Admin routes are not limited.
      expect((await call(limited, "GET", "../_emulator/counters")).status).toBe(200);
      await new Promise((res) => setTimeout(res, retry * 1000 + 50));
      expect((await get(limited, "regions/")).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});

describe("counters", () => {
  test("count requests per route template; admin routes are not counted", async () => {
    const key = (await post(emu, "ssh-keys/", keyBody("cnt"))).body.ssh_key.key_id;
    await get(emu, `ssh-keys/${key}/`);
    await get(emu, `ssh-keys/${key}`);
    await get(emu, "ssh-keys/BRK-000000K/"); // a 404 still counts: the route matched
    await get(emu, "ssh-keys/", { auth: "none" }); // so does a 401
    await get(emu, "no-such-route/");
    await call(emu, "GET", "../_emulator/inventory");
    expect(emu.counters()).toEqual({ "POST ssh-keys/": 1, "GET ssh-keys/{key_id}/": 3, "GET ssh-keys/": 1 });
    emu.resetCounters();
    expect(emu.counters()).toEqual({});
  });
});

describe("reset", () => {
  test("back to the initial objects, balance, stock and counters", async () => {
    const key = (await post(emu, "ssh-keys/", keyBody("gone"))).body.ssh_key.key_id;
    await deployActive(emu, key, { vm_name: "gone-vm", gpu_model: "L40", gpu_count: 8 });
    await post(emu, "../_emulator/config", { balance: 3 });
    emu.setGpuStock("CANADA-1", "RTX-A6000", 1);
    expect(emu.inventory().instances.length).toBe(1);
    emu.reset();
    const inv = emu.inventory();
    expect([inv.instances, inv.sshKeys, inv.volumes, inv.firewalls, inv.snapshots, inv.images, inv.scripts]).toEqual([[], [], [], [], [], [], []]);
    expect(inv.balance.amount).toBe(1000);
    expect(inv.costPerHour).toBe(0);
    expect(emu.counters()).toEqual({});
    const stocks = (await get(emu, "gpu-stocks/?region=CANADA-1")).body.stocks as J[];
    expect(stocks.every((s) => s.available_gpus === 16)).toBe(true);
  });
});

describe("admin over HTTP", () => {
  const admin = (method: string, path: string, body?: unknown, opts = {}) => call(emu, method, `../_emulator/${path}`, body, opts);

  test("admin routes need the API key", async () => {
    expectError(await admin("GET", "inventory", undefined, { auth: "none" }), 401);
    expectError(await admin("POST", "reset", undefined, { auth: "x-api-key", key: "nope" }), 401);
    expect((await admin("GET", "inventory", undefined, { auth: "x-api-key" })).status).toBe(200);
  });

  test("inventory, counters, inject, faults, config, reset", async () => {
    await post(emu, "scripts/", { name: "http-admin", content: "x" });
    const inv = (await admin("GET", "inventory")).body;
    expect(inv.scripts.map((s: J) => s.name)).toEqual(["http-admin"]);
    expect(inv.balance).toMatchObject({ amount: 1000, currency: "USD", profile_complete: true });
    expect((await admin("GET", "counters")).body).toEqual({ "POST scripts/": 1 });

    expect((await admin("POST", "inject", { method: "GET", path: "regions/", kind: "status", status: 500 })).status).toBe(200);
    expectError(await get(emu, "regions/"), 500);
    expectError(await admin("POST", "inject", { kind: "status", status: "bad" }), 400, "status");

    expect((await admin("POST", "faults", { errorRate: 1, errorStatuses: [503] })).status).toBe(200);
    expectError(await get(emu, "regions/"), 503);
    expect((await admin("POST", "faults", {})).status).toBe(200);
    expect((await get(emu, "regions/")).status).toBe(200);
    expectError(await admin("POST", "faults", { errorRate: 2 }), 400, "errorRate");

    expect((await admin("POST", "config", { balance: 0.5, profileComplete: false, gpuStock: { "ICELAND-1": { "B300-262GB": 3 } } })).status).toBe(200);
    expect((await get(emu, "balance/")).body.balance).toMatchObject({ amount: 0.5, profile_complete: false });
    expect((await get(emu, "gpu-stocks/?region=ICELAND-1&gpu_model=B300-262GB")).body.stocks[0].available_gpus).toBe(3);
    expectError(await admin("POST", "config", { gpuStock: { "CANADA-1": { "B300-262GB": 3 } } }), 400, "gpuStock");
    expectError(await admin("POST", "config", { timeScale: 0 }), 400, "timeScale");
    expectError(await admin("POST", "config", { unknown: 1 }), 400);
    expectError(await admin("POST", "config", undefined, { raw: "{oops" }), 400, "body");

    expect((await admin("POST", "config", { rateLimit: { requests: 1, windowMs: 60000 } })).status).toBe(200);
    expect((await get(emu, "regions/")).status).toBe(200);
    expect((await get(emu, "regions/")).status).toBe(429);
    expect((await admin("POST", "config", { rateLimit: null })).status).toBe(200);
    expect((await get(emu, "regions/")).status).toBe(200);

    expect((await admin("POST", "counters/reset")).status).toBe(200);
    expect((await admin("GET", "counters")).body).toEqual({});
    expect((await admin("POST", "reset")).status).toBe(200);
    const after = (await admin("GET", "inventory")).body;
    expect([after.scripts, after.balance.amount, after.balance.profile_complete]).toEqual([[], 1000, true]);
  });
});
