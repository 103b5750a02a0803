/**
 * `importId`: adopting objects that exist outside Pulumi, with no create request, in-place inputs applied
 * in the same `up`, replace-only inputs refused at preview, and no diff afterwards.
 */
import { AUTONAME_KEY } from "../../provider/engine/naming";
import { startupScriptProvider } from "../../provider/resources/startupScript/provider";
import { volumeProvider } from "../../provider/resources/volume/provider";
import { engineInputs, mutationCount, named, useEmulator } from "../resources/support";

const handle = useEmulator();

async function outOfBandVolume(name = "dashboard-data", sizeGb = 500) {
  const { volume } = await handle.client.call("createVolume", { body: { name, region: "FINLAND-1", size_gb: sizeGb, volume_type: "NVMe" } });
  for (let i = 0; i < 100; i++) {
    const { volume: v } = await handle.client.call("getVolume", { params: { volume_id: volume.volume_id } });
    if (v.status === "available") return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("volume never became available");
}

describe("importId", () => {
  it("adopts with no create request, keeps the object's name, and grows it in the same create", async () => {
    const existing = await outOfBandVolume();
    const { inputs, failures } = await volumeProvider.check({}, { importId: existing.volume_id, region: "FINLAND-1", type: "NVMe", sizeGb: 600, [AUTONAME_KEY]: "proj/dev/data" });
    expect(failures).toBeUndefined();
    expect(inputs).toMatchObject({ name: "dashboard-data", importId: existing.volume_id });
    expect(inputs![AUTONAME_KEY]).toBeUndefined();
    handle.emulator.resetCounters();
    const { id, outs } = await volumeProvider.create(engineInputs(inputs!));
    expect(id).toBe(existing.volume_id);
    expect(outs).toMatchObject({ name: "dashboard-data", sizeGb: 600 });
    expect(handle.emulator.counters()["POST volumes/"]).toBeUndefined();
    expect(mutationCount(handle.emulator)).toBe(1); // the resize
    // Afterwards importId causes no diff, removing it included; omitted inputs keep the adopted values.
    const later = (await volumeProvider.check(inputs!, { region: "FINLAND-1", type: "NVMe", sizeGb: 600, [AUTONAME_KEY]: "proj/dev/data" })).inputs!;
    expect(later.name).toBe("dashboard-data");
    expect(await volumeProvider.diff(id, outs, later)).toEqual({ changes: false });
  });

  it("refuses at preview a replace-only input that differs, naming it with both values", async () => {
    const existing = await outOfBandVolume();
    const { failures } = await volumeProvider.check({}, { importId: existing.volume_id, region: "FINLAND-1", type: "HDD", sizeGb: 500 });
    expect(named(failures)).toEqual([{ property: "type", reason: expect.stringMatching(/type is "NVMe" there, not "HDD".*set type to what the object has/) }]);
    expect(handle.emulator.inventory().volumes).toHaveLength(1);
  });

  it("refuses an id that does not exist, naming importId", async () => {
    const { failures } = await volumeProvider.check({}, { importId: "BRK-999999V", region: "FINLAND-1", type: "NVMe", sizeGb: 500 });
    expect(failures).toEqual([{ property: "importId", reason: expect.stringMatching(/BRK-999999V: no such Volume/) }]);
  });

  it("fills omitted optional inputs from the object, so the next preview is clean", async () => {
    const { script } = await handle.client.call("createScript", { body: { name: "bootstrap", content: "#!/bin/sh\necho hi\n", description: "from the dashboard" } });
    const { inputs } = await startupScriptProvider.check({}, { importId: script.script_id, content: "#!/bin/sh\necho hi\n" });
    expect(inputs).toMatchObject({ name: "bootstrap", description: "from the dashboard" });
    handle.emulator.resetCounters();
    const { outs } = await startupScriptProvider.create(engineInputs(inputs!));
    expect(mutationCount(handle.emulator)).toBe(0);
    const next = (await startupScriptProvider.check(inputs!, { content: "#!/bin/sh\necho hi\n" })).inputs!;
    expect(await startupScriptProvider.diff(script.script_id, outs, next)).toEqual({ changes: false });
  });

  it("a replacement of an adopted resource creates a new object instead of adopting the old one again", async () => {
    const existing = await outOfBandVolume("old-data");
    const adopted = (await volumeProvider.check({}, { importId: existing.volume_id, region: "FINLAND-1", type: "NVMe", sizeGb: 500 })).inputs!;
    const moved = (await volumeProvider.check(adopted, { importId: existing.volume_id, region: "FINLAND-2", type: "NVMe", sizeGb: 500, name: "new-data" })).inputs!;
    expect(moved.importId).toBeUndefined();
    const { id } = await volumeProvider.create(engineInputs(moved));
    expect(id).not.toBe(existing.volume_id);
  });
});
