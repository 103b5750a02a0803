/**
 * End-to-end: the golden-image workflow (examples/snapshot-image) under the REAL Pulumi engine, against
 * the emulator. One stack walked through ordered steps (each `it` builds on the previous one):
 *   up: a CANADA-1 base instance → a Snapshot of it → an Image from the snapshot → an instance booted from
 *   the image, and an instance restored from the snapshot (inheriting GPU model/count and SSH keys)
 *   → a second preview shows no changes (nothing inherited reads as a diff; no API mutation)
 *   → a new image version replaces the image and the instance booted from it, nothing else → destroy.
 * The emulator's inventory and request counters are checked after every step.
 *
 * Never skipped: without the Pulumi CLI, createTestStack throws.
 */
import * as path from "path";
import type { Instance } from "../../provider/contract";
import type { TestStack } from "./harness";
import { itTypeChecksTheExample, mutations, replaceKeys, useE2eEmulator } from "./support";

jest.setTimeout(300_000);

const PROGRAM_DIR = path.resolve(__dirname, "../../examples/snapshot-image");
/** The example omits names: each is its resource name plus the autonaming suffix. */
const autonamed = (resource: string) => expect.stringMatching(new RegExp(`^${resource}-[0-9a-f]{7}$`));
const NAMES = ["golden-key", "golden-base", "golden-snap", "golden-image", "from-image", "restored"];

const emu = useE2eEmulator();
let stack: TestStack;

function instance(id: unknown): Instance {
  const found = emu.inventory().instances.find((vm) => vm.vm_id === id);
  if (!found) throw new Error(`instance ${String(id)} is not in the emulator`);
  return found;
}

/** Outputs of the first up. */
let first: Record<string, unknown> = {};

describe("snapshot → image → instance (examples/snapshot-image) under the real engine", () => {
  itTypeChecksTheExample(PROGRAM_DIR);

  it("up snapshots the base instance, makes an image, boots an instance from it and restores another from the snapshot", async () => {
    stack = await emu.createStack({ programDir: PROGRAM_DIR });
    emu.resetCounters();
    const up = await stack.up();
    first = up.outputs;

    expect(up.counts).toMatchObject({ create: 7, update: 0, replace: 0, delete: 0 }); // stack + 6
    for (const name of NAMES) expect(up.opsFor(name)).toEqual(["create"]);
    const { baseId, snapshotId, imageId, fromImageId, restoredId } = up.outputs;
    expect(new Set([baseId, fromImageId, restoredId]).size).toBe(3);
    expect(up.outputs).toMatchObject({ fromImageBootSource: "image", restoredBootSource: "snapshot", restoredGpuModel: "RTX-A6000" });

    const inv = emu.inventory();
    expect(inv.sshKeys).toHaveLength(1);
    const keyId = inv.sshKeys[0]!.key_id;
    expect(inv.instances).toHaveLength(3);
    expect(instance(baseId)).toMatchObject({ vm_name: autonamed("golden-base"), region: "CANADA-1", status: "ACTIVE", boot_source: "os_image", gpu_model: "RTX-A6000", gpu_count: 1, ssh_key_ids: [keyId] });
    expect(inv.snapshots).toEqual([expect.objectContaining({ snapshot_id: snapshotId, name: autonamed("golden-snap"), vm_id: baseId, region: "CANADA-1", status: "SUCCESS", description: "base image with tooling" })]);
    expect(inv.images).toEqual([expect.objectContaining({ image_id: imageId, name: autonamed("golden-image"), snapshot_id: snapshotId, region: "CANADA-1", status: "SUCCESS", description: "golden image v1" })]);
    expect(instance(fromImageId)).toMatchObject({ vm_name: autonamed("from-image"), status: "ACTIVE", boot_source: "image", image_id: imageId, ssh_key_ids: [keyId] });
    // The restore: a NEW instance from the snapshot, which inherited the base's GPUs and SSH keys.
    expect(instance(restoredId)).toMatchObject({
      vm_name: autonamed("restored"), region: "CANADA-1", status: "ACTIVE", boot_source: "snapshot", source_snapshot_id: snapshotId,
      gpu_model: "RTX-A6000", gpu_count: 1, ssh_key_ids: [keyId],
    });
    expect(instance(baseId).status).toBe("ACTIVE"); // a snapshot leaves its instance running

    expect(mutations(emu)).toMatchObject({
      "POST ssh-keys/": 1,
      "POST vms/": 2,
      "POST snapshots/": 1,
      "POST images/": 1,
      "POST snapshots/{snapshot_id}/restore/": 1,
    });

    const restored = (await stack.resources()).find((r) => r.name === "restored")!;
    expect(restored.outputs).toMatchObject({ snapshotId, gpuModel: "RTX-A6000", gpuCount: 1, sshKeyIds: [keyId], bootSource: "snapshot" });
  });

  it("a second preview shows no changes and calls no mutating API", async () => {
    emu.resetCounters();
    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.counts).toMatchObject({ same: 7, create: 0, update: 0, replace: 0, delete: 0 });
    for (const name of NAMES) expect(preview.opFor(name)).toBe("same");
    expect(mutations(emu)).toEqual({});
  });

  it("a new image version replaces the image and the instance booted from it; the snapshot and the restore stay", async () => {
    await stack.setConfig("imageVersion", "2");
    emu.resetCounters();
    const up = await stack.up();

    expect(up.opFor("golden-image")).toBe("replace");
    expect(replaceKeys(up, "golden-image")).toEqual(["description", "name"]); // autonamed: the replacement gets a new name
    expect(up.opFor("from-image")).toBe("replace");
    expect(replaceKeys(up, "from-image")).toEqual(["imageId", "name"]);
    for (const name of ["golden-key", "golden-base", "golden-snap", "restored"]) expect(up.opsFor(name)).toEqual(["same"]);
    expect(up.counts).toMatchObject({ replace: 2, update: 0, create: 0, delete: 0 });

    const { baseId, snapshotId, imageId, fromImageId, restoredId } = up.outputs;
    expect({ baseId, snapshotId, restoredId }).toEqual({ baseId: first.baseId, snapshotId: first.snapshotId, restoredId: first.restoredId });
    expect(imageId).not.toBe(first.imageId);
    expect(fromImageId).not.toBe(first.fromImageId);

    const inv = emu.inventory();
    expect(inv.images).toEqual([expect.objectContaining({ image_id: imageId, snapshot_id: snapshotId, status: "SUCCESS", description: "golden image v2" })]);
    expect(inv.snapshots.map((s) => s.snapshot_id)).toEqual([snapshotId]);
    expect(inv.instances.map((vm) => vm.vm_id).sort()).toEqual([baseId, fromImageId, restoredId].sort()); // the old from-image is gone
    expect(instance(fromImageId)).toMatchObject({ vm_name: autonamed("from-image"), status: "ACTIVE", boot_source: "image", image_id: imageId });
    expect(mutations(emu)).toMatchObject({ "DELETE vms/{vm_id}/": 1, "DELETE images/{image_id}/": 1, "POST images/": 1, "POST vms/": 1 });
    expect(mutations(emu)["POST snapshots/"]).toBeUndefined();
  });

  it("destroy removes everything", async () => {
    emu.resetCounters();
    const destroy = await stack.destroy();
    expect(destroy.counts).toMatchObject({ delete: 7 });
    expect(await stack.resources()).toEqual([]);
    const inv = emu.inventory();
    expect({ instances: inv.instances, snapshots: inv.snapshots, images: inv.images, sshKeys: inv.sshKeys }).toEqual({
      instances: [],
      snapshots: [],
      images: [],
      sshKeys: [],
    });
  });
});
