/**
 * End-to-end, the native plugin: what the dynamic resources do at preview and while creating holds under
 * the plugin, from the same code, with a PYTHON program (tests/e2e/fixtures/plugin-readiness) against an
 * emulator that answers SSH on port 22 of each instance a few seconds after it is ACTIVE:
 *
 *   1. `wait_for.ssh`: the up returns only once SSH answers, the progress lines reaching the engine's log;
 *   2. out of stock with `wait_for_stock`: the up waits, saying what is available where, and deploys once
 *      the stock returns (the emulator's admin API, during the up);
 *   3. bad input (3 GPUs) fails the preview, naming the property and what is allowed, with no API mutation;
 *   4. `barrack:maxHourlySpend` under the plan's burn fails the preview, saying why, creating nothing;
 *   5. destroy leaves nothing.
 *
 * Never skipped: without the CLI, the plugin archive or a Python virtualenv, the suite fails saying why.
 */
import * as path from "path";
import type { OperationResult, TestStack } from "../harness";
import { mutations, restockDuring, useE2eEmulator } from "../support";

jest.setTimeout(300_000);

const PROGRAM_DIR = path.resolve(__dirname, "..", "fixtures", "plugin-readiness");
const BOOT_DELAY_MS = 3000;

const lines = (result: OperationResult) => result.diagnostics.map((d) => d.message.trim()).filter((m) => m.startsWith("barrack Instance ready-node:"));
const errors = (result: OperationResult) => result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message).join("\n");

describe("e2e: waits, bad input and the spend limit under the native plugin (Python)", () => {
  const emu = useE2eEmulator({ sshBanner: { bootDelayMs: BOOT_DELAY_MS } });
  let stack: TestStack;

  const setStock = (gpus: number) => emu.setGpuStock("FINLAND-1", "H100-SXM5-80GB", gpus);

  beforeAll(async () => {
    stack = await emu.createStack({ programDir: PROGRAM_DIR, plugin: true, env: { BARRACK_POLL_MAX_MS: "100" } });
  });

  it("1. up waits until SSH answers on the public IP, after the boot delay", async () => {
    const started = Date.now();
    const result = await stack.up();
    expect(result.opsFor("ready-node")).toEqual(["create"]);
    const ip = String(result.outputs.ipAddress);
    expect(ip).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(Date.now() - started).toBeGreaterThan(BOOT_DELAY_MS);
    expect(lines(result)).toEqual(expect.arrayContaining([
      expect.stringMatching(/waiting for SSH on 127\.[\d.]+:22: connection refused \(attempt 1, /),
      expect.stringMatching(/SSH answers on 127\.[\d.]+:22 after \d+s \(\d+ attempts\): SSH-2\.0-/),
    ]));
  });

  it("2. out of stock with wait_for_stock: waits, then deploys once stock returns", async () => {
    await stack.destroy();
    setStock(0);
    await stack.setConfig("waitForStock", "2m");
    emu.resetCounters();
    const { result } = await restockDuring(emu, 4, () => setStock(8), () => stack.up());
    expect(result.opsFor("ready-node")).toEqual(["create"]);
    expect(lines(result)).toEqual(expect.arrayContaining([
      expect.stringMatching(/waiting for stock \(\d+s of up to 2m\): 1× H100-SXM5-80GB is out of stock in FINLAND-1/),
      expect.stringMatching(/1× H100-SXM5-80GB is in stock in FINLAND-1 after \d+s of waiting; deploying/),
    ]));
    expect(mutations(emu)["POST vms/"]).toBe(1);
    await stack.removeConfig("waitForStock");
    setStock(16);
  });

  it("3. 3 GPUs fail the preview naming gpuCount and what is allowed, with no API mutation", async () => {
    await stack.setConfig("gpuCount", "3");
    emu.resetCounters();
    const failed = await stack.preview({ expectFailure: true });
    expect(errors(failed)).toMatch(/property gpuCount value \{3\} has a problem: must be one of 1, 2, 4, 8 GPUs/);
    expect(mutations(emu)).toEqual({});
    await stack.removeConfig("gpuCount");
  });

  it("4. a barrack:maxHourlySpend under the plan's burn fails the preview, creating nothing", async () => {
    await stack.destroy();
    await stack.setConfig("barrack:maxHourlySpend", "1");
    emu.resetCounters();
    const failed = await stack.preview({ expectFailure: true });
    expect(errors(failed)).toMatch(/this plan would raise the hourly burn to USD 2\.49, over barrack:maxHourlySpend USD 1\.00/);
    expect(mutations(emu)).toEqual({});
    expect(emu.inventory().instances).toEqual([]);
    await stack.removeConfig("barrack:maxHourlySpend");
  });

  it("5. destroy leaves nothing", async () => {
    await stack.up();
    await stack.destroy();
    expect(emu.inventory().instances).toEqual([]);
    expect(emu.inventory().sshKeys).toEqual([]);
  });
});
