/**
 * End-to-end, real Pulumi engine: an instance with ordered fallbacks (tests/e2e/fixtures/fallbacks) against
 * the emulator, as ordered steps on one stack (2× H100-SXM5-80GB in FINLAND-1, then FINLAND-2, then 2×
 * H100-PCIe-NVLink-80GB in CANADA-1; stock set through the emulator):
 *
 *   1. the first choice out of stock: preview says it would take the second and what it costs, the burn
 *      line counts it, and up takes it (outputs, log line, a `connection` for remote commands);
 *   2. stock back at the first choice, the choices reordered: nothing changes;
 *   3. the choice it runs on made the first, the old first dropped: nothing changes (autonamed);
 *   4. the choice it runs on removed: a replacement, and the plan says why;
 *   5. nothing in stock and no waitForStock: up fails at once naming each choice's problem;
 *   6. the burn and barrack:maxHourlySpend count the cheaper fallback that would be taken, and the dearest
 *      choice when nothing is in stock;
 *   7. nothing in stock with waitForStock: the third choice comes into stock mid-wait and is taken;
 *   8. a FINLAND-1 volume with a FINLAND-2 choice: refused at preview, naming both;
 * and examples/gpu-fallbacks type-checks and previews, saying which choice it would take.
 *
 * Never skipped: without the Pulumi CLI, createTestStack throws and every test fails.
 */
import * as path from "path";
import type { OperationResult, TestStack } from "./harness";
import { itTypeChecksTheExample, mutations, replaceKeys, restockDuring, useE2eEmulator } from "./support";

jest.setTimeout(600_000);

const PROGRAM_DIR = path.join(__dirname, "fixtures", "fallbacks");
const EXAMPLE_DIR = path.resolve(__dirname, "..", "..", "examples", "gpu-fallbacks");
const H100 = "H100-SXM5-80GB";
const H100_PCIE = "H100-PCIe-NVLink-80GB";
const FIRST = { region: "FINLAND-1" };
const SECOND = { region: "FINLAND-2" };
const THIRD = { region: "CANADA-1", gpuModel: H100_PCIE };

const emu = useE2eEmulator();
let stack: TestStack;

beforeAll(async () => {
  stack = await emu.createStack({ programDir: PROGRAM_DIR, env: { BARRACK_POLL_MAX_MS: "100" } });
});

function setChoices(...choices: Record<string, unknown>[]): Promise<void> {
  return stack.setConfig("choices", JSON.stringify(choices));
}

/** The engine's diagnostics: the provider's notes and progress lines, warnings, errors. */
function messages(result: OperationResult): string[] {
  return result.diagnostics.map((d) => d.message.trim());
}

function burnLine(result: OperationResult): string | undefined {
  return messages(result).find((m) => m.startsWith("hourly burn:"));
}

function allOutOfStock(): void {
  emu.setGpuStock("FINLAND-1", H100, 0);
  emu.setGpuStock("FINLAND-2", H100, 0);
  emu.setGpuStock("CANADA-1", H100_PCIE, 0);
}

function restock(): void {
  emu.setGpuStock("FINLAND-1", H100, 16);
  emu.setGpuStock("FINLAND-2", H100, 16);
  emu.setGpuStock("CANADA-1", H100_PCIE, 16);
}

