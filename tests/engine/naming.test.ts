/**
 * Autonaming, end to end through the providers' check/diff/create: names that differ between stacks and
 * stay put for a resource's life, a fresh name on replacement, old state kept as it is, and an
 * interrupted create finished by the next one.
 */
import { AUTONAME_KEY, autoname, looksAutonamed, programInputs } from "../../provider/engine/naming";
import { instanceProvider } from "../../provider/resources/instance/provider";
import { startupScriptProvider } from "../../provider/resources/startupScript/provider";
import { volumeProvider } from "../../provider/resources/volume/provider";
import { NAME_RULES } from "../../provider/platform";
import { UNKNOWN, engineInputs, mutationCount, useEmulator } from "../resources/support";

const handle = useEmulator();
const volume = { region: "FINLAND-1", type: "NVMe", sizeGb: 200 };
const seed = (stack: string, resource = "data") => ({ [AUTONAME_KEY]: `proj/${stack}/${resource}` });

describe("autoname()", () => {
  const shape = NAME_RULES.volume.autoname;
  it("is the resource name plus 7 hex digits, the same for the same seed, other for other stacks", () => {
    const dev = autoname("proj/dev/data", shape);
    expect(dev).toMatch(/^data-[0-9a-f]{7}$/);
    expect(autoname("proj/dev/data", shape)).toBe(dev);
    expect(autoname("proj/prod/data", shape)).not.toBe(dev);
    expect(autoname("other/dev/data", shape)).not.toBe(dev);
  });

  it("gives a replacement a new name in the same family", () => {
    const first = autoname("proj/dev/data", shape);
    const second = autoname("proj/dev/data", shape, first);
    expect(second).not.toBe(first);
    expect(looksAutonamed(second, "proj/dev/data", shape)).toBe(true);
    expect(looksAutonamed("data", "proj/dev/data", shape)).toBe(false);
  });

  it.each([
    ["a long resource name", "a-very-long-training-data-volume-name-for-llm", /^a-very-long-training-d-[0-9a-f]{7}$/],
    ["spaces and dots", "my data.v2", /^my-data-v2-[0-9a-f]{7}$/],
    ["leading punctuation", "__x__", /^x-[0-9a-f]{7}$/],
    ["nothing usable", "???", /^r-[0-9a-f]{7}$/],
  ])("shortens and cleans %s into a valid volume name", (_label, resource, pattern) => {
    const name = autoname(`proj/dev/${resource}`, shape);
    expect(name).toMatch(pattern);
    expect(NAME_RULES.volume.pattern.test(name)).toBe(true);
  });

  it("programInputs sends the seed only when name is omitted", () => {
    const runtime = { getProject: () => "proj", getStack: () => "dev" };
    expect(programInputs(runtime, "data", { sizeGb: 1 })).toEqual({ sizeGb: 1, [AUTONAME_KEY]: "proj/dev/data" });
    expect(programInputs(runtime, "data", { name: "mine", sizeGb: 1 })).toEqual({ name: "mine", sizeGb: 1 });
  });
});

