/**
 * What a killed run's pending create left (`removeLeftover`, crud.ts; run by a destroy through
 * provider/resources/interrupted.ts): the object is deleted only when it is that create's, an autonamed
 * one always, an explicitly named one only when it matches and was made after the create began.
 */
import { AUTONAME_KEY } from "../../../provider/resources/shared/naming";
import { volumeProvider } from "../../../provider/resources/volume/provider";
import { useEmulator } from "../support";

const handle = useEmulator();

async function volume(name: string, volumeType = "NVMe") {
  const { volume } = await handle.client.call("createVolume", { body: { name, region: "FINLAND-1", size_gb: 100, volume_type: volumeType } });
  return volume;
}
const names = () => handle.emulator.inventory().volumes.map((v) => v.name);

let logged: string[];
beforeEach(() => {
  logged = [];
  jest.spyOn(console, "log").mockImplementation((line: string) => void logged.push(line));
});
afterEach(() => jest.restoreAllMocks());

const pending = (name: string, extra: Record<string, unknown> = {}) => ({ name, region: "FINLAND-1", type: "NVMe", sizeGb: 100, ...extra });

describe("removing what a killed create left", () => {
  it("deletes the object holding the pending create's autonamed name, and waits until it is gone", async () => {
    const made = await volume("data-0c60e24");
    await volumeProvider.removeLeftover(pending("data-0c60e24", { [AUTONAME_KEY]: "proj/dev/data" }), undefined);
    expect(names()).toEqual([]);
    expect(logged).toContainEqual(`barrack Volume data-0c60e24: deleting ${made.volume_id}: an interrupted run created it and never recorded it in the stack's state`);
  });

  it("deletes an explicitly named object that matches and was made after the state was written", async () => {
    await volume("scratch");
    await volumeProvider.removeLeftover(pending("scratch"), Date.now() - 60_000);
    expect(names()).toEqual([]);
  });

  it("leaves an explicitly named object that is not that create's, saying why and what to do", async () => {
    const older = await volume("shared-data");
    // The state says the create began an hour from now: the object is older than the create.
    await volumeProvider.removeLeftover(pending("shared-data"), Date.now() + 3_600_000);
    const other = await volume("hdd-data", "HDD");
    await volumeProvider.removeLeftover(pending("hdd-data"), Date.now() - 60_000);
    await volumeProvider.removeLeftover(pending("shared-data"), undefined);
    expect(names().sort()).toEqual(["hdd-data", "shared-data"]);
    expect(logged).toEqual([
      expect.stringMatching(new RegExp(`^barrack Volume shared-data: not deleting ${older.volume_id}: an interrupted run left a create of "shared-data" unfinished, but it was created at .*, before this create could have made it\\. If it is that run's, delete it yourself \\(\`npx barrack sweep --prefix shared-data\`\\)$`)),
      expect.stringMatching(new RegExp(`^barrack Volume hdd-data: not deleting ${other.volume_id}: .*it differs from the inputs: type is "HDD" there, not "NVMe"`)),
      expect.stringMatching(/not deleting .*: .*but the state does not say when that run began/),
    ]);
  });

  it("does nothing when the killed run's request never made anything", async () => {
    handle.emulator.resetCounters();
    await volumeProvider.removeLeftover(pending("never-made-1a2b3c4", { [AUTONAME_KEY]: "proj/dev/never-made" }), undefined);
    expect(Object.keys(handle.emulator.counters()).filter((route) => !route.startsWith("GET "))).toEqual([]);
    expect(logged).toEqual([]);
  });
});
