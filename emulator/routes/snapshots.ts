/** Snapshots (legacy tier only) and custom images made from them; restore creates a NEW instance. */
import { capabilitiesOf, regionsWhere } from "../../provider/platform";
import { gpuModel } from "../catalog";
import { badRequest, conflict, wrongState } from "../errors";
import { checkDescription, checkName } from "../rules";
import type { ImageRec, InstanceRec, SnapshotRec, Store } from "../store";
import type { Handlers } from "./common";
import { filterRegion, nameTaken, pageFields, paginate } from "./common";

function relationship(store: Store, snapshotId: string) {
  const images = Object.values(store.state.images).filter((i) => i.snapshot_id === snapshotId).map((i) => store.imageWire(i));
  return { snapshot_id: snapshotId, has_images: images.length > 0, image_count: images.length, images };
}

export const snapshotHandlers = {
  listSnapshots: ({ store, query }) => {
    const p = paginate(filterRegion(Object.values(store.state.snapshots), query), query);
    return { message: "Snapshots retrieved successfully", data: { snapshots: p.items.map((s) => store.snapshotWire(s)), ...pageFields(p) } };
  },

  getSnapshot: ({ store, params }) => ({ message: "Snapshot retrieved successfully", data: { snapshot: store.snapshotWire(store.snapshot(params.snapshot_id)) } }),

  /** ACTIVE instances where snapshots exist (the legacy tier, P-PRICE). */
  listSnapshotEligibleInstances: ({ store, query }) => {
    const vms = filterRegion(Object.values(store.state.instances), query)
      .filter((r) => r.status === "ACTIVE" && capabilitiesOf(r.region).snapshots).map((r) => store.instanceWire(r));
    return { message: "Eligible instances retrieved successfully", data: { vms } };
  },

  createSnapshot: ({ store, body }) => {
    checkName("snapshot", body.name);
    checkDescription(body.description);
    const vm = store.state.instances[body.vm_id];
    if (!vm) badRequest("vm_id", `vm_id: no instance with id ${JSON.stringify(body.vm_id)}`);
    if (!capabilitiesOf(vm.region).snapshots) {
      badRequest("vm_id", `snapshots are only available in legacy-tier regions (${regionsWhere((c) => c.snapshots).join(", ")}); instance ${vm.vm_id} is in ${vm.region}`);
    }
    store.requireAccountReady("create a snapshot");
    if (vm.status !== "ACTIVE") wrongState("instance", vm.vm_id, vm.status, "snapshot", ["ACTIVE"]);
    const twin = nameTaken(Object.values(store.state.snapshots), (s) => s.name, body.name);
    if (twin) conflict(`a snapshot named ${JSON.stringify(body.name)} already exists (${twin.snapshot_id}); snapshot names are unique per account`);
    const rec: SnapshotRec = {
      snapshot_id: store.newId("snapshot"), name: body.name, description: body.description ?? "", vm_id: vm.vm_id, region: vm.region,
      size_gb: vm.flavor.disk_gb, status: "CREATING", pending: [], created_at: store.now(), billing_id: null,
      source: {
        vm_name: vm.vm_name, gpu_model: vm.gpu_model, gpu_count: vm.gpu_count, flavor: { ...vm.flavor }, ssh_key_ids: [...vm.ssh_key_ids],
        public_ip: vm.public_ip, security_rules: vm.security_rules.map((r) => ({ ...r })),
      },
    };
    rec.billing_id = store.openSnapshotBilling(rec);
    store.schedule(rec, [["SUCCESS", store.delays.snapshotCreate]]);
    store.state.snapshots[rec.snapshot_id] = rec;
    return { status: 201, message: "Snapshot creation initiated", data: { snapshot: store.snapshotWire(rec) } };
  },

  /** Deleting a snapshot leaves its images and restored instances alone (CONFIRMED REPO). */
  deleteSnapshot: ({ store, params }) => {
    const rec = store.snapshot(params.snapshot_id);
    store.closeBilling(rec.billing_id);
    delete store.state.snapshots[rec.snapshot_id];
    return { message: "Snapshot deleted", data: { snapshot_id: rec.snapshot_id } };
  },

  restoreSnapshot: ({ store, params, body }) => {
    const snap = store.snapshot(params.snapshot_id);
    checkName("instance", body.vm_name, "vm_name");
    store.requireAccountReady("restore a snapshot");
    if (snap.status !== "SUCCESS") wrongState("snapshot", snap.snapshot_id, snap.status, "restore", ["SUCCESS"]);
    const twin = nameTaken(Object.values(store.state.instances), (x) => x.vm_name, body.vm_name);
    if (twin) conflict(`an instance named ${JSON.stringify(body.vm_name)} already exists (${twin.vm_id}); instance names are unique per account`);
    const src = snap.source;
    if (!gpuModel(src.gpu_model)) conflict(`snapshot ${snap.snapshot_id} was taken on ${src.gpu_model}, which is no longer offered`);
    store.takeStock(snap.region, src.gpu_model, src.gpu_count);
    const rec: InstanceRec = {
      vm_id: store.newId("instance"), vm_name: body.vm_name, region: snap.region, gpu_model: src.gpu_model, gpu_count: src.gpu_count,
      status: "CREATING", pending: [], flavor: { ...src.flavor }, boot_source: "snapshot", os_image_id: null, boot_volume_id: null,
      image_id: null, source_snapshot_id: snap.snapshot_id, ssh_key_ids: src.ssh_key_ids.filter((k) => store.state.sshKeys[k]),
      startup_script_id: null, cloud_init: null, public_ip: src.public_ip, ip_address: null,
      security_rules: src.security_rules.map((r) => ({ ...r, rule_id: store.newId("rule") })), volume_ids: [],
      created_at: store.now(), holds_stock: true, billing_id: null,
    };
    store.schedule(rec, [["BUILD", store.delays.snapshotRestoreCreating], ["ACTIVE", store.delays.snapshotRestoreBuild]]);
    store.state.instances[rec.vm_id] = rec;
    return { status: 201, message: "Snapshot restore initiated: a new instance is being created", data: { vm: store.instanceWire(rec) } };
  },

  listImages: ({ store, query }) => {
    const p = paginate(filterRegion(Object.values(store.state.images), query), query);
    return { message: "Images retrieved successfully", data: { images: p.items.map((i) => store.imageWire(i)), ...pageFields(p) } };
  },

  getImage: ({ store, params }) => ({ message: "Image retrieved successfully", data: { image: store.imageWire(store.image(params.image_id)) } }),

  /** From a SUCCESS snapshot, in the snapshot's region (CONFIRMED REPO). */
  createImage: ({ store, body }) => {
    checkName("image", body.name);
    checkDescription(body.description);
    const snap = store.state.snapshots[body.snapshot_id];
    if (!snap) badRequest("snapshot_id", `snapshot_id: no snapshot with id ${JSON.stringify(body.snapshot_id)}`);
    if (snap.status !== "SUCCESS") wrongState("snapshot", snap.snapshot_id, snap.status, "make an image from", ["SUCCESS"]);
    const twin = nameTaken(Object.values(store.state.images), (i) => i.name, body.name);
    if (twin) conflict(`an image named ${JSON.stringify(body.name)} already exists (${twin.image_id}); image names are unique per account`);
    const rec: ImageRec = {
      image_id: store.newId("image"), name: body.name, description: body.description ?? "", snapshot_id: snap.snapshot_id,
      region: snap.region, status: "CREATING", pending: [], created_at: store.now(),
    };
    store.schedule(rec, [["SUCCESS", store.delays.imageCreate]]);
    store.state.images[rec.image_id] = rec;
    return { status: 201, message: "Image creation initiated", data: { image: store.imageWire(rec) } };
  },

  /** Instances booted from an image keep running (CONFIRMED REPO). */
  deleteImage: ({ store, params }) => {
    const rec = store.image(params.image_id);
    delete store.state.images[rec.image_id];
    return { message: "Image deleted", data: { image_id: rec.image_id } };
  },

  getSnapshotImages: ({ store, params }) => {
    const snap = store.snapshot(params.snapshot_id);
    return { message: "Snapshot-image relationship retrieved successfully", data: relationship(store, snap.snapshot_id) };
  },

  getSnapshotImagesBatch: ({ store, body }) => {
    body.snapshot_ids.forEach((id, i) => {
      if (!store.state.snapshots[id]) badRequest(`snapshot_ids[${i}]`, `snapshot_ids[${i}]: no snapshot with id ${JSON.stringify(id)}`);
    });
    const relationships = [...new Set(body.snapshot_ids)].map((id) => relationship(store, id));
    return { message: "Snapshot-image relationships retrieved successfully", data: { relationships } };
  },
} satisfies Partial<Handlers>;
