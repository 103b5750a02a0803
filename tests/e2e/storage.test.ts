/**
 * End-to-end: advanced-tier storage (examples/advanced-storage) under the REAL Pulumi engine, against the
 * emulator. One stack walked through ordered steps (each `it` builds on the previous one):
 *   create (NVMe dataset, its clone, an HDD archive) → grow in place (preview: update, not replace; same ids)
 *   → shrink refused at preview naming sizeGb (no API mutation) → region change previews as a replace
 *   → type change replaces the dataset and its clone → pointing cloneFrom elsewhere replaces the clone
 *   → a cloneFrom that names no volume fails the up naming cloneFrom → destroy.
 * The emulator's inventory and request counters are checked after every step.
 *
 * Never skipped: without the Pulumi CLI, createTestStack throws.
 */
import * as path from "path";
import type { Volume } from "../../provider/contract";
import type { TestStack } from "./harness";
import { itTypeChecksTheExample, mutations, replaceKeys, useE2eEmulator } from "./support";

jest.setTimeout(300_000);

const PROGRAM_DIR = path.resolve(__dirname, "../../examples/advanced-storage");

const emu = useE2eEmulator();
let stack: TestStack;

function volumes(): Volume[] {
  return emu.inventory().volumes;
}

function volume(id: unknown): Volume {
  const found = volumes().find((v) => v.volume_id === id);
  if (!found) throw new Error(`volume ${String(id)} is not in the emulator (has: ${volumes().map((v) => v.volume_id).join(", ")})`);
  return found;
}

/** What matters of the inventory for "nothing changed" comparisons. */
function volumeSummary(): string[] {
  return volumes()
    .map((v) => `${v.volume_id} ${v.name} ${v.region} ${v.volume_type} ${v.size_gb} ${v.status} ${v.source_volume_id ?? "-"}`)
    .sort();
}

/** The example omits names: each is its resource name plus the autonaming suffix. */
const autonamed = (resource: string) => expect.stringMatching(new RegExp(`^${resource}-[0-9a-f]{7}$`));

/** Ids from the previous step, to show what stayed and what was replaced. */
const ids: { dataset?: string; copy?: string; archive?: string } = {};