describe("e2e: Instance fallbacks", () => {
  it("1. the first choice out of stock: preview says it would take the second, the burn counts it, and up takes it", async () => {
    emu.setGpuStock("FINLAND-1", H100, 0);
    emu.resetCounters();
    const preview = await stack.preview();
    expect(messages(preview)).toContainEqual(expect.stringMatching(/^Instance "trainer-[0-9a-f]{7}" would take 2× H100-SXM5-80GB in FINLAND-2 \(FINLAND-1 out of stock\) ≈ USD 4\.98\/h while running or stopped$/));
    expect(burnLine(preview)).toBe("hourly burn: USD 0.00 now → USD 4.98 after this plan (+4.98: 2× H100-SXM5-80GB trainer)");
    expect(mutations(emu)).toEqual({});

    const up = await stack.up();
    expect(up.opFor("trainer")).toBe("create");
    expect(up.outputs).toMatchObject({ region: "FINLAND-2", gpuModel: H100, gpuCount: 2 });
    const [vm] = emu.inventory().instances;
    expect(vm).toMatchObject({ region: "FINLAND-2", gpu_model: H100, gpu_count: 2, vm_name: expect.stringMatching(/^trainer-[0-9a-f]{7}$/) });
    expect(up.outputs.connection).toEqual({ host: vm.ip_address, port: 22, user: "ubuntu" });
    expect(messages(up)).toContainEqual(expect.stringMatching(/^barrack Instance trainer-[0-9a-f]{7}: deploying 2× H100-SXM5-80GB in FINLAND-2 \(FINLAND-1 out of stock\)$/));
    expect(mutations(emu)["POST vms/"]).toBe(1);
  });

  it("2. stock back at the first choice and the choices reordered: nothing changes", async () => {
    emu.setGpuStock("FINLAND-1", H100, 16);
    await setChoices(FIRST, THIRD, SECOND);
    emu.resetCounters();
    const preview = await stack.preview();
    expect(preview.opFor("trainer")).toBe("same");
    expect(burnLine(preview)).toBeUndefined();
    const up = await stack.up();
    expect(up.opFor("trainer")).toBe("same");
    expect(mutations(emu)).toEqual({});
    expect(emu.inventory().instances.map((i) => i.region)).toEqual(["FINLAND-2"]);
  });

  it("3. the choice it runs on made the first, the old first dropped: nothing changes", async () => {
    await setChoices(SECOND, THIRD);
    emu.resetCounters();
    const up = await stack.up();
    expect(up.opFor("trainer")).toBe("same");
    expect(mutations(emu)).toEqual({});
  });

  it("4. the choice it runs on removed: replaced, and the plan says why", async () => {
    await setChoices(FIRST, THIRD);
    const preview = await stack.preview();
    expect(preview.opFor("trainer")).toBe("replace");
    expect(replaceKeys(preview, "trainer")).toEqual(["region"]);
    expect(messages(preview)).toContainEqual(expect.stringMatching(/^warning: Instance "trainer-[0-9a-f]{7}" will be replaced: it runs 2× H100-SXM5-80GB in FINLAND-2, which is no longer one of its choices$/));
    const before = emu.inventory().instances[0].vm_id;
    const up = await stack.up();
    expect(up.opFor("trainer")).toBe("replace");
    expect(emu.inventory().instances.map((i) => [i.region, i.vm_id === before])).toEqual([["FINLAND-1", false]]);
    expect(up.outputs.region).toBe("FINLAND-1");
  });

  it("5. nothing in stock and no waitForStock: up fails at once, naming each choice's problem", async () => {
    await stack.destroy();
    await setChoices(FIRST, SECOND, THIRD);
    allOutOfStock();
    emu.resetCounters();
    const up = await stack.up({ expectFailure: true });
    expect(up.text).toMatch(
      /cannot create instance "trainer-[0-9a-f]{7}": none of its 3 choices is in stock: \(1\) 2× H100-SXM5-80GB is out of stock in FINLAND-1 .*\(2\) 2× H100-SXM5-80GB is out of stock in FINLAND-2 .*\(3\) 2× H100-PCIe-NVLink-80GB is out of stock in CANADA-1 .*Add choices \(fallbacks\), or set waitForStock/,
    );
    expect(mutations(emu)["POST vms/"]).toBeUndefined();
    expect(emu.inventory().instances).toEqual([]);
  });

  it("6. the burn and barrack:maxHourlySpend count the fallback that would be taken, and the dearest when none is in stock", async () => {
    emu.setGpuStock("CANADA-1", H100_PCIE, 16);
    await stack.setConfig("barrack:maxHourlySpend", "4.7");
    // 2× H100-PCIe: 4.58 an hour, under the limit, though the first choice (4.98) would pass it.
    const cheaper = await stack.preview();
    expect(burnLine(cheaper)).toBe("hourly burn: USD 0.00 now → USD 4.58 after this plan (+4.58: 2× H100-PCIe-NVLink-80GB trainer)");
    emu.setGpuStock("CANADA-1", H100_PCIE, 0);
    const refused = await stack.preview({ expectFailure: true });
    expect(refused.text).toMatch(/this plan would raise the hourly burn to USD 4\.98, over barrack:maxHourlySpend USD 4\.70 .*adding the most: 2× H100-SXM5-80GB trainer \+4\.98/);
    await stack.removeConfig("barrack:maxHourlySpend");
  });

  it("7. nothing in stock with waitForStock: the third choice comes into stock mid-wait and is taken", async () => {
    await stack.setConfig("waitForStock", "2m");
    // What a preview looks up; the update's check looks up as much again before the create waits.
    emu.resetCounters();
    const preview = await stack.preview();
    expect(messages(preview)).toContainEqual(expect.stringMatching(/^warning: Instance "trainer-[0-9a-f]{7}": none of its 3 choices is in stock: .*The create will wait up to 2m \(waitForStock\) for the first of them\.$/));
    const perCheck = emu.counters()["GET gpu-stocks/"] ?? 0;
    emu.resetCounters();
    const { result: up } = await restockDuring(emu, 2 * perCheck + 2, () => emu.setGpuStock("CANADA-1", H100_PCIE, 8), () => stack.up());
    expect(up.opFor("trainer")).toBe("create");
    expect(up.outputs).toMatchObject({ region: "CANADA-1", gpuModel: H100_PCIE, gpuCount: 2 });
    expect(messages(up)).toEqual(expect.arrayContaining([
      expect.stringMatching(/: waiting for stock \(\d+s of up to 2m\): none of its 3 choices is in stock: \(1\) 2× H100-SXM5-80GB is out of stock in FINLAND-1/),
      expect.stringMatching(/: 2× H100-PCIe-NVLink-80GB is in stock in CANADA-1 after \d+s of waiting; deploying$/),
      expect.stringMatching(/: deploying 2× H100-PCIe-NVLink-80GB in CANADA-1 \(2× H100-SXM5-80GB in FINLAND-1 out of stock, 2× H100-SXM5-80GB in FINLAND-2 out of stock\)$/),
    ]));
    expect(mutations(emu)["POST vms/"]).toBe(1);
    await stack.removeConfig("waitForStock");
    restock();
  });

  it("8. a FINLAND-1 volume with a FINLAND-2 choice: refused at preview, naming both", async () => {
    await stack.setConfig("volume", "create");
    await stack.up(); // the volume exists, so its id (and region) is known to the next preview
    const [volume] = emu.inventory().volumes;
    await stack.setConfig("volume", "attach");
    await setChoices(FIRST, SECOND);
    emu.resetCounters();
    const refused = await stack.preview({ expectFailure: true });
    expect(refused.text).toContain(`property fallbacks.0.region value {<nil>} has a problem: volume ${volume.volume_id} (volumeIds) is in FINLAND-1, not FINLAND-2: an instance uses volumes of its own region only`);
    expect(mutations(emu)).toEqual({});
  });
});

describe("examples/gpu-fallbacks", () => {
  itTypeChecksTheExample(EXAMPLE_DIR);

  it("previews, saying which choice it would take now and what the plan's burn becomes", async () => {
    emu.setGpuStock("FINLAND-1", H100, 0);
    emu.setGpuStock("FINLAND-2", H100, 0);
    const example = await emu.createStack({ programDir: EXAMPLE_DIR, config: { fallbackOrder: "listed" } });
    const preview = await example.preview();
    expect(messages(preview)).toContainEqual(expect.stringMatching(
      /^Instance "trainer-[0-9a-f]{7}" would take 2× H100-PCIe-NVLink-80GB in CANADA-1 \(2× H100-SXM5-80GB in FINLAND-1 out of stock, 2× H100-SXM5-80GB in FINLAND-2 out of stock\) ≈ USD 4\.58\/h while running or stopped$/,
    ));
    // The suite's other stack may still bill: only the plan's part is this example's.
    expect(burnLine(preview)).toMatch(/ after this plan \(\+4\.58: 2× H100-PCIe-NVLink-80GB trainer\)$/);
    restock();
  });
});
