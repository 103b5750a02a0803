/**
 * Instance readiness and capacity, provider level: `waitFor: { ssh }` (against the emulator's SSH banners
 * on loopback addresses), `waitForStock` (stock returned mid-wait through the emulator's admin API), and
 * converging security rules after an add whose answer was lost.
 */
import * as net from "node:net";
import { instanceProvider } from "../../../provider/resources/instance/provider";
import { probeSsh, waitForSsh } from "../../../provider/resources/instance/readiness";
import { checkStock } from "../../../provider/resources/instance/stock";
import { PartialCreateError } from "../../../provider/engine/crud";
import { engineInputs, useEmulator, importedSshKey } from "../support";

const BOOT_DELAY_MS = 1200;
const handle = useEmulator({ sshBanner: { bootDelayMs: BOOT_DELAY_MS } });

const H100 = "H100-SXM5-80GB";
const REGION = "FINLAND-1";

const sshKey = () => importedSshKey(handle.client);

async function args(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return { name: "gpu-node", region: REGION, gpuModel: H100, gpuCount: 1, osImageId: "ubuntu-24.04-cuda-12.8", sshKeyIds: [await sshKey()], ...overrides };
}

async function checked(news: Record<string, unknown>, olds: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const result = await instanceProvider.check(olds, news);
  expect(result.failures).toBeUndefined();
  return result.inputs!;
}

/** Progress lines the provider printed while `run` ran. */
async function withLogs<T>(run: () => Promise<T>): Promise<{ result?: T; error?: unknown; lines: string[] }> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, "log").mockImplementation((...parts: unknown[]) => {
    lines.push(parts.map(String).join(" "));
  });
  try {
    return { result: await run(), lines };
  } catch (error) {
    return { error, lines };
  } finally {
    spy.mockRestore();
  }
}

