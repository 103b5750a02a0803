/**
 * End-to-end: `importId` under the real engine. A volume made out of band is adopted with no create
 * request, grown in the same `up`, keeps its name, and the next preview is clean; a replace-only input
 * that differs fails preview naming the property with both values; `destroy` deletes the adopted volume.
 */
import * as path from "path";
import { BarrackClient } from "../../provider/client";
import type { TestStack } from "./harness";
import { NO_OBJECTS, mutations, objects, useE2eEmulator } from "./support";

jest.setTimeout(300_000);

const PROGRAM_DIR = path.join(__dirname, "fixtures", "adopt");
const emu = useE2eEmulator();
let stack: TestStack;
let volumeId: string;

beforeAll(async () => {
  const client = new BarrackClient({ apiKey: emu.apiKey, baseUrl: emu.url });
  volumeId = (await client.call("createVolume", { body: { name: "dashboard-data", region: "FINLAND-1", size_gb: 500, volume_type: "NVMe" } })).volume.volume_id;
  while (emu.inventory().volumes[0]!.status !== "available") await new Promise((r) => setTimeout(r, 20));
  stack = await emu.createStack({ programDir: PROGRAM_DIR, config: { importId: volumeId, sizeGb: "600" } });
});

it("a replace-only input that differs fails preview, naming it with both values, with no mutation", async () => {
  await stack.setConfig("type", "HDD");
  emu.resetCounters();
  const preview = await stack.preview({ expectFailure: true });
  expect(preview.text).toMatch(new RegExp(`property type value \\{HDD\\} has a problem: importId ${volumeId} cannot be adopted as written: type is "NVMe" there, not "HDD"`));
  expect(mutations(emu)).toEqual({});
  await stack.removeConfig("type");
});

it("up adopts it with no create request, grows it in the same up, and keeps its name", async () => {
  emu.resetCounters();
  const up = await stack.up();
  expect(up.opsFor("data")).toEqual(["create"]);
  expect(mutations(emu)).toEqual({ "POST volumes/{volume_id}/resize/": 1 });
  expect(await stack.outputs()).toEqual({ name: "dashboard-data", sizeGb: 600 });
  expect(emu.inventory().volumes.map((v) => [v.volume_id, v.size_gb])).toEqual([[volumeId, 600]]);
});

it("the next preview is clean", async () => {
  const preview = await stack.preview();
  expect(preview.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
});

it("destroy deletes the adopted volume like any other", async () => {
  await stack.destroy();
  expect(objects(emu.inventory())).toEqual(NO_OBJECTS);
});
