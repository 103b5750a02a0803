/**
 * End-to-end: a plan's hourly burn printed once at preview, and `barrack:maxHourlySpend` refusing a plan
 * (summed over every resource of the plan) before any mutation while letting a smaller one through.
 * Under the real engine against the emulator (H100-SXM5-80GB: USD 2.49 per GPU-hour; NVMe: USD 0.30 per
 * TB-hour). Never skipped.
 */
import * as path from "path";
import type { OperationResult, TestStack } from "./harness";
import { mutations, useE2eEmulator } from "./support";

jest.setTimeout(600_000);

const PROGRAM_DIR = path.join(__dirname, "fixtures", "spend");
const emu = useE2eEmulator();

const messages = (result: OperationResult) => result.diagnostics.map((d) => d.message);
/** The distinct burn lines the run printed (the CLI shows each in its progress and again under Diagnostics). */
const burnLines = (result: OperationResult) => [...new Set(result.text.split("\n").map((l) => l.replace(/^.*?(hourly burn:)/, "$1").trim()).filter((l) => l.startsWith("hourly burn:")))];

describe("cost at preview", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await emu.createStack({ programDir: PROGRAM_DIR, config: { instances: "2", gpuCount: "2", hibernateFirst: "true", volumeGb: "500" } });
  });

  it("prints the plan's burn for a mixed plan: running and hibernated instances and a volume", async () => {
    emu.resetCounters();
    const preview = await stack.preview();
    const lines = burnLines(preview);
    // A line per wave of priced checks (the instances wait for the key's id); the last is the whole plan's.
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(3);
    // 2× H100 running: 4.98; hibernated: 0.01; 500 GB NVMe: 0.15.
    expect(lines.at(-1)).toMatch(/^hourly burn: USD 0\.00 now → USD 5\.14 after this plan \(\+5\.14 so far: 2× H100-SXM5-80GB trainer1, 500 GB NVMe data, 2× H100-SXM5-80GB trainer0 \(hibernated\)\)$/);
    expect(mutations(emu)).toEqual({});
  });

  it("barrack:maxHourlySpend refuses the plan at preview, naming the limit, the burn and the biggest additions", async () => {
    await stack.setConfig("barrack:maxHourlySpend", "3");
    emu.resetCounters();
    const preview = await stack.preview({ expectFailure: true });
    const refusal = preview.text.split("\n").find((m) => m.includes("over barrack:maxHourlySpend"));
    expect(refusal).toMatch(/over barrack:maxHourlySpend USD 3\.00 \(now USD 0\.00, \+[\d.]+ planned; adding the most: 2× H100-SXM5-80GB trainer1/);
    expect(mutations(emu)).toEqual({});
  });

  it("a smaller plan under the same limit goes through", async () => {
    await stack.setAllConfig({ instances: "1", gpuCount: "1", hibernateFirst: "false" });
    const preview = await stack.preview();
    expect(burnLines(preview).at(-1)).toMatch(/→ USD 2\.64 after this plan/);
  });

  it("ten instances of one plan are summed, though each alone is under the limit", async () => {
    await stack.setAllConfig({ instances: "10", gpuCount: "1", "barrack:maxHourlySpend": "20" });
    emu.resetCounters();
    const preview = await stack.preview({ expectFailure: true });
    expect(preview.text.split("\n").some((m) => /this plan would raise the hourly burn to USD (2[0-9]|3[0-9])\.\d\d, over barrack:maxHourlySpend USD 20\.00/.test(m))).toBe(true);
    expect(mutations(emu)).toEqual({});
  });
});