/** The emulator's admin API, over HTTP, as a test harness or a person with curl would use it. */
async function admin(route: string, body: unknown): Promise<void> {
  const response = await fetch(new URL(`../_emulator/${route}`, handle.emulator.url), {
    method: "POST",
    headers: { Authorization: `Bearer ${handle.emulator.apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

function count(route: string): number {
  return handle.emulator.counters()[route] ?? 0;
}

describe("probeSsh", () => {
  async function serve(onConnection: (socket: net.Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      onConnection(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    return { port, close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }) };
  }

  it("reads the banner, even after other lines (RFC 4253 §4.2)", async () => {
    const srv = await serve((s) => s.write("Welcome\r\nSSH-2.0-OpenSSH_9.6\r\n"));
    try {
      expect(await probeSsh("127.0.0.1", srv.port, 1000)).toEqual({ ok: true, banner: "SSH-2.0-OpenSSH_9.6" });
    } finally {
      await srv.close();
    }
  });

  it("tells refused, silent and non-SSH answers apart", async () => {
    const silent = await serve(() => undefined);
    const http = await serve((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    const freePort = await serve(() => undefined);
    await freePort.close();
    try {
      expect(await probeSsh("127.0.0.1", freePort.port, 1000)).toEqual({ ok: false, kind: "refused", detail: "connection refused" });
      expect(await probeSsh("127.0.0.1", silent.port, 200)).toEqual({ ok: false, kind: "no-banner", detail: "connected, but no SSH banner within 200ms" });
      expect(await probeSsh("127.0.0.1", http.port, 1000)).toMatchObject({ ok: false, kind: "no-banner", detail: expect.stringContaining('"HTTP/1.1 400 Bad Request"') });
    } finally {
      await silent.close();
      await http.close();
    }
  });

  it("waitForSsh backs off, logs every attempt, and says at the deadline how long it waited and what it saw", async () => {
    const lines: string[] = [];
    const started = Date.now();
    await expect(
      waitForSsh({ address: async () => undefined, deadline: Date.now() + 300, log: (l) => lines.push(l), minDelayMs: 20, maxDelayMs: 80 }),
    ).rejects.toThrow(/^SSH did not answer on port 22 within \d+ms \(\d+ attempts; last: no public IP address yet\)$/);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines[0]).toMatch(/^waiting for SSH on port 22: no public IP address yet \(attempt 1, \d+ms elapsed\)$/);
  });
});

describe("waitFor.ssh", () => {
  it("create returns once port 22 of the public IP answers with a banner (after the boot delay)", async () => {
    const started = Date.now();
    const { result, error, lines } = await withLogs(async () => instanceProvider.create(engineInputs(await checked(await args({ waitFor: { ssh: true, timeout: "20s" } })))));
    expect(error).toBeUndefined();
    expect(result!.outs).toMatchObject({ status: "ACTIVE", ipAddress: expect.stringMatching(/^127\./), waitFor: { ssh: true, timeout: "20s" } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(BOOT_DELAY_MS);
    const ip = result!.outs.ipAddress as string;
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^barrack Instance gpu-node: waiting for SSH on ${ip.replace(/\./g, "\\.")}:22: connection refused \\(attempt 1, `)),
      expect.stringMatching(new RegExp(`^barrack Instance gpu-node: SSH answers on ${ip.replace(/\./g, "\\.")}:22 after .* attempts\\): SSH-2\\.0-`)),
    ]));
    expect(await probeSsh(ip, 22, 1000)).toMatchObject({ ok: true });
  });

  it("times out into a partial create (the instance is in the error's properties); the next update finishes once SSH answers", async () => {
    const inputs = await checked(await args({ waitFor: { ssh: true, timeout: "0.3s" } }));
    const { error } = await withLogs(() => instanceProvider.create(engineInputs(inputs)));
    expect(error).toBeInstanceOf(PartialCreateError);
    const partial = error as PartialCreateError;
    expect(partial.message).toMatch(/^Instance BRK-\d{6}D was created but did not finish: BRK-\d{6}D is ACTIVE, but SSH did not answer on 127\.[\d.]+:22 within \d+ms \(\d+ attempts?; last: connection refused\); waitFor\.timeout is "0\.3s"/);
    expect(partial.properties).toMatchObject({ instanceId: partial.id, status: "ACTIVE", __provider: "serialized-provider-text" });
    expect(handle.emulator.inventory().instances.map((vm) => vm.vm_id)).toEqual([partial.id]);

    // The engine's retry of an initialisation failure: an update with the same inputs.
    const news = engineInputs(await checked({ ...inputs, waitFor: { ssh: true, timeout: "20s" } }, partial.properties));
    expect(await instanceProvider.diff(partial.id, partial.properties, news)).toEqual({ changes: false });
    const { result, error: updateError, lines } = await withLogs(() => instanceProvider.update(partial.id, partial.properties, news));
    expect(updateError).toBeUndefined();
    expect(result!.outs).toMatchObject({ instanceId: partial.id, status: "ACTIVE" });
    expect(lines.some((l) => /SSH answers on 127\.[\d.]+:22/.test(l))).toBe(true);
    expect(count("POST vms/")).toBe(1);
  });

  it("a start (powerState stopped → running) waits for SSH again; its timeout is a failed update recording the new state", async () => {
    const inputs = await checked(await args({ waitFor: { ssh: true, timeout: "20s" } }));
    const { result: created } = await withLogs(() => instanceProvider.create(engineInputs(inputs)));
    const id = created!.id;
    const stoppedInputs = await checked({ ...inputs, powerState: "stopped" }, created!.outs);
    const { result: stopped } = await withLogs(() => instanceProvider.update(id, created!.outs, engineInputs(stoppedInputs)));
    expect(stopped!.outs).toMatchObject({ status: "SHUTOFF" });
    expect(await probeSsh(created!.outs.ipAddress as string, 22, 500)).toMatchObject({ ok: false, kind: "refused" });

    // Too short a wait: a failed update, with the new outputs (running) and the reason.
    const quick = engineInputs(await checked({ ...inputs, waitFor: { ssh: true, timeout: "0.2s" } }, stopped!.outs));
    const { error } = await withLogs(() => instanceProvider.update(id, stopped!.outs, quick));
    expect(error).toBeInstanceOf(PartialCreateError);
    expect((error as PartialCreateError).message).toMatch(/^Instance BRK-\d{6}D was updated but is not ready: .*SSH did not answer on 127\.[\d.]+:22 within .*last: connection refused/);
    expect((error as PartialCreateError).properties).toMatchObject({ powerState: "running", status: "ACTIVE" });

    const retry = engineInputs(await checked(inputs, (error as PartialCreateError).properties));
    const { result, lines } = await withLogs(() => instanceProvider.update(id, (error as PartialCreateError).properties, retry));
    expect(result!.outs).toMatchObject({ status: "ACTIVE" });
    expect(lines.some((l) => /SSH answers on/.test(l))).toBe(true);
  });

  it("the banner goes away with the instance", async () => {
    const { result } = await withLogs(async () => instanceProvider.create(engineInputs(await checked(await args({ waitFor: { ssh: true } })))));
    const ip = result!.outs.ipAddress as string;
    await withLogs(() => instanceProvider.delete(result!.id, result!.outs));
    expect(await probeSsh(ip, 22, 500)).toMatchObject({ ok: false, kind: "refused" });
  });

  it("without a public IP there is nothing to wait for: the create says so at once (partial)", async () => {
    const started = Date.now();
    const { error } = await withLogs(async () => instanceProvider.create(engineInputs(await checked(await args({ publicIp: false, waitFor: { ssh: true, timeout: "1m" } })))));
    expect(error).toBeInstanceOf(PartialCreateError);
    expect((error as Error).message).toContain("waitFor.ssh needs a public IP, but");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("check refuses bad waitFor and waitForStock values, and neither ever causes a diff", async () => {
    const base = await args();
    const bad = await instanceProvider.check({}, { ...base, waitFor: { ssh: "yes", timeout: "soon" }, waitForStock: "20 minutes" });
    expect(bad.failures).toEqual(expect.arrayContaining([
      { property: "waitFor.ssh", reason: 'must be true or false (got "yes")' },
      { property: "waitFor.timeout", reason: 'must be a duration such as "90s", "20m" or "1h30m", not "soon" (got "soon")' },
      { property: "waitForStock", reason: expect.stringMatching(/^must be a duration such as "90s", "20m" or "1h30m", not "20 minutes"/) },
    ]));
    const olds = await checked(base);
    const news = await checked({ ...base, waitFor: { ssh: true, timeout: "5m" }, waitForStock: "20m" });
    expect(await instanceProvider.diff("BRK-000001D", olds, news)).toEqual({ changes: false });
  });
});

