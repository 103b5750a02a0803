/** Volumes: create (bootable in the legacy tier only), list, details, delete, resize and clone (advanced tier only). */
import { BOOTABLE_IMAGE_PREFIX, VOLUME_SIZE_GB, capabilitiesOf, regionsWhere, tierOf } from "../../provider/platform";
import { OS_IMAGES, osImage, type OsImageFacts } from "../catalog";
import { badRequest, conflict, wrongState } from "../errors";
import { checkName, checkVolumeSize } from "../rules";
import { GONE, type Store, type VolumeRec } from "../store";
import type { Handlers } from "./common";
import { filterRegion, nameTaken, pageFields, paginate } from "./common";

function requireUniqueInRegion(store: Store, name: string, region: string): void {
  const twin = nameTaken(Object.values(store.state.volumes).filter((v) => v.region === region), (v) => v.name, name);
  if (twin) conflict(`a volume named ${JSON.stringify(name)} already exists in ${region} (${twin.volume_id}); volume names are unique within a region`);
}

/** Clone and resize exist only in the advanced tier (CONFIRMED DOC-VOL). */
function requireCloneResize(v: VolumeRec, action: string): void {
  if (!capabilitiesOf(v.region).volumeCloneResize) {
    const regions = regionsWhere((c) => c.volumeCloneResize);
    badRequest("volume_id", `volume ${action} is only available in advanced-tier regions (${regions.join(", ")}); volume ${v.volume_id} is in ${v.region}`);
  }
}

/** Bootable volumes need an Ubuntu OS image (platform rule: the image id starts with BOOTABLE_IMAGE_PREFIX). */
function bootableImage(img: OsImageFacts): boolean {
  return img.id.toLowerCase().startsWith(BOOTABLE_IMAGE_PREFIX);
}

function newVolume(store: Store, fields: Pick<VolumeRec, "name" | "region" | "size_gb" | "volume_type" | "bootable" | "image_id" | "source_volume_id">, seconds: number): VolumeRec {
  const rec: VolumeRec = {
    ...fields, volume_id: store.newId("volume"), status: "creating", pending: [], attached_to: null,
    created_at: store.now(), resize_to: null, billing_id: null,
  };
  // Billing starts at creation (CONFIRMED DOC-VOL).
  rec.billing_id = store.openVolumeBilling(rec);
  store.schedule(rec, [["available", seconds]]);
  store.state.volumes[rec.volume_id] = rec;
  return rec;
}

/** The first `volumeN` not used as a volume name (the platform suggests sequential names, REPO). */
function nextName(store: Store): string {
  const names = new Set(Object.values(store.state.volumes).map((v) => v.name));
  let n = 1;
  while (names.has(`volume${n}`)) n++;
  return `volume${n}`;
}

