/**
 * End-to-end, real Pulumi engine: readiness and capacity waits of an Instance (tests/e2e/fixtures/readiness)
 * against an emulator that gives instances loopback addresses and answers SSH on port 22 of each a few
 * seconds after it is ACTIVE (`sshBanner`), as ordered steps on one stack:
 *
 *   1. up with `waitFor: { ssh: true }`: returns only once the banner answers (after the boot delay),
 *      with a progress line per attempt;
 *   2. destroy; up with too short a `waitFor.timeout`: a partial create (the instance is in the state,
 *      with the SSH reason as its init error); the next up (longer timeout) finishes it, creating nothing;
 *   3. destroy; GPUs out of stock and `waitForStock`: the up waits, saying what is available where, and
 *      deploys once the stock is given back (through the emulator's admin API, during the up);
 *   4. destroy; out of stock with a short `waitForStock`: the up fails saying so, creating nothing.
 *
 * Never skipped: without the Pulumi CLI, createTestStack throws and every test fails.
 */
import * as net from "node:net";
import * as path from "path";
import type { OperationResult, TestStack } from "./harness";
import { mutations, restockDuring, useE2eEmulator } from "./support";

jest.setTimeout(240_000);

const PROGRAM_DIR = path.join(__dirname, "fixtures", "readiness");
const BOOT_DELAY_MS = 3000;
const REGION = "FINLAND-1";
const H100 = "H100-SXM5-80GB";

const emu = useE2eEmulator({ sshBanner: { bootDelayMs: BOOT_DELAY_MS } });
let stack: TestStack;

beforeAll(async () => {
  stack = await emu.createStack({ programDir: PROGRAM_DIR, env: { BARRACK_POLL_MAX_MS: "100" } });
});

/** The provider's progress lines about the instance (console output, i.e. info diagnostics). */
function lines(result: OperationResult): string[] {
  return result.diagnostics.map((d) => d.message.trim()).filter((m) => m.startsWith("barrack Instance ready-node:"));
}

function errors(result: OperationResult): string {
  return result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message).join("\n");
}

/** The emulator's admin API over HTTP. */
async function setStock(gpus: number): Promise<void> {
  const response = await fetch(new URL("../_emulator/config", emu.url), {
    method: "POST",
    headers: { Authorization: `Bearer ${emu.apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ gpuStock: { [REGION]: { [H100]: gpus } } }),
  });
  expect(response.status).toBe(200);
}

/** What port 22 of `host` answers (the first line), or the connection error's code. */
function banner(host: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: 22 });
    socket.setTimeout(2000, () => { socket.destroy(); resolve("timeout"); });
    socket.once("data", (data) => { socket.destroy(); resolve(String(data).split("\r\n")[0]); });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

async function expectDestroyed(): Promise<void> {
  await stack.destroy();
  expect(emu.inventory().instances).toEqual([]);
}

describe("e2e: Instance waitFor.ssh and waitForStock", () => {
  it("1. up waits until SSH answers on the public IP, after the boot delay", async () => {
    await stack.setConfig("sshTimeout", "60s");
    const started = Date.now();
    const result = await stack.up();
    expect(result.opsFor("ready-node")).toEqual(["create"]);
    const ip = String(result.outputs.ipAddress);
    expect(ip).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(Date.now() - started).toBeGreaterThan(BOOT_DELAY_MS);
    const progress = lines(result);
    expect(progress).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`waiting for SSH on ${ip.replace(/\./g, "\\.")}:22: connection refused \\(attempt 1, `)),
      expect.stringMatching(new RegExp(`SSH answers on ${ip.replace(/\./g, "\\.")}:22 after \\d+s \\(\\d+ attempts\\): SSH-2\\.0-`)),
    ]));
    expect(await banner(ip)).toMatch(/^SSH-2\.0-/);
  });

  it("2. too short a wait is a partial create kept in the state; the next up finishes it without a second instance", async () => {
    await expectDestroyed();
    await stack.setConfig("sshTimeout", "1s");
    emu.resetCounters();
    const failed = await stack.up({ expectFailure: true });
    // The engine prints the partial create's reason.
    expect(errors(failed)).toMatch(/BRK-\d{6}D is ACTIVE, but SSH did not answer on 127\.[\d.]+:22 within \d+s \(\d+ attempts; last: connection refused\); waitFor\.timeout is "1s"/);
    const [vm] = emu.inventory().instances;
    expect(vm).toMatchObject({ vm_name: "ready-node", status: "ACTIVE" });
    const recorded = (await stack.resources()).find((r) => r.name === "ready-node");
    expect(recorded).toMatchObject({ id: vm.vm_id, outputs: expect.objectContaining({ status: "ACTIVE" }) });
    expect(JSON.stringify(recorded!.raw.initErrors)).toContain("SSH did not answer");

    await stack.setConfig("sshTimeout", "60s");
    const finished = await stack.up();
    expect(finished.opsFor("ready-node")).toEqual(["update"]);
    expect(lines(finished)).toEqual(expect.arrayContaining([expect.stringMatching(/SSH answers on 127\.[\d.]+:22 after /)]));
    expect(mutations(emu)["POST vms/"]).toBe(1);
    expect(emu.inventory().instances.map((i) => i.vm_id)).toEqual([vm.vm_id]);
    expect((await stack.resources()).find((r) => r.name === "ready-node")!.raw.initErrors).toBeUndefined();
  });

  it("3. out of stock with waitForStock: waits, saying what is available where, and deploys once stock returns", async () => {
    await expectDestroyed();
    await setStock(0);
    await stack.setConfig("waitForStock", "2m");
    emu.resetCounters();
    // Give the stock back once the create has looked it up a few times (check's warning is one lookup).
    const { result, lookups } = await restockDuring(emu, 4, () => setStock(8), () => stack.up());
    expect(lookups).toBeGreaterThanOrEqual(4);
    expect(result.opsFor("ready-node")).toEqual(["create"]);
    const progress = lines(result);
    expect(progress).toEqual(expect.arrayContaining([
      expect.stringMatching(/waiting for stock \(\d+s of up to 2m\): 1× H100-SXM5-80GB is out of stock in FINLAND-1 \(0 GPUs free there; .*\); 1× H100-SXM5-80GB is available in FINLAND-2/),
      expect.stringMatching(/1× H100-SXM5-80GB is in stock in FINLAND-1 after \d+s of waiting; deploying/),
    ]));
    expect(mutations(emu)["POST vms/"]).toBe(1);
    expect(emu.inventory().instances).toHaveLength(1);
  });

  it("4. out of stock past waitForStock: the up fails saying so, and creates nothing", async () => {
    await expectDestroyed();
    await setStock(0);
    await stack.setConfig("waitForStock", "2s");
    emu.resetCounters();
    const failed = await stack.up({ expectFailure: true });
    expect(errors(failed)).toMatch(/cannot create instance "ready-node": gave up waiting for stock after \d+s \(waitForStock: "2s", \d+ lookups\): 1× H100-SXM5-80GB is out of stock in FINLAND-1/);
    expect(mutations(emu)["POST vms/"]).toBeUndefined();
    expect(emu.inventory().instances).toEqual([]);
    await stack.removeConfig("waitForStock");
    await setStock(16);
  });
});