describe("waitForStock", () => {
  it("waits while out of stock, saying what is available where, and deploys once stock returns (set mid-wait via the admin API)", async () => {
    await admin("config", { gpuStock: { [REGION]: { [H100]: 0 } } });
    const inputs = await checked(await args({ gpuCount: 2, waitForStock: "30s" }));
    handle.emulator.resetCounters();
    const giveBack = setTimeout(() => void admin("config", { gpuStock: { [REGION]: { [H100]: 4 } } }), 400);
    const started = Date.now();
    const { result, error, lines } = await withLogs(() => instanceProvider.create(engineInputs(inputs)));
    clearTimeout(giveBack);
    expect(error).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(result!.outs).toMatchObject({ status: "ACTIVE", gpuCount: 2 });
    expect(count("POST vms/")).toBe(1); // no deploy was attempted while out of stock
    expect(lines.filter((l) => l.startsWith("barrack "))[0]).toMatch(
      /^barrack Instance gpu-node: waiting for stock \(0s of up to 30s\): 2× H100-SXM5-80GB is out of stock in FINLAND-1 \(0 GPUs free there; H100-SXM5-80GB configurations available now: none\); 2× H100-SXM5-80GB is available in FINLAND-2, FINLAND-3, ICELAND-1$/,
    );
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/: 2× H100-SXM5-80GB is in stock in FINLAND-1 after \d+s of waiting; deploying$/)]));
  });

  it("gives up at its budget, creating nothing, with what it saw", async () => {
    await admin("config", { gpuStock: { [REGION]: { [H100]: 1 } } });
    const inputs = await checked(await args({ gpuCount: 2, waitForStock: "0.5s" }));
    handle.emulator.resetCounters();
    const { error, lines } = await withLogs(() => instanceProvider.create(engineInputs(inputs)));
    expect((error as Error).message).toMatch(
      /^cannot create instance "gpu-node": gave up waiting for stock after \d+s \(waitForStock: "0\.5s", \d+ lookups\): 2× H100-SXM5-80GB is out of stock in FINLAND-1 \(1 GPU free there; H100-SXM5-80GB configurations available now: 1× \(1 instance\)\)/,
    );
    expect(error).not.toBeInstanceOf(PartialCreateError);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(count("POST vms/")).toBe(0);
    expect(handle.emulator.inventory().instances).toEqual([]);
  });

  it("without waitForStock, an out-of-stock create still fails at once", async () => {
    await admin("config", { gpuStock: { [REGION]: { [H100]: 0 } } });
    const started = Date.now();
    const { error } = await withLogs(async () => instanceProvider.create(engineInputs(await checked(await args()))));
    expect((error as Error).message).toMatch(/^cannot create instance "gpu-node": 1× H100-SXM5-80GB is out of stock in FINLAND-1/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("waits only for what stock can fix: a model × count sold in the region, short right now", async () => {
    const { stocks } = await handle.client.call("listGpuStocks");
    const fewer = stocks.map((s) => (s.region === REGION && s.gpu_model === H100 ? { ...s, available_gpus: 0, configurations: Object.fromEntries(Object.keys(s.configurations).map((c) => [c, 0])) } : s));
    expect(checkStock(fewer, { region: REGION, gpuModel: H100, gpuCount: 2 })).toMatchObject({ available: false, waitable: true });
    expect(checkStock(stocks, { region: REGION, gpuModel: H100, gpuCount: 2 })).toEqual({ available: true });
    expect(checkStock(stocks, { region: "CANADA-1", gpuModel: "RTX-A6000", gpuCount: 8 })).toMatchObject({ available: false, waitable: false, problem: expect.stringContaining("comes in") });
    expect(checkStock(stocks, { region: REGION, gpuModel: "RTX-A6000", gpuCount: 1 })).toMatchObject({ available: false, waitable: false, problem: expect.stringContaining("is not offered in FINLAND-1") });
  });
});

describe("security rules after an add whose answer was lost", () => {
  const ssh = { direction: "ingress", protocol: "tcp", portRangeMin: 22, portRangeMax: 22 };
  const RULES = "POST vms/{vm_id}/security-rules/";

  async function runningInstance(): Promise<{ id: string; outs: Record<string, unknown>; inputs: Record<string, unknown> }> {
    const inputs = await checked(await args());
    const { result } = await withLogs(() => instanceProvider.create(engineInputs(inputs)));
    return { id: result!.id, outs: result!.outs, inputs };
  }

  async function addRule(target: { id: string; outs: Record<string, unknown>; inputs: Record<string, unknown> }) {
    const news = engineInputs(await checked({ ...target.inputs, securityRules: [ssh] }, target.outs));
    return withLogs(() => instanceProvider.update(target.id, target.outs, news));
  }

  it("a lost answer after the rule was added: finds it by content, does not add it twice", async () => {
    const target = await runningInstance();
    handle.emulator.resetCounters();
    handle.emulator.injectFault({ method: "POST", path: "vms/{vm_id}/security-rules/", kind: "commitThenDrop", count: 1 });
    const { result, error, lines } = await addRule(target);
    expect(error).toBeUndefined();
    expect(count(RULES)).toBe(1);
    expect((result!.outs.securityRules as unknown[]).length).toBe(1);
    expect(lines).toEqual(expect.arrayContaining([expect.stringContaining("rule ingress tcp port 22 from 0.0.0.0/0 is on BRK-")]));
  });

  it("a failure that did not add it: adds it again, once", async () => {
    const target = await runningInstance();
    handle.emulator.resetCounters();
    handle.emulator.injectFault({ method: "POST", path: "vms/{vm_id}/security-rules/", kind: "drop", count: 1 });
    const { result, error, lines } = await addRule(target);
    expect(error).toBeUndefined();
    expect(count(RULES)).toBe(2);
    expect((result!.outs.securityRules as unknown[]).length).toBe(1);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/adding rule ingress tcp port 22 from 0\.0\.0\.0\/0 to BRK-\d{6}D again: the previous request's answer was lost/)]));
  });

  it("gives up after 3 tries, saying so", async () => {
    const target = await runningInstance();
    handle.emulator.resetCounters();
    handle.emulator.injectFault({ method: "POST", path: "vms/{vm_id}/security-rules/", kind: "drop", count: 5 });
    const { error } = await addRule(target);
    expect((error as Error).message).toMatch(/could not add rule ingress tcp port 22 from 0\.0\.0\.0\/0 to BRK-\d{6}D: 3 tries failed without an answer, and the rule is not there/);
    expect(count(RULES)).toBe(3);
  });
});
