/**
 * End-to-end: several stacks of one program in one account (Pulumi autonaming), a replacement of an
 * autonamed resource created before the old one is deleted, and state written with exact names (earlier
 * releases) upgraded with no diff. Under the real engine against one emulator; never skipped.
 */
import * as path from "path";
import type { TestStack } from "./harness";
import { NO_OBJECTS, mutations, objectCounts, objects, useE2eEmulator } from "./support";

jest.setTimeout(600_000);

const PROGRAM_DIR = path.join(__dirname, "fixtures", "coexist");
const AUTONAMED = /^(key|boot|data|node|fw)-[0-9a-f]{7}$/;
const emu = useE2eEmulator();

type Names = Record<"key" | "boot" | "data" | "node" | "fw", string>;
const namesOf = async (stack: TestStack) => (await stack.outputs()).names as Names;

describe("two stacks of one program in one account", () => {
  let dev: TestStack;
  let prod: TestStack;

  beforeAll(async () => {
    dev = await emu.createStack({ programDir: PROGRAM_DIR, stackName: "dev" });
    prod = await emu.createStack({ programDir: PROGRAM_DIR, stackName: "prod" });
  });

  it("both come up, each resource under a name of its own stack", async () => {
    await dev.up();
    await prod.up();
    const [devNames, prodNames] = [await namesOf(dev), await namesOf(prod)];
    for (const name of [...Object.values(devNames), ...Object.values(prodNames)]) expect(name).toMatch(AUTONAMED);
    for (const key of Object.keys(devNames) as (keyof Names)[]) expect(devNames[key]).not.toBe(prodNames[key]);
    expect(objectCounts(emu.inventory())).toEqual({ instances: 2, volumes: 2, firewalls: 2, snapshots: 0, images: 0, sshKeys: 2, scripts: 2 });
  });

  it("a second up of each changes nothing and sends no mutating request", async () => {
    emu.resetCounters();
    const again = await dev.up();
    const prodAgain = await prod.up();
    expect(again.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
    expect(prodAgain.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
    expect(mutations(emu)).toEqual({});
  });

  it("replacing an autonamed resource creates the replacement, under a new name, before deleting the old one", async () => {
    const before = await namesOf(dev);
    await dev.setConfig("volumeRegion", "FINLAND-2");
    const up = await dev.up();
    const ops = up.steps.filter((s) => s.name === "data").map((s) => s.op);
    expect(ops.indexOf("create-replacement")).toBeGreaterThanOrEqual(0);
    expect(ops.indexOf("create-replacement")).toBeLessThan(ops.indexOf("delete-replaced"));
    const after = await namesOf(dev);
    expect(after.data).toMatch(AUTONAMED);
    expect(after.data).not.toBe(before.data);
    expect({ ...after, data: before.data }).toEqual(before); // nothing else renamed
    expect(emu.inventory().volumes.map((v) => v.region).sort()).toEqual(["FINLAND-1", "FINLAND-2"]); // prod's and dev's
  });

  it("destroying one stack leaves the other's resources alone", async () => {
    await dev.destroy();
    expect(objectCounts(emu.inventory())).toEqual({ instances: 1, volumes: 1, firewalls: 1, snapshots: 0, images: 0, sshKeys: 1, scripts: 1 });
    await prod.destroy();
    expect(objects(emu.inventory())).toEqual(NO_OBJECTS);
  });
});

describe("upgrading state written with exact names", () => {
  it("keeps every name: no diff and no API mutation after the program stops naming resources", async () => {
    const stack = await emu.createStack({ programDir: PROGRAM_DIR, config: { explicitNames: "true" } });
    await stack.up();
    expect(await namesOf(stack)).toEqual({ key: "key", boot: "boot", data: "data", node: "node", fw: "fw" });
    await stack.setConfig("explicitNames", "false");
    emu.resetCounters();
    const preview = await stack.preview();
    expect(preview.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
    const up = await stack.up();
    expect(up.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
    expect(mutations(emu)).toEqual({});
    expect(await namesOf(stack)).toEqual({ key: "key", boot: "boot", data: "data", node: "node", fw: "fw" });
    await stack.destroy();
    expect(objects(emu.inventory())).toEqual(NO_OBJECTS);
  });
});