describe("advanced storage (examples/advanced-storage) under the real engine", () => {
  itTypeChecksTheExample(PROGRAM_DIR);

  it("up creates an NVMe dataset, a clone of it and an HDD archive", async () => {
    stack = await emu.createStack({ programDir: PROGRAM_DIR });
    emu.resetCounters();
    const up = await stack.up();

    expect(up.counts).toMatchObject({ create: 4, update: 0, replace: 0, delete: 0 }); // stack + 3 volumes
    for (const name of ["dataset", "dataset-copy", "archive"]) expect(up.opsFor(name)).toEqual(["create"]);
    const { datasetId, copyId, archiveId, copySource, datasetSizeGb, storageCostPerHour } = up.outputs;
    expect(copySource).toBe(datasetId);
    expect(datasetSizeGb).toBe(500);
    expect(storageCostPerHour).toBeGreaterThan(0);

    expect(volumes()).toHaveLength(3);
    expect(volume(datasetId)).toMatchObject({ name: autonamed("dataset"), region: "FINLAND-1", tier: "advanced", volume_type: "NVMe", size_gb: 500, status: "available", source_volume_id: null });
    // The clone: made by the clone call from the dataset, same region/type/size.
    expect(volume(copyId)).toMatchObject({ name: autonamed("dataset-copy"), region: "FINLAND-1", volume_type: "NVMe", size_gb: 500, status: "available", source_volume_id: datasetId });
    expect(volume(archiveId)).toMatchObject({ name: autonamed("archive"), region: "FINLAND-1", volume_type: "HDD", size_gb: 2000, status: "available" });
    expect(mutations(emu)).toEqual({ "POST volumes/": 2, "POST volumes/{volume_id}/clone/": 1 });

    Object.assign(ids, { dataset: datasetId, copy: copyId, archive: archiveId });
  });

  it("growing sizeGb previews as an in-place update and up resizes the same volumes", async () => {
    await stack.setConfig("datasetSizeGb", "800"); // the clone follows the dataset's size by default
    emu.resetCounters();
    const preview = await stack.preview();
    expect(preview.opFor("dataset")).toBe("update");
    expect(preview.opFor("dataset-copy")).toBe("update");
    expect(preview.opFor("archive")).toBe("same");
    expect(preview.counts).toMatchObject({ update: 2, replace: 0, create: 0, delete: 0 });
    expect(preview.stepsFor("dataset")[0]!.changedInputs).toEqual(["sizeGb"]);
    expect(replaceKeys(preview, "dataset")).toEqual([]);
    expect(mutations(emu)).toEqual({}); // a preview never mutates

    const up = await stack.up();
    expect(up.opsFor("dataset")).toEqual(["update"]);
    expect(up.opsFor("dataset-copy")).toEqual(["update"]);
    expect(up.opsFor("archive")).toEqual(["same"]);
    expect(up.counts).toMatchObject({ update: 2, replace: 0, create: 0, delete: 0 });
    expect(up.outputs).toMatchObject({ datasetId: ids.dataset, copyId: ids.copy, archiveId: ids.archive, datasetSizeGb: 800 });

    expect(volumes()).toHaveLength(3);
    expect(volume(ids.dataset)).toMatchObject({ size_gb: 800, status: "available", volume_type: "NVMe" });
    expect(volume(ids.copy)).toMatchObject({ size_gb: 800, status: "available", source_volume_id: ids.dataset });
    expect(volume(ids.archive)).toMatchObject({ size_gb: 2000 });
    expect(mutations(emu)).toEqual({ "POST volumes/{volume_id}/resize/": 2 });

    const state = await stack.resources();
    expect(state.find((r) => r.name === "dataset")).toMatchObject({ id: ids.dataset, outputs: expect.objectContaining({ sizeGb: 800 }) });
  });

  it("shrinking sizeGb fails at preview naming sizeGb, and nothing changes", async () => {
    const before = volumeSummary();
    await stack.setConfig("datasetSizeGb", "400");
    try {
      emu.resetCounters();
      const preview = await stack.preview({ expectFailure: true });
      expect(preview.ok).toBe(false);
      const errors = preview.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
      expect(errors.some((m) => /sizeGb/.test(m) && /only grow/.test(m) && /800 GB cannot shrink to 400 GB/.test(m))).toBe(true);
      expect(mutations(emu)).toEqual({});
      expect(volumeSummary()).toEqual(before);
      const state = await stack.resources();
      expect(state.find((r) => r.name === "dataset")?.outputs.sizeGb).toBe(800);
    } finally {
      await stack.setConfig("datasetSizeGb", "800"); // later steps must not inherit the bad value
    }
  });

  it("a region change previews as a replace of every volume (nothing is touched by the preview)", async () => {
    const before = volumeSummary();
    await stack.setConfig("region", "FINLAND-2");
    try {
      emu.resetCounters();
      const preview = await stack.preview();
      for (const name of ["dataset", "dataset-copy", "archive"]) expect(preview.opFor(name)).toBe("replace");
      expect(replaceKeys(preview, "dataset")).toEqual(["name", "region"]); // autonamed: a new name, created before the old is deleted
      expect(replaceKeys(preview, "archive")).toEqual(["name", "region"]);
      // The clone is replaced because its source is (the engine reports the dependent key, cloneFrom).
      expect(replaceKeys(preview, "dataset-copy").length).toBeGreaterThan(0);
      expect(preview.counts).toMatchObject({ replace: 3, update: 0 });
      expect(mutations(emu)).toEqual({});
      expect(volumeSummary()).toEqual(before);
    } finally {
      await stack.removeConfig("region");
    }
  });

  it("a type change replaces the dataset and its clone; the archive stays", async () => {
    await stack.setConfig("datasetType", "HDD");
    emu.resetCounters();
    const old = { ...ids };
    const up = await stack.up();
    Object.assign(ids, { dataset: up.outputs.datasetId, copy: up.outputs.copyId }); // before asserting: later steps need them
    expect(up.opFor("dataset")).toBe("replace");
    expect(replaceKeys(up, "dataset")).toEqual(["name", "type"]);
    expect(up.opFor("dataset-copy")).toBe("replace");
    // Replaced as a dependent of the dataset: the engine reports the key that depends on it (cloneFrom).
    expect(replaceKeys(up, "dataset-copy").length).toBeGreaterThan(0);
    expect(["cloneFrom", "name", "type"]).toEqual(expect.arrayContaining(replaceKeys(up, "dataset-copy")));
    expect(up.opsFor("archive")).toEqual(["same"]);
    expect(up.counts).toMatchObject({ replace: 2, update: 0 });

    const { datasetId, copyId, archiveId, copySource } = up.outputs;
    expect(datasetId).not.toBe(old.dataset);
    expect(copyId).not.toBe(old.copy);
    expect(archiveId).toBe(old.archive);
    expect(copySource).toBe(datasetId);

    expect(volumes().map((v) => v.volume_id).sort()).toEqual([datasetId, copyId, archiveId].sort()); // the old ones are gone
    expect(volume(datasetId)).toMatchObject({ name: autonamed("dataset"), volume_type: "HDD", size_gb: 800, status: "available" });
    expect(volume(copyId)).toMatchObject({ name: autonamed("dataset-copy"), volume_type: "HDD", size_gb: 800, source_volume_id: datasetId });
    expect(mutations(emu)).toEqual({ "POST volumes/": 1, "POST volumes/{volume_id}/clone/": 1, "DELETE volumes/{volume_id}/": 2 });
  });

  it("pointing cloneFrom at another volume replaces the clone (cloned, then grown to copySizeGb)", async () => {
    await stack.setAllConfig({ cloneSource: ids.archive!, copySizeGb: "2500" });
    emu.resetCounters();
    const up = await stack.up();
    expect(up.opFor("dataset-copy")).toBe("replace");
    expect(replaceKeys(up, "dataset-copy")).toEqual(["cloneFrom", "name"]); // sizeGb changed too, but it is updatable
    expect(up.opsFor("dataset")).toEqual(["same"]);
    expect(up.opsFor("archive")).toEqual(["same"]);
    expect(up.counts).toMatchObject({ replace: 1, update: 0 });

    const { datasetId, copyId, archiveId, copySource } = up.outputs;
    expect(datasetId).toBe(ids.dataset);
    expect(archiveId).toBe(ids.archive);
    expect(copyId).not.toBe(ids.copy);
    expect(copySource).toBe(ids.archive);

    expect(volumes().map((v) => v.volume_id).sort()).toEqual([datasetId, copyId, archiveId].sort());
    expect(volume(copyId)).toMatchObject({ name: autonamed("dataset-copy"), volume_type: "HDD", size_gb: 2500, status: "available", source_volume_id: ids.archive });
    expect(volume(ids.archive)).toMatchObject({ size_gb: 2000 }); // the source is untouched
    expect(mutations(emu)).toEqual({
      "DELETE volumes/{volume_id}/": 1,
      "POST volumes/{volume_id}/clone/": 1,
      "POST volumes/{volume_id}/resize/": 1,
    });
  });

  it("cloneFrom naming a volume that does not exist fails the up with a message naming cloneFrom, creating nothing", async () => {
    const missing = "BRK-999999V";
    await stack.setConfig("cloneSource", missing);
    emu.resetCounters();
    const up = await stack.up({ expectFailure: true });
    const errors = up.diagnostics.filter((d) => d.severity === "error" && d.urn?.endsWith("::dataset-copy")).map((d) => d.message);
    expect(errors.length).toBeGreaterThan(0);
    expect(mutations(emu)["POST volumes/"]).toBeUndefined();
    expect(mutations(emu)["POST volumes/{volume_id}/clone/"]).toBeUndefined();
    expect(volumes().some((v) => v.source_volume_id === missing)).toBe(false);
    // The user should learn which input is wrong, not only which HTTP call failed.
    expect(errors.join("\n")).toMatch(new RegExp(`cloneFrom.*${missing}|${missing}.*cloneFrom`));
  });

  it("destroy deletes every volume", async () => {
    // A resource deleted for a delete-before-replace whose replacement failed stays in state marked
    // pendingReplacement: it no longer exists, so destroy just drops it.
    const inState = (await stack.resources()).filter((r) => !r.raw.pendingReplacement).map((r) => r.id).sort();
    expect(inState).toEqual(volumes().map((v) => v.volume_id).sort());
    emu.resetCounters();
    const destroy = await stack.destroy();
    expect(destroy.counts).toMatchObject({ delete: inState.length + 1 }); // + the stack
    expect(await stack.resources()).toEqual([]);
    expect(volumes()).toEqual([]);
    expect(mutations(emu)).toEqual({ "DELETE volumes/{volume_id}/": inState.length });
  });
});
