/**
 * End-to-end, real Pulumi engine, a PYTHON program under the native plugin: an instance with ordered
 * fallbacks (tests/e2e/fixtures/fallbacks/python, the generated SDK's `fallbacks`, `fallback_order` and
 * `connection`), served by the same code as the dynamic provider. One stack:
 *
 *   1. the first choice out of stock: preview says it would take the second; up takes it;
 *   2. stock back, the choices reordered and the order made "cheapest": nothing changes, nothing is sent;
 *   3. the choice it runs on removed: replaced (the plan says why), now on the first choice;
 *   4. destroy: the emulator holds nothing.
 *
 * Never skipped: without the CLI, the plugin archive or a Python virtualenv, the suite fails saying why.
 */
import * as path from "path";
import type { OperationResult, TestStack } from "../harness";
import { mutations, NO_OBJECTS, objects, replaceKeys, useE2eEmulator } from "../support";

jest.setTimeout(600_000);

const PROGRAM_DIR = path.resolve(__dirname, "..", "fixtures", "fallbacks", "python");
const H100 = "H100-SXM5-80GB";
const THIRD = { region: "CANADA-1", gpuModel: "H100-PCIe-NVLink-80GB" };

const messages = (result: OperationResult) => result.diagnostics.map((d) => d.message.trim());

describe("e2e: Instance fallbacks in a Python program under the native plugin", () => {
  const emu = useE2eEmulator();
  let stack: TestStack;

  beforeAll(async () => {
    stack = await emu.createStack({ programDir: PROGRAM_DIR, plugin: true });
  });

  it("1. the first choice out of stock: preview says it would take the second; up takes it", async () => {
    emu.setGpuStock("FINLAND-1", H100, 0);
    const preview = await stack.preview();
    expect(messages(preview)).toContainEqual(expect.stringMatching(/^Instance "trainer-[0-9a-f]{7}" would take 2× H100-SXM5-80GB in FINLAND-2 \(FINLAND-1 out of stock\) ≈ USD 4\.98\/h/));
    const up = await stack.up();
    expect(up.opFor("trainer")).toBe("create");
    const [vm] = emu.inventory().instances;
    expect(vm).toMatchObject({ region: "FINLAND-2", gpu_model: H100, gpu_count: 2 });
    expect(up.outputs).toMatchObject({ region: "FINLAND-2", gpuModel: H100, gpuCount: 2, connection: { host: vm.ip_address, port: 22, user: "ubuntu" } });
  });

  it('2. stock back, the choices reordered and the order made "cheapest": nothing changes', async () => {
    emu.setGpuStock("FINLAND-1", H100, 16);
    await stack.setAllConfig({ choices: JSON.stringify([{ region: "FINLAND-1" }, THIRD, { region: "FINLAND-2" }]), fallbackOrder: "cheapest" });
    emu.resetCounters();
    const up = await stack.up();
    expect(up.opFor("trainer")).toBe("same");
    expect(mutations(emu)).toEqual({});
    expect(emu.inventory().instances.map((i) => i.region)).toEqual(["FINLAND-2"]);
  });

  it("3. the choice it runs on removed: replaced, and the plan says why", async () => {
    await stack.setAllConfig({ choices: JSON.stringify([{ region: "FINLAND-1" }, THIRD]), fallbackOrder: "listed" });
    const preview = await stack.preview();
    expect(replaceKeys(preview, "trainer")).toEqual(["region"]);
    expect(messages(preview)).toContainEqual(expect.stringMatching(/will be replaced: it runs 2× H100-SXM5-80GB in FINLAND-2, which is no longer one of its choices$/));
    const up = await stack.up();
    expect(up.opsFor("trainer")).toContain("replace");
    expect(emu.inventory().instances.map((i) => i.region)).toEqual(["FINLAND-1"]);
    expect(up.outputs.region).toBe("FINLAND-1");
  });

  it("4. destroy leaves nothing in the account", async () => {
    await stack.destroy();
    expect(objects(emu.inventory())).toEqual(NO_OBJECTS);
  });
});