describe("check and diff with autonaming", () => {
  it("names a new resource from its seed, and two stacks get two names", async () => {
    const dev = await volumeProvider.check({}, { ...volume, ...seed("dev") });
    const prod = await volumeProvider.check({}, { ...volume, ...seed("prod") });
    expect(dev.inputs!.name).toMatch(/^data-[0-9a-f]{7}$/);
    expect(prod.inputs!.name).toMatch(/^data-[0-9a-f]{7}$/);
    expect(dev.inputs!.name).not.toBe(prod.inputs!.name);
    expect(dev.inputs![AUTONAME_KEY]).toBe("proj/dev/data");
  });

  it("keeps the name across in-place changes (no diff on the name)", async () => {
    const first = (await volumeProvider.check({}, { ...volume, ...seed("dev") })).inputs!;
    const grown = (await volumeProvider.check(first, { ...volume, sizeGb: 300, ...seed("dev") })).inputs!;
    expect(grown.name).toBe(first.name);
    expect(await volumeProvider.diff("id", first, grown)).toEqual({ changes: true });
  });

  it("renames on replacement, so the engine creates the replacement before deleting the old one", async () => {
    const first = (await volumeProvider.check({}, { ...volume, ...seed("dev") })).inputs!;
    const moved = (await volumeProvider.check(first, { ...volume, region: "FINLAND-2", ...seed("dev") })).inputs!;
    expect(moved.name).not.toBe(first.name);
    const diff = await volumeProvider.diff("id", first, moved);
    expect(diff.replaces).toEqual(expect.arrayContaining(["name", "region"]));
    expect(diff.deleteBeforeReplace).toBeUndefined();
    // The engine checks a replacement's inputs again with no old inputs: same new name, not the first one.
    const rechecked = (await volumeProvider.check({}, { ...volume, region: "FINLAND-2", ...seed("dev") })).inputs!;
    expect(rechecked.name).toBe(moved.name);
  });

  it("a forced replacement (pulumi up --replace) with the same inputs gets the next name too", async () => {
    const first = (await volumeProvider.check({}, { ...volume, ...seed("forced") })).inputs!;
    const same = (await volumeProvider.check(first, { ...volume, ...seed("forced") })).inputs!;
    expect(same.name).toBe(first.name);
    const replacement = (await volumeProvider.check({}, { ...volume, ...seed("forced") })).inputs!;
    expect(replacement.name).not.toBe(first.name);
    expect(replacement.name).toMatch(/^data-[0-9a-f]{7}$/);
  });

  it("an explicit name that stays is delete-before-replace", async () => {
    const first = (await volumeProvider.check({}, { ...volume, name: "data" })).inputs!;
    const moved = (await volumeProvider.check(first, { ...volume, region: "FINLAND-2", name: "data" })).inputs!;
    expect(await volumeProvider.diff("id", first, moved)).toMatchObject({ replaces: ["region"], deleteBeforeReplace: true });
  });

  it("an autonamed instance that keeps its attached volumes is replaced delete-first (a volume attaches to one instance)", async () => {
    const node = { region: "FINLAND-1", gpuModel: "H100-SXM5-80GB", gpuCount: 1, osImageId: "ubuntu-22.04-cuda-12.4", sshKeyIds: ["BRK-000001K"], ...seed("dev", "node") };
    const withData = (await instanceProvider.check({}, { ...node, volumeIds: ["BRK-000001V"] })).inputs!;
    const bigger = (await instanceProvider.check(withData, { ...node, gpuCount: 2, volumeIds: ["BRK-000001V"] })).inputs!;
    expect(bigger.name).not.toBe(withData.name);
    expect(await instanceProvider.diff("id", withData, bigger)).toMatchObject({ replaces: expect.arrayContaining(["gpuCount", "name"]), deleteBeforeReplace: true });
    const bare = (await instanceProvider.check({}, { ...node, ...seed("dev", "bare") })).inputs!;
    const bareBigger = (await instanceProvider.check(bare, { ...node, ...seed("dev", "bare"), gpuCount: 2 })).inputs!;
    expect((await instanceProvider.diff("id", bare, bareBigger)).deleteBeforeReplace).toBeUndefined();
  });

  it("leaves the name unknown while a replace-only input is unknown", async () => {
    const first = (await volumeProvider.check({}, { ...volume, ...seed("dev") })).inputs!;
    const later = (await volumeProvider.check(first, { ...volume, type: UNKNOWN, ...seed("dev") })).inputs!;
    expect(later.name).toBe(UNKNOWN);
  });

  it("state written with exact names (earlier releases) keeps its names: no diff after upgrading", async () => {
    // What earlier releases stored: the resource name as an explicit name, no seed.
    const old = (await volumeProvider.check({}, { ...volume, name: "data" })).inputs!;
    const upgraded = (await volumeProvider.check(old, { ...volume, ...seed("dev") })).inputs!;
    expect(upgraded.name).toBe("data");
    expect(await volumeProvider.diff("id", { ...old, volumeId: "BRK-000001V" }, upgraded)).toEqual({ changes: false });
  });

  it("keeps a renamable type's name for its life (startup scripts rename in place)", async () => {
    const first = (await startupScriptProvider.check({}, { content: "echo 1", ...seed("dev", "boot") })).inputs!;
    const edited = (await startupScriptProvider.check(first, { content: "echo 2", ...seed("dev", "boot") })).inputs!;
    expect(edited.name).toBe(first.name);
  });

  it("shortens a long resource name to the type's limit rather than refusing it", async () => {
    const { inputs, failures } = await instanceProvider.check({}, {
      region: "FINLAND-1", gpuModel: "H100-SXM5-80GB", gpuCount: 1, osImageId: "ubuntu-22.04-cuda-12.4", sshKeyIds: ["BRK-000001K"],
      ...seed("dev", "the-main-distributed-training-node-of-the-team"),
    });
    expect(failures).toBeUndefined();
    expect(String(inputs!.name).length).toBeLessThanOrEqual(30);
    expect(NAME_RULES.instance.pattern.test(String(inputs!.name))).toBe(true);
  });
});

describe("create with autonaming", () => {
  it("adopts the object an interrupted run made under this resource's autonamed name", async () => {
    const inputs = (await volumeProvider.check({}, { ...volume, ...seed("dev") })).inputs!;
    // The killed run's create reached the API; its answer never reached state.
    const { volume: orphan } = await handle.client.call("createVolume", {
      body: { name: String(inputs.name), region: "FINLAND-1", size_gb: 200, volume_type: "NVMe" },
    });
    handle.emulator.resetCounters();
    const { id } = await volumeProvider.create(engineInputs(inputs));
    expect(id).toBe(orphan.volume_id);
    expect(handle.emulator.inventory().volumes).toHaveLength(1);
    expect(mutationCount(handle.emulator)).toBe(1); // the refused create only
  });

  it("adopts even when the interrupted run used other inputs (the next up then replaces it)", async () => {
    const inputs = (await volumeProvider.check({}, { ...volume, ...seed("dev") })).inputs!;
    await handle.client.call("createVolume", { body: { name: String(inputs.name), region: "FINLAND-1", size_gb: 200, volume_type: "HDD" } });
    const { outs } = await volumeProvider.create(engineInputs(inputs));
    expect(outs.type).toBe("HDD");
    const next = (await volumeProvider.check(inputs, { ...volume, ...seed("dev") })).inputs!;
    expect((await volumeProvider.diff("id", outs, next)).replaces).toContain("type");
  });
});
