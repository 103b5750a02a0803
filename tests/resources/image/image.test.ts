import { BarrackNotFoundError } from "../../../provider/client";
import { imageProvider } from "../../../provider/resources/image/provider";
import { snapshotProvider } from "../../../provider/resources/snapshot/provider";
import { UNKNOWN, engineInputs, useEmulator } from "../support";
import { activeInstance } from "../firewall/fixtures";

const handle = useEmulator();

async function checkedImage(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await imageProvider.check({}, news);
  expect(result.failures).toBeUndefined();
  return result.inputs!;
}

/** A SUCCESS snapshot of a fresh CANADA-1 instance, made through the Snapshot provider. */
async function snapshot(name = "base") {
  const vm = await activeInstance(handle.client);
  const inputs = (await snapshotProvider.check({}, { name, instanceId: vm.vm_id })).inputs!;
  return snapshotProvider.create(engineInputs(inputs));
}

const getImage = async (id: string) => (await handle.client.call("getImage", { params: { image_id: id } })).image;

describe("Image check", () => {
  const base = { name: "golden", snapshotId: "BRK-000001S" };

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["empty name", { ...base, name: "" }, "name", /1–50/],
    ["name with a slash", { ...base, name: "a/b" }, "name", /letters, digits/],
    ["missing snapshot", { name: "golden" }, "snapshotId", /.+/],
    ["instance id as snapshot", { ...base, snapshotId: "BRK-000001D" }, "snapshotId", /BRK-000123S/],
    ["description not text", { ...base, description: ["x"] }, "description", /string/],
    ["bad timeout", { ...base, timeouts: { delete: "0s" } }, "timeouts.delete", /duration/],
  ].map(([label, news, property, reason]) => [`${label} → ${property}`, news, property, reason] as [string, Record<string, unknown>, string, RegExp]))(
    "%s",
    async (_label, news, property, reason) => {
      const result = await imageProvider.check({}, news);
      expect(result.inputs).toBeUndefined();
      const failure = result.failures?.find((f) => f.property === property);
      expect(failure).toBeDefined();
      expect(failure!.reason).toMatch(reason);
    },
  );

  it("applies defaults", async () => {
    expect(await checkedImage(base)).toEqual({ ...base, description: "" });
  });

  it("lets an unknown snapshot id through at preview", async () => {
    // The shared check skips defaults when a value is unknown; harmless here, as an unknown snapshotId replaces anyway.
    expect(await checkedImage({ name: "golden", snapshotId: UNKNOWN })).toMatchObject({ name: "golden", snapshotId: UNKNOWN });
  });
});

describe("Image diff", () => {
  const olds = {
    name: "golden", snapshotId: "BRK-000001S", description: "", imageId: "BRK-000001I", region: "CANADA-1", status: "SUCCESS",
    createdAt: "2025-01-01T00:00:00Z", __provider: "serialized-provider-text",
  };
  const news = { name: "golden", snapshotId: "BRK-000001S", description: "", __provider: "serialized-provider-text" };

  it.each<[string, Record<string, unknown>, object]>([
    ["nothing", {}, { changes: false }],
    ["name", { name: "golden-2" }, { changes: true, replaces: ["name"] }],
    ["snapshotId (same name)", { snapshotId: "BRK-000002S" }, { changes: true, replaces: ["snapshotId"], deleteBeforeReplace: true }],
    ["description (same name)", { description: "v2" }, { changes: true, replaces: ["description"], deleteBeforeReplace: true }],
    ["unknown snapshotId", { snapshotId: UNKNOWN }, { changes: true, replaces: ["snapshotId"], deleteBeforeReplace: true }],
    ["timeouts", { timeouts: { create: "2h" } }, { changes: false }],
  ])("%s", async (_label, changes, expected) => {
    expect(await imageProvider.diff("BRK-000001I", olds, { ...news, ...changes })).toEqual(expected);
  });
});

describe("Image lifecycle", () => {
  it("makes an image from a snapshot made by the Snapshot provider (snapshot → image)", async () => {
    const snap = await snapshot();
    const { id, outs } = await imageProvider.create(engineInputs(await checkedImage({ name: "golden", snapshotId: snap.outs.snapshotId, description: "v1" })));

    expect(id).toMatch(/^BRK-\d{6}I$/);
    expect(outs).toEqual({
      name: "golden", snapshotId: snap.id, description: "v1", imageId: id, region: snap.outs.region, status: "SUCCESS", createdAt: expect.any(String),
    });
    expect((await getImage(id)).status).toBe("SUCCESS");
  });

  it("reads the image back, and drops it once deleted out of band", async () => {
    const snap = await snapshot();
    const { id, outs } = await imageProvider.create(engineInputs(await checkedImage({ name: "golden", snapshotId: snap.id })));
    expect(await imageProvider.read(id, outs)).toEqual({ id, props: outs });

    await handle.client.call("deleteImage", { params: { image_id: id } });
    expect(await imageProvider.read(id, outs)).toEqual({});
  });

  it("deletes and waits until gone, tolerates an image already gone, and leaves the snapshot alone", async () => {
    const snap = await snapshot();
    const { id, outs } = await imageProvider.create(engineInputs(await checkedImage({ name: "golden", snapshotId: snap.id })));
    await imageProvider.delete(id, outs);
    await expect(getImage(id)).rejects.toBeInstanceOf(BarrackNotFoundError);
    await expect(imageProvider.delete(id, outs)).resolves.toBeUndefined();

    const { snapshot: still } = await handle.client.call("getSnapshot", { params: { snapshot_id: snap.id } });
    expect(still.status).toBe("SUCCESS");
  });
});
