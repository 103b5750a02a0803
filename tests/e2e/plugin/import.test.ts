/**
 * End-to-end, the native plugin: Pulumi's own ways of adopting an object, for a PYTHON program
 * (tests/e2e/fixtures/plugin-import). Both end in the plugin's Read with no state, which rebuilds the
 * inputs from the object (provider/plugin/server.ts):
 *
 *   1. `pulumi import barrack:index:Volume data <id>` of a volume made out of band: no create request,
 *      the state holds it with its inputs (name, region, type, sizeGb, bootable) read from the object;
 *      the program `pulumi import` would have written (those inputs literally) then plans nothing;
 *   2. the `import` resource option (`opts=pulumi.ResourceOptions(import_=id)`) with matching inputs:
 *      `up` imports it, no create request; a replace-only input that differs (type) fails the import,
 *      naming it, and creates nothing.
 *
 * (`--generate-code=false`: the Python/Node language hosts built here lack GenerateProgram.)
 * Never skipped: without the CLI, the plugin archive or a Python virtualenv, the suite fails saying why.
 */
import * as path from "path";
import type { TestStack } from "../harness";
import { mutations, useE2eEmulator } from "../support";

jest.setTimeout(600_000);

const PROGRAM_DIR = path.resolve(__dirname, "..", "fixtures", "plugin-import");

/** Requests that create an object (what an adoption must never send). */
const CREATES = ["POST volumes/", "POST volumes/{volume_id}/clone/"];
const creates = (counters: Record<string, number>) => Object.fromEntries(Object.entries(counters).filter(([route]) => CREATES.includes(route)));

interface VolumeDecl {
  resource: string;
  name: string;
  region: string;
  type: string;
  sizeGb: number;
  bootable: boolean;
  import?: string;
}

