import { BarrackError } from "../../../provider/client";
import { volumeProvider } from "../../../provider/resources/volume/provider";
import { UNKNOWN, engineInputs, mutationCount, useEmulator } from "../support";

const handle = useEmulator();

const advanced = { name: "data-vol", region: "FINLAND-1", type: "NVMe", sizeGb: 500 };
const legacy = { name: "boot-vol", region: "CANADA-1", type: "SSD", sizeGb: 200 };

/** check → create, as the engine does. */
async function createVolume(args: Record<string, unknown>) {
  const checked = await volumeProvider.check({}, args);
  expect(checked.failures).toBeUndefined();
  return volumeProvider.create(engineInputs(checked.inputs!));
}

async function osImageId(region: string): Promise<string> {
  const { images } = await handle.client.call("listOsImages", { query: { region } });
  const ubuntu = images.find((i) => i.id.toLowerCase().startsWith("ubuntu"));
  if (!ubuntu) throw new Error(`the emulator lists no Ubuntu image in ${region}`);
  return ubuntu.id;
}

async function untilAvailable(id: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { volume } = await handle.client.call("getVolume", { params: { volume_id: id } });
    if (volume.status === "available") return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${id} did not become available`);
}

describe("check", () => {
  const bad: [string, Record<string, unknown>, Record<string, unknown>, string, RegExp][] = [
    ["type not offered in the region", {}, { ...advanced, type: "SSD" }, "type", /NVMe or HDD/],
    ["size below the minimum", {}, { ...advanced, sizeGb: 50 }, "sizeGb", /100–10000/],
    ["size above the HDD maximum", {}, { ...advanced, type: "HDD", sizeGb: 20_000 }, "sizeGb", /100–16000/],
    ["fractional size", {}, { ...advanced, sizeGb: 100.5 }, "sizeGb", /whole number/],
    ["unknown type", {}, { ...advanced, type: "tape" }, "type", /SSD, NVMe, HDD/],
    ["unknown region", {}, { ...advanced, region: "MARS-1" }, "region", /CANADA-1/],
    ["name too short", {}, { ...advanced, name: "vo" }, "name", /3–30/],
    ["name with a space", {}, { ...advanced, name: "my volume" }, "name", /no spaces/],
    ["name starting with -", {}, { ...advanced, name: "-data" }, "name", /not starting/],
    ["bootable in the advanced tier", {}, { ...advanced, bootable: true, imageId: "ubuntu-22.04" }, "bootable", /only in CANADA-1/],
    ["bootable without an image", {}, { ...legacy, bootable: true }, "imageId", /Ubuntu/],
    ["image without bootable", {}, { ...legacy, imageId: "ubuntu-22.04" }, "imageId", /bootable: true/],
    ["clone in the legacy tier", {}, { ...legacy, cloneFrom: "BRK-000001V" }, "cloneFrom", /FINLAND-1/],
    ["shrinking", advanced, { ...advanced, sizeGb: 400 }, "sizeGb", /only grow/],
    ["resizing in CANADA-1", legacy, { ...legacy, sizeGb: 300 }, "sizeGb", /cannot be resized/],
    ["a misspelt input", {}, { ...advanced, sizeGB: 500 }, "(inputs)", /sizeGB/],
  ];
  it.each(bad)("rejects %s, naming the property", async (_what, olds, news, property, reason) => {
    const { failures } = await volumeProvider.check(olds, news);
    expect(failures).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringMatching(reason) })]));
  });

  it("makes no API call for bad input, and only read-only ones (the plan's cost) for good input", async () => {
    handle.emulator.resetCounters();
    await volumeProvider.check({}, { ...advanced, sizeGb: 1 });
    expect(handle.emulator.counters()).toEqual({});
    await volumeProvider.check({}, advanced);
    expect(Object.keys(handle.emulator.counters()).filter((route) => !route.startsWith("GET ") && route !== "POST pricing/")).toEqual([]);
  });

  it("applies defaults and passes valid input through", async () => {
    const { inputs, failures } = await volumeProvider.check({}, { ...advanced, __provider: "text" });
    expect(failures).toBeUndefined();
    expect(inputs).toEqual({ ...advanced, bootable: false });
  });

  it("accepts growth, and a shrink that comes with a replacement", async () => {
    expect((await volumeProvider.check(advanced, { ...advanced, sizeGb: 800 })).failures).toBeUndefined();
    expect((await volumeProvider.check(advanced, { ...advanced, type: "HDD", sizeGb: 200 })).failures).toBeUndefined();
  });

  it("lets values unknown during preview through", async () => {
    const { failures, inputs } = await volumeProvider.check({}, { ...advanced, sizeGb: UNKNOWN, cloneFrom: UNKNOWN });
    expect(failures).toBeUndefined();
    expect(inputs).toMatchObject({ sizeGb: UNKNOWN, cloneFrom: UNKNOWN });
  });
});

describe("diff", () => {
  const olds = { ...advanced, bootable: false, volumeId: "BRK-000001V", status: "available" };
  it("reports no change for identical inputs (ignoring outputs and timeouts)", async () => {
    expect(await volumeProvider.diff("BRK-000001V", olds, { ...advanced, bootable: false, timeouts: { create: "1h" } })).toEqual({ changes: false });
  });
  it("updates sizeGb in place", async () => {
    expect(await volumeProvider.diff("BRK-000001V", olds, { ...advanced, sizeGb: 900 })).toEqual({ changes: true });
  });
  it.each([
    ["region", "FINLAND-2"],
    ["type", "HDD"],
    ["bootable", true],
    ["imageId", "ubuntu-22.04"],
    ["cloneFrom", "BRK-000009V"],
  ])("replaces on %s, deleting first because the name is kept", async (key, value) => {
    expect(await volumeProvider.diff("BRK-000001V", olds, { ...advanced, [key]: value })).toEqual({ changes: true, replaces: [key], deleteBeforeReplace: true });
  });
  it("replaces on a new name without deleting first", async () => {
    expect(await volumeProvider.diff("BRK-000001V", olds, { ...advanced, name: "other-vol" })).toEqual({ changes: true, replaces: ["name"] });
  });
  it("treats an unknown replace-only value as a replacement", async () => {
    expect(await volumeProvider.diff("BRK-000001V", olds, { ...advanced, cloneFrom: UNKNOWN })).toMatchObject({ replaces: ["cloneFrom"] });
  });
});

describe("create, read, update, delete", () => {
  it("creates an available volume and reports its cost", async () => {
    const { id, outs } = await createVolume(advanced);
    expect(id).toMatch(/^BRK-\d{6}V$/);
    expect(outs).toMatchObject({ ...advanced, volumeId: id, tier: "advanced", status: "available", bootable: false });
    expect(outs.costPerHour).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(outs))).toEqual(outs); // plain JSON
    expect(handle.emulator.inventory().volumes).toHaveLength(1);
  });

  it("creates a bootable volume in CANADA-1", async () => {
    const imageId = await osImageId("CANADA-1");
    const { outs } = await createVolume({ ...legacy, bootable: true, imageId });
    expect(outs).toMatchObject({ bootable: true, imageId, region: "CANADA-1", type: "SSD" });
  });

  it("grows in place, keeping the id", async () => {
    const { id, outs } = await createVolume(advanced);
    const news = { ...advanced, sizeGb: 750 };
    expect((await volumeProvider.diff(id, outs, news)).replaces).toBeUndefined();
    handle.emulator.resetCounters();
    const { outs: updated } = await volumeProvider.update(id, outs, news);
    expect(updated).toMatchObject({ volumeId: id, sizeGb: 750, status: "available" });
    expect(handle.emulator.counters()["POST volumes/{volume_id}/resize/"]).toBe(1);
    expect(handle.emulator.counters()["POST volumes/"]).toBeUndefined();
  });

  it("clones an advanced-tier volume, growing the clone when asked", async () => {
    const { id: sourceId } = await createVolume(advanced);
    const { id, outs } = await createVolume({ ...advanced, name: "data-clone", cloneFrom: sourceId, sizeGb: 600 });
    expect(id).not.toBe(sourceId);
    expect(outs).toMatchObject({ cloneFrom: sourceId, sizeGb: 600, status: "available" });
    const { volume } = await handle.client.call("getVolume", { params: { volume_id: id } });
    expect(volume.source_volume_id).toBe(sourceId);
  });

  it("refuses a clone whose region differs from its source", async () => {
    const { id: sourceId } = await createVolume(advanced);
    await expect(createVolume({ ...advanced, region: "FINLAND-2", name: "data-clone", cloneFrom: sourceId })).rejects.toThrow(/region FINLAND-1/);
  });

  it("read reports out-of-band drift, and drops a vanished volume", async () => {
    const { id, outs } = await createVolume(advanced);
    await handle.client.call("resizeVolume", { params: { volume_id: id }, body: { new_size_gb: 900 } });
    await untilAvailable(id);
    const refreshed = await volumeProvider.read(id, outs);
    expect(refreshed.props).toMatchObject({ sizeGb: 900 });
    // The program still says 500 GB: that would be a shrink. Preview warns (diff must not fail: refresh
    // runs it too); the update refuses it before any API call, saying what to do.
    const logged = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      expect((await volumeProvider.diff(id, refreshed.props!, advanced)).changes).toBe(true);
      expect(logged).toHaveBeenCalledWith(expect.stringMatching(new RegExp(`^warning: property sizeGb: volume ${id} is now 900 GB \\(it changed outside Pulumi.*set sizeGb to at least 900`)));
    } finally {
      logged.mockRestore();
    }
    handle.emulator.resetCounters();
    await expect(volumeProvider.update(id, refreshed.props!, advanced)).rejects.toThrow(/is now 900 GB.*set sizeGb to at least 900/);
    expect(mutationCount(handle.emulator)).toBe(0);
    expect(await volumeProvider.diff(id, refreshed.props!, { ...advanced, sizeGb: 900 })).toEqual({ changes: false });
    expect((await volumeProvider.diff(id, refreshed.props!, { ...advanced, sizeGb: 1000 })).changes).toBe(true);

    await handle.client.call("deleteVolume", { params: { volume_id: id } });
    await new Promise((r) => setTimeout(r, 50));
    expect(await volumeProvider.read(id, outs)).toEqual({});
  });

  it("keeps inputs the API does not echo through read", async () => {
    const { id, outs } = await createVolume({ ...advanced, timeouts: { create: "20m" } });
    expect((await volumeProvider.read(id, outs)).props).toMatchObject({ timeouts: { create: "20m" } });
  });

  it("deletes and waits until gone; a second delete is fine", async () => {
    const { id, outs } = await createVolume(advanced);
    await volumeProvider.delete(id, outs);
    expect(handle.emulator.inventory().volumes).toHaveLength(0);
    await expect(volumeProvider.delete(id, outs)).resolves.toBeUndefined();
  });
});

describe("ambiguous create", () => {
  it("adopts the volume a lost response created instead of creating a second", async () => {
    handle.emulator.injectFault({ method: "POST", path: "volumes/", kind: "commitThenFail", count: 1 });
    const { id, outs } = await createVolume(advanced);
    expect(outs).toMatchObject({ volumeId: id, status: "available" });
    expect(handle.emulator.inventory().volumes.map((v) => v.volume_id)).toEqual([id]);
    expect(handle.emulator.counters()["POST volumes/"]).toBe(1);
  });

  it("adopts when the connection dropped after the server committed", async () => {
    handle.emulator.injectFault({ method: "POST", path: "volumes/", kind: "commitThenDrop", count: 1 });
    const { id } = await createVolume(advanced);
    expect(handle.emulator.inventory().volumes.map((v) => v.volume_id)).toEqual([id]);
    expect(handle.emulator.counters()["POST volumes/"]).toBe(1);
  });

  it("sends the create again when the lost request created nothing, and makes one volume", async () => {
    handle.emulator.injectFault({ method: "POST", path: "volumes/", kind: "drop", count: 2 });
    const { id } = await createVolume(advanced);
    expect(handle.emulator.inventory().volumes.map((v) => v.volume_id)).toEqual([id]);
    expect(handle.emulator.counters()["POST volumes/"]).toBe(3);
  });

  it("gives up after a bounded number of lost creates, saying nothing was made", async () => {
    handle.emulator.injectFault({ method: "POST", path: "volumes/", kind: "drop", count: 10 });
    const error = (await createVolume(advanced).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/was not created: 5 create request\(s\) failed/);
    expect(handle.emulator.inventory().volumes).toHaveLength(0);
  });
});

describe("name conflict", () => {
  it("adopts a same-named volume with the same replace-only inputs made moments ago (an interrupted run)", async () => {
    const first = await createVolume({ ...advanced, name: "dup-vol" });
    handle.emulator.resetCounters();
    const second = await createVolume({ ...advanced, name: "dup-vol" });
    expect(second.id).toBe(first.id);
    expect(handle.emulator.inventory().volumes).toHaveLength(1);
    expect(mutationCount(handle.emulator)).toBe(1); // the refused create, nothing else
  });

  it("refuses a same-named volume that differs, giving its id and the ways out", async () => {
    const first = await createVolume({ ...advanced, name: "dup-vol" });
    const error = (await createVolume({ ...advanced, name: "dup-vol", type: "HDD" }).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`already exists as ${first.id}`);
    expect(error.message).toMatch(/type is "NVMe" there, not "HDD".*importId: "BRK-\d{6}V".*another `name`/);
    expect(handle.emulator.inventory().volumes).toHaveLength(1);
  });

  it("keeps API errors that are not about the name as they are", async () => {
    const error = await createVolume({ ...advanced, cloneFrom: "BRK-999999V" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/cloneFrom BRK-999999V: no such volume/);
    expect(handle.emulator.inventory().volumes).toHaveLength(0);
  });
});

describe("partial create", () => {
  it("records a volume that never became ready instead of leaking it", async () => {
    handle.emulator.setTimeScale(1); // "~30 s" again: longer than the 1 s deadline below
    try {
      const checked = await volumeProvider.check({}, { ...advanced, timeouts: { create: "1s" } });
      const error = (await volumeProvider.create(engineInputs(checked.inputs!)).catch((e: unknown) => e)) as Error & { id?: string; properties?: Record<string, unknown>; reasons?: string[] };
      expect(error.message).toMatch(/did not finish/);
      expect(error.id).toMatch(/^BRK-\d{6}V$/);
      expect(error.properties).toMatchObject({ volumeId: error.id, status: "creating", __provider: "serialized-provider-text" });
      expect(error.reasons?.[0]).toMatch(/timeouts/);
    } finally {
      handle.emulator.setTimeScale(0.001);
    }
  });
});