export const volumeHandlers = {
  createVolume: ({ store, body }) => {
    checkName("volume", body.name);
    const tier = tierOf(body.region);
    const caps = capabilitiesOf(body.region);
    if (!caps.volumeTypes.includes(body.volume_type)) {
      badRequest("volume_type", `volume_type in ${body.region} (${tier} tier) must be ${caps.volumeTypes.join(" or ")} (got ${body.volume_type})`);
    }
    checkVolumeSize(body.volume_type, body.size_gb);
    const bootable = body.bootable ?? false;
    if (bootable) {
      if (!caps.bootableVolumes) badRequest("bootable", `bootable volumes are not supported in ${body.region} (${tier} tier); they are available in ${regionsWhere((c) => c.bootableVolumes).join(", ")} only`);
      if (body.image_id === undefined) badRequest("image_id", "image_id (an Ubuntu OS image) is required for a bootable volume");
      const img = osImage(body.image_id);
      const ubuntu = OS_IMAGES.filter((i) => bootableImage(i) && i.regions.includes(body.region)).map((i) => i.id);
      if (!img || !bootableImage(img) || !img.regions.includes(body.region)) {
        badRequest("image_id", `image_id must be an Ubuntu OS image offered in ${body.region}: ${ubuntu.join(", ")} (got ${JSON.stringify(body.image_id)})`);
      }
    } else if (body.image_id !== undefined) {
      badRequest("image_id", "image_id applies only to bootable volumes; set bootable: true or leave image_id out");
    }
    store.requireAccountReady("create a volume");
    requireUniqueInRegion(store, body.name, body.region);
    const rec = newVolume(store, {
      name: body.name, region: body.region, size_gb: body.size_gb, volume_type: body.volume_type, bootable,
      image_id: bootable ? body.image_id ?? null : null, source_volume_id: null,
    }, store.delays.volumeCreate);
    return { status: 201, message: "Volume creation initiated", data: { volume: store.volumeWire(rec) } };
  },

  listVolumes: ({ store, query }) => {
    const p = paginate(filterRegion(Object.values(store.state.volumes), query), query);
    return { message: "Volumes retrieved successfully", data: { volumes: p.items.map((v) => store.volumeWire(v)), ...pageFields(p), next_name: nextName(store) } };
  },

  getVolume: ({ store, params }) => ({ message: "Volume retrieved successfully", data: { volume: store.volumeWire(store.volume(params.volume_id)) } }),

  deleteVolume: ({ store, params }) => {
    const v = store.volume(params.volume_id);
    if (v.status !== "deleting") {
      if (v.attached_to !== null) conflict(`volume ${v.volume_id} is attached to instance ${v.attached_to}; detach it (instance SHUTOFF) before deleting`, v.status);
      const allowed = ["available", "error"];
      if (!allowed.includes(v.status)) wrongState("volume", v.volume_id, v.status, "delete", allowed);
      store.closeBilling(v.billing_id);
      v.status = "deleting";
      store.schedule(v, [[GONE, store.delays.volumeDelete]]);
    }
    return { message: "Volume deletion initiated", data: { volume_id: v.volume_id } };
  },

  resizeVolume: ({ store, params, body }) => {
    const v = store.volume(params.volume_id);
    requireCloneResize(v, "resize");
    checkVolumeSize(v.volume_type, body.new_size_gb, "new_size_gb");
    // Idempotent: asking for the size it has (or is growing to) changes nothing.
    if (body.new_size_gb === (v.resize_to ?? v.size_gb)) {
      return { message: "Volume already has the requested size", data: { volume: store.volumeWire(v) } };
    }
    if (v.status !== "available") wrongState("volume", v.volume_id, v.status, "resize", ["available"]);
    if (body.new_size_gb < v.size_gb) {
      badRequest("new_size_gb", `new_size_gb must be greater than the current size ${v.size_gb} GB (volumes only grow) and at most ${VOLUME_SIZE_GB[v.volume_type].max} for ${v.volume_type}; got ${body.new_size_gb}`);
    }
    v.status = "resizing";
    v.resize_to = body.new_size_gb;
    store.schedule(v, [["available", store.delays.volumeResize]]);
    return { message: "Volume resize initiated", data: { volume: store.volumeWire(v) } };
  },

  cloneVolume: ({ store, params, body }) => {
    const src = store.volume(params.volume_id);
    requireCloneResize(src, "clone");
    checkName("volume", body.name);
    store.requireAccountReady("clone a volume");
    if (src.status !== "available") wrongState("volume", src.volume_id, src.status, "clone", ["available"]);
    requireUniqueInRegion(store, body.name, src.region);
    const rec = newVolume(store, {
      name: body.name, region: src.region, size_gb: src.size_gb, volume_type: src.volume_type, bootable: src.bootable,
      image_id: src.image_id, source_volume_id: src.volume_id,
    }, store.delays.volumeClone);
    return { status: 201, message: "Volume clone initiated", data: { volume: store.volumeWire(rec) } };
  },
} satisfies Partial<Handlers>;