describe("e2e: pulumi import and the import option, under the native plugin (Python)", () => {
  const emu = useE2eEmulator();
  let stack: TestStack;
  let firstId: string;
  let secondId: string;

  /** A volume made outside Pulumi (the API directly), once it is available. */
  async function volumeOutOfBand(body: { name: string; region: string; volume_type: string; size_gb: number }): Promise<string> {
    const response = await fetch(`${emu.url}volumes/`, {
      method: "POST",
      headers: { Authorization: `Bearer ${emu.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    const id = ((await response.json()) as { volume: { volume_id: string } }).volume.volume_id;
    await waitFor(() => emu.inventory().volumes.find((v) => v.volume_id === id)?.status === "available");
    return id;
  }

  const FIRST = { resource: "data", name: "oob-data", region: "FINLAND-1", type: "NVMe", sizeGb: 150, bootable: false };
  const SECOND = { resource: "scratch", name: "oob-scratch", region: "FINLAND-1", type: "HDD", sizeGb: 300, bootable: false };
  const declare = (volumes: VolumeDecl[]) => stack.setConfig("volumes", JSON.stringify(volumes));

  beforeAll(async () => {
    stack = await emu.createStack({ programDir: PROGRAM_DIR, plugin: true });
    firstId = await volumeOutOfBand({ name: FIRST.name, region: FIRST.region, volume_type: FIRST.type, size_gb: FIRST.sizeGb });
  });

  it("`pulumi import` adopts an out-of-band volume with no create request; the state has its inputs read from the object", async () => {
    emu.resetCounters();
    const imported = await stack.cli(["import", "barrack:index:Volume", "data", firstId, "--yes", "--generate-code=false", "--protect=false"]);
    expect({ code: imported.code, stderr: imported.stderr }).toEqual({ code: 0, stderr: "" });
    expect(imported.stdout).toMatch(/barrack:index:Volume\s+data\s+import(ed)?/);
    expect(mutations(emu)).toEqual({});
    expect(emu.inventory().volumes.map((v) => v.volume_id)).toEqual([firstId]);

    const state = await stack.resources();
    expect(state.map((r) => [r.type, r.name, r.id])).toEqual([["barrack:index:Volume", "data", firstId]]);
    const { inputs, outputs, raw } = state[0]!;
    expect(inputs).toMatchObject({ name: "oob-data", region: "FINLAND-1", type: "NVMe", sizeGb: 150, bootable: false });
    // Nothing an adoption must not keep: no importId (it is the import), no deadlines, no autonaming seed.
    expect(Object.keys(inputs).filter((k) => ["importId", "timeouts", "__autoname"].includes(k))).toEqual([]);
    expect(outputs).toMatchObject({ name: "oob-data", sizeGb: 150, status: "available" });
    expect(raw.protect ?? false).toBe(false);
  });

  it("the program `pulumi import` would have written (every input literally) plans no change and sends no mutation", async () => {
    await declare([FIRST]);
    emu.resetCounters();
    const preview = await stack.preview();
    expect(preview.opsFor("data")).toEqual(["same"]);
    expect(preview.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
    expect(mutations(emu)).toEqual({});
    // And an up of it agrees: nothing applied.
    const up = await stack.up();
    expect(up.opsFor("data")).toEqual(["same"]);
    expect(mutations(emu)).toEqual({});
    expect((await stack.resources()).map((r) => r.id)).toEqual([firstId]);
  });

  it("the import option adopts a second out-of-band volume with matching inputs: no create request", async () => {
    secondId = await volumeOutOfBand({ name: SECOND.name, region: SECOND.region, volume_type: SECOND.type, size_gb: SECOND.sizeGb });
    await declare([FIRST, { ...SECOND, import: secondId }]);
    emu.resetCounters();
    const up = await stack.up();
    expect(up.opsFor("scratch")).toEqual(["import"]);
    expect(up.opsFor("data")).toEqual(["same"]);
    expect(mutations(emu)).toEqual({});
    expect(emu.inventory().volumes.map((v) => v.volume_id).sort()).toEqual([firstId, secondId].sort());
    const scratch = (await stack.resources()).find((r) => r.name === "scratch")!;
    expect(scratch.id).toBe(secondId);
    expect(scratch.inputs).toMatchObject({ name: "oob-scratch", region: "FINLAND-1", type: "HDD", sizeGb: 300 });

    // The option kept in the program: the next preview is clean.
    emu.resetCounters();
    const preview = await stack.preview();
    expect(preview.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
    expect(mutations(emu)).toEqual({});
  });

  it("the import option with a replace-only input that differs (type) fails naming it, and creates nothing", async () => {
    const thirdId = await volumeOutOfBand({ name: "oob-third", region: "FINLAND-1", volume_type: "NVMe", size_gb: 200 });
    const third = { resource: "third", name: "oob-third", region: "FINLAND-1", type: "HDD", sizeGb: 200, bootable: false, import: thirdId };
    await declare([FIRST, { ...SECOND, import: secondId }, third]);
    emu.resetCounters();
    const before = emu.inventory().volumes.map((v) => v.volume_id).sort();
    const up = await stack.up({ expectFailure: true });
    // The engine's refusal, naming the input and both values.
    expect(up.text).toContain("previously-imported resources that still specify an ID may not be replaced");
    expect(up.text).toMatch(/type: \{NVMe\} => \{HDD\}/);
    expect(up.opsFor("third")).toEqual(["import"]);
    expect(up.stepsFor("third")[0]!.new?.id).toBe(thirdId);
    expect(creates(emu.counters())).toEqual({});
    expect(mutations(emu)).toEqual({});
    expect(emu.inventory().volumes.map((v) => v.volume_id).sort()).toEqual(before);
    // The object itself is untouched: still the NVMe volume it was. The engine (3.248) records the import
    // it read before refusing the replacement: in state as the object is (so destroy removes it), not as declared.
    expect(emu.inventory().volumes.find((v) => v.volume_id === thirdId)).toMatchObject({ volume_type: "NVMe", size_gb: 200 });
    const state = (await stack.resources()).find((r) => r.name === "third");
    expect(state?.id).toBe(thirdId);
    expect(state?.inputs).toMatchObject({ type: "NVMe", sizeGb: 200 });
  });

  it("destroy deletes the adopted volumes like any others", async () => {
    await declare([FIRST, { ...SECOND, import: secondId }]);
    const result = await stack.destroy();
    expect(result.opsFor("data")).toEqual(["delete"]);
    expect(result.opsFor("scratch")).toEqual(["delete"]);
    expect(result.opsFor("third")).toEqual(["delete"]);
    expect(emu.inventory().volumes).toEqual([]);
  });
});

async function waitFor(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error("timed out waiting for the emulator");
    await new Promise((r) => setTimeout(r, 50));
  }
}
