/**
 * End-to-end: a plan's hourly burn printed once per deployment (deletions found in the stack's state), and
 * `barrack:maxHourlySpend` refusing a plan (summed over every resource of the plan) before any mutation
 * while letting a smaller one through.
 * Under the real engine against the emulator (H100-SXM5-80GB: USD 2.49 per GPU-hour; NVMe: USD 0.30 per
 * TB-hour). Never skipped.
 */
import * as path from "path";
import type { OperationResult, TestStack } from "./harness";
import { mutations, useE2eEmulator } from "./support";

jest.setTimeout(600_000);

const PROGRAM_DIR = path.join(__dirname, "fixtures", "spend");
const emu = useE2eEmulator();

/** The burn lines the run printed, one per engine diagnostic (the CLI's text shows each twice). */
const burnLines = (result: OperationResult) => result.diagnostics.map((d) => d.message.trim()).filter((m) => m.startsWith("hourly burn:"));

describe("cost at preview", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await emu.createStack({ programDir: PROGRAM_DIR, config: { instances: "2", gpuCount: "2", hibernateFirst: "true", volumeGb: "500" } });
  });

  it("prints the plan's burn for a mixed plan: running and hibernated instances and a volume", async () => {
    emu.resetCounters();
    const preview = await stack.preview();
    // Once, for the whole plan, though the instances are checked in a later wave (they wait for the key's id).
    // 2× H100 running: 4.98; hibernated: 0.01; 500 GB NVMe: 0.15.
    expect(burnLines(preview)).toEqual(["hourly burn: USD 0.00 now → USD 5.14 after this plan (+5.14: 2× H100-SXM5-80GB trainer1, 500 GB NVMe data, 2× H100-SXM5-80GB trainer0 (hibernated))"]);
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
    expect(burnLines(preview)).toEqual([expect.stringMatching(/→ USD 2\.64 after this plan/)]);
  });

  it("ten instances of one plan are summed, though each alone is under the limit", async () => {
    await stack.setAllConfig({ instances: "10", gpuCount: "1", "barrack:maxHourlySpend": "20" });
    emu.resetCounters();
    const preview = await stack.preview({ expectFailure: true });
    expect(preview.text.split("\n").some((m) => /this plan would raise the hourly burn to USD (2[0-9]|3[0-9])\.\d\d, over barrack:maxHourlySpend USD 20\.00/.test(m))).toBe(true);
    expect(mutations(emu)).toEqual({});
  });
});

// Deletions come from the state: read from the file backend's checkpoint directly, or, where that file is
// compressed (as for any backend but a plain local file), from `pulumi stack export`.
describe.each([
  ["read from the stack's checkpoint file", {}],
  ["asked of `pulumi stack export` (gzipped state)", { PULUMI_SELF_MANAGED_STATE_GZIP: "true" }],
])("cost of a plan that deletes, the state %s", (_label, env: Record<string, string>) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await emu.createStack({ programDir: PROGRAM_DIR, env, config: { instances: "2", gpuCount: "1", volumeGb: "500" } });
    await stack.up();
  });
  afterAll(async () => {
    await stack.destroy();
  });

  it("subtracts what leaves the program, found in the stack's state; once per deployment", async () => {
    await stack.setAllConfig({ instances: "1", volumeGb: "1000" });
    emu.resetCounters();
    const preview = await stack.preview();
    // Now: 2 × 2.49 + 0.15 = 5.13; trainer1 leaves (−2.49), the volume doubles (+0.15).
    expect(burnLines(preview)).toEqual(["hourly burn: USD 5.13 now → USD 2.79 after this plan (−2.34: 1× H100-SXM5-80GB trainer1 (deleted), 1000 GB NVMe data)"]);
    expect(mutations(emu)).toEqual({});
    // `up` is a preview and an update, each a deployment with a line of its own: the update's says the same.
    const up = await stack.up();
    expect(up.opFor("trainer1")).toBe("delete");
    expect(burnLines(up)).toEqual(["hourly burn: USD 5.13 now → USD 2.79 after this plan (−2.34: 1× H100-SXM5-80GB trainer1 (deleted), 1000 GB NVMe data)"]);
  });

  it("a replacement costs what the new object adds over the one it replaces", async () => {
    // gpuCount replaces the instance; the engine checks it again without its old inputs.
    await stack.setAllConfig({ instances: "1", volumeGb: "1000", gpuCount: "2" });
    const preview = await stack.preview();
    expect(preview.opFor("trainer0")).toBe("replace");
    expect(burnLines(preview)).toEqual(["hourly burn: USD 2.79 now → USD 5.28 after this plan (+2.49: 2× H100-SXM5-80GB trainer0)"]);
    await stack.setAllConfig({ gpuCount: "1" });
  });

  it("says so when a targeted run leaves deletions unknowable", async () => {
    await stack.setAllConfig({ instances: "0", volumeGb: "1500" });
    const data = (await stack.resources()).find((r) => r.name === "data")!;
    const preview = await stack.preview({ target: [data.urn] });
    expect(burnLines(preview)).toEqual(["hourly burn: USD 2.79 now → USD 2.94 after this plan (+0.15: 1500 GB NVMe data; deletions not counted: a targeted run)"]);
  });

  it("a plan that only deletes says what it saves, on the stack named or the one selected", async () => {
    await stack.setAllConfig({ instances: "0", volumeGb: "1000" });
    const line = "hourly burn: USD 2.79 now → USD 0.30 after this plan (−2.49: 1× H100-SXM5-80GB trainer0 (deleted))";
    expect(burnLines(await stack.preview())).toEqual([line]);
    // Without --stack the CLI deploys the workspace's selected stack, and the provider finds that state too.
    const bare = await stack.cli(["preview"], { selectedStack: true });
    expect(bare.code).toBe(0);
    expect([...new Set(bare.stdout.match(/hourly burn: .*/g)?.map((l) => l.trim()))]).toEqual([line]);
  });

  it("an update that fails prints no line: its plan's burn is not what it leaves", async () => {
    await stack.setAllConfig({ instances: "1", volumeGb: "2000" });
    expect(burnLines(await stack.preview())).toEqual(["hourly burn: USD 2.79 now → USD 3.09 after this plan (+0.30: 2000 GB NVMe data)"]);
    emu.injectFault({ method: "POST", path: "volumes/{volume_id}/resize/", kind: "status", status: 400, count: 1 });
    const up = await stack.up({ expectFailure: true });
    expect(up.diagnostics.map((d) => d.message)).toContainEqual(expect.stringContaining("injected fault: answered 400"));
    expect(burnLines(up)).toEqual([]);
  });
});
