/**
 * What a killed run's pending create left (`leftover`, crud.ts; acted on by provider/deployment/interrupted.ts
 * at destroy, and named at close of an `up` that no longer declares it): the object holding the create's
 * name is that create's when autonamed, and when explicitly named only if it matches and was made after
 * the create began; `remove` waits for a create still in progress, then deletes.
 */
import { AUTONAME_KEY } from "../../provider/engine/naming";
import { volumeProvider } from "../../provider/resources/volume/provider";
import { useEmulator } from "../resources/support";

const handle = useEmulator();

async function volume(name: string, volumeType = "NVMe") {
  const { volume } = await handle.client.call("createVolume", { body: { name, region: "FINLAND-1", size_gb: 100, volume_type: volumeType } });
  return volume;
}
const names = () => handle.emulator.inventory().volumes.map((v) => v.name);
const pending = (name: string, extra: Record<string, unknown> = {}) => ({ name, region: "FINLAND-1", type: "NVMe", sizeGb: 100, ...extra });

describe("what a killed create left", () => {
  it("an autonamed name's holder is that create's: removed once its create settles, and waited for", async () => {
    const made = await volume("data-0c60e24"); // still "creating": it cannot be deleted yet
    const leftover = await volumeProvider.leftover(pending("data-0c60e24", { [AUTONAME_KEY]: "proj/dev/data" }), undefined);
    expect(leftover).toMatchObject({ id: made.volume_id, name: "data-0c60e24", refusal: undefined });
    await leftover!.remove();
    expect(names()).toEqual([]);
  });

  it("an explicitly named object is that create's when it matches and was made after the state was written", async () => {
    await volume("scratch");
    const leftover = await volumeProvider.leftover(pending("scratch"), Date.now() - 60_000);
    expect(leftover?.refusal).toBeUndefined();
    await leftover!.remove();
    expect(names()).toEqual([]);
  });

  it("an explicitly named object is not when it is older, differs, or the state has no time", async () => {
    await volume("shared-data");
    await volume("hdd-data", "HDD");
    // The state says the create began an hour from now: the object is older than the create.
    expect((await volumeProvider.leftover(pending("shared-data"), Date.now() + 3_600_000))?.refusal).toMatch(/^it was created at .*, before this create could have made it$/);
    expect((await volumeProvider.leftover(pending("hdd-data"), Date.now() - 60_000))?.refusal).toBe('it differs from the inputs: type is "HDD" there, not "NVMe"');
    expect((await volumeProvider.leftover(pending("shared-data"), undefined))?.refusal).toBe("the state does not say when that run began");
    expect(names().sort()).toEqual(["hdd-data", "shared-data"]);
  });

  it("nothing, with GET requests only, when the killed run's request never made anything", async () => {
    handle.emulator.resetCounters();
    expect(await volumeProvider.leftover(pending("never-made-1a2b3c4", { [AUTONAME_KEY]: "proj/dev/never-made" }), undefined)).toBeUndefined();
    expect(Object.keys(handle.emulator.counters()).filter((route) => !route.startsWith("GET "))).toEqual([]);
  });
});
