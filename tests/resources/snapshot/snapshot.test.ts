import { BarrackNotFoundError } from "../../../provider/client";
import { snapshotProvider } from "../../../provider/resources/snapshot/provider";
import { UNKNOWN, engineInputs, useEmulator } from "../support";
import { activeInstance, calls } from "../firewall/fixtures";

const handle = useEmulator();

async function checked(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await snapshotProvider.check({}, news);
  expect(result.failures).toBeUndefined();
  return result.inputs!;
}

async function create(news: Record<string, unknown>) {
  return snapshotProvider.create(engineInputs(await checked(news)));
}

const getSnapshot = async (id: string) => (await handle.client.call("getSnapshot", { params: { snapshot_id: id } })).snapshot;
const total = (counters: Record<string, number>) => Object.values(counters).reduce((a, b) => a + b, 0);

describe("Snapshot check", () => {
  const base = { name: "nightly", instanceId: "BRK-000001D" };

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["empty name", { ...base, name: "" }, "name", /1–50/],
    ["name with a slash", { ...base, name: "a/b" }, "name", /letters, digits/],
    ["name too long", { ...base, name: "n".repeat(51) }, "name", /1–50/],
    ["missing instance", { name: "nightly" }, "instanceId", /.+/],
    ["instance name instead of id", { ...base, instanceId: "web-1" }, "instanceId", /BRK-000123D/],
    ["volume id as instance", { ...base, instanceId: "BRK-000001V" }, "instanceId", /instance id/],
    ["description not text", { ...base, description: 42 }, "description", /string/],
    ["bad timeout", { ...base, timeouts: { create: "later" } }, "timeouts.create", /duration/],
    ["unknown timeout key", { ...base, timeouts: { read: "1m" } }, "timeouts", /read/],
    ["unknown input", { ...base, region: "CANADA-1" }, "(inputs)", /region/],
  ].map(([label, news, property, reason]) => [`${label} → ${property}`, news, property, reason] as [string, Record<string, unknown>, string, RegExp]))(
    "%s",
    async (_label, news, property, reason) => {
      const result = await snapshotProvider.check({}, news);
      expect(result.inputs).toBeUndefined();
      const failure = result.failures?.find((f) => f.property === property);
      expect(failure).toBeDefined();
      expect(failure!.reason).toMatch(reason);
      expect(total(handle.emulator.counters())).toBe(0);
    },
  );

  it("applies defaults", async () => {
    expect(await checked(base)).toEqual({ ...base, description: "" });
  });

  it("lets an unknown instance id through at preview", async () => {
    // The shared check skips defaults when a value is unknown; harmless here, as an unknown instanceId replaces anyway.
    expect(await checked({ name: "nightly", instanceId: UNKNOWN })).toMatchObject({ name: "nightly", instanceId: UNKNOWN });
  });

  it("warns at preview when the instance is in the advanced tier", async () => {
    const vm = await activeInstance(handle.client, "FINLAND-1");
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      await checked({ name: "nightly", instanceId: vm.vm_id });
      expect(log.mock.calls.flat().join("\n")).toMatch(/warning: Snapshot "nightly": .*FINLAND-1 \(advanced tier\), but snapshots exist only in the legacy tier \(CANADA-1\)/);
    } finally {
      log.mockRestore();
    }
  });
});

describe("Snapshot diff", () => {
  const olds = {
    name: "nightly", instanceId: "BRK-000001D", description: "", snapshotId: "BRK-000001S", region: "CANADA-1", sizeGb: 200,
    status: "SUCCESS", createdAt: "2025-01-01T00:00:00Z", __provider: "serialized-provider-text",
  };
  const news = { name: "nightly", instanceId: "BRK-000001D", description: "", __provider: "serialized-provider-text" };

  it.each<[string, Record<string, unknown>, object]>([
    ["nothing", {}, { changes: false }],
    ["name", { name: "weekly" }, { changes: true, replaces: ["name"] }],
    ["instanceId (same name)", { instanceId: "BRK-000002D" }, { changes: true, replaces: ["instanceId"], deleteBeforeReplace: true }],
    ["description (same name)", { description: "before upgrade" }, { changes: true, replaces: ["description"], deleteBeforeReplace: true }],
    ["unknown instanceId", { instanceId: UNKNOWN }, { changes: true, replaces: ["instanceId"], deleteBeforeReplace: true }],
    ["timeouts", { timeouts: { create: "2h" } }, { changes: false }],
  ])("%s", async (_label, changes, expected) => {
    expect(await snapshotProvider.diff("BRK-000001S", olds, { ...news, ...changes })).toEqual(expected);
  });
});

describe("Snapshot lifecycle", () => {
  it("snapshots a legacy-tier instance and waits for SUCCESS", async () => {
    const vm = await activeInstance(handle.client);
    const { id, outs } = await create({ name: "nightly", instanceId: vm.vm_id, description: "before upgrade" });

    expect(id).toMatch(/^BRK-\d{6}S$/);
    expect(outs).toEqual({
      name: "nightly", instanceId: vm.vm_id, description: "before upgrade", snapshotId: id, region: "CANADA-1",
      sizeGb: vm.flavor.disk_gb, status: "SUCCESS", createdAt: expect.any(String),
    });
    expect((await getSnapshot(id)).status).toBe("SUCCESS");
  });

  it("refuses an advanced-tier instance with an error that names the tier rule", async () => {
    const vm = await activeInstance(handle.client, "FINLAND-1");
    const error = await create({ name: "nightly", instanceId: vm.vm_id }).then(() => undefined, (e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(new RegExp(`instance ${vm.vm_id} is in FINLAND-1 \\(advanced tier\\), but snapshots exist only in the legacy tier \\(CANADA-1\\)`));
    expect((error as Error).message).toMatch(/the API said: .*legacy-tier/);
    expect(await handle.client.listAll("listSnapshots", "snapshots")).toEqual([]);
  });

  it("explains a refusal for an instance that is not ACTIVE", async () => {
    const vm = await activeInstance(handle.client);
    await handle.client.call("stopInstance", { params: { vm_id: vm.vm_id } });
    const error = await create({ name: "nightly", instanceId: vm.vm_id }).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`instance ${vm.vm_id} is (STOPPING|SHUTOFF), and snapshots are taken of ACTIVE instances only`));
  });

  it("reads the snapshot back, and drops it once deleted out of band", async () => {
    const vm = await activeInstance(handle.client);
    const { id, outs } = await create({ name: "nightly", instanceId: vm.vm_id });
    expect(await snapshotProvider.read(id, outs)).toEqual({ id, props: outs });

    await handle.client.call("deleteSnapshot", { params: { snapshot_id: id } });
    expect(await snapshotProvider.read(id, outs)).toEqual({});
  });

  it("deletes and waits until gone, and tolerates a snapshot already gone", async () => {
    const vm = await activeInstance(handle.client);
    const { id, outs } = await create({ name: "nightly", instanceId: vm.vm_id });
    await snapshotProvider.delete(id, outs);
    await expect(getSnapshot(id)).rejects.toBeInstanceOf(BarrackNotFoundError);

    await expect(snapshotProvider.delete(id, outs)).resolves.toBeUndefined();
    expect(calls(handle.emulator.counters(), "DELETE snapshots/{snapshot_id}/")).toBe(2);
  });
});
