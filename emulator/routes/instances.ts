/** Instances (VMs): deploy, list, details, lifecycle actions, public IP, security rules, volume attachment. */
import type { Rule, RuleRequest } from "../../provider/contract";
import { capabilitiesOf, regionsWhere, tierOf } from "../../provider/platform";
import { GPU_MODELS, flavorFor, gpuCountsFor, gpuModel, gpuRegions, osImage, OS_IMAGES } from "../catalog";
import { badRequest, conflict, notFound, wrongState } from "../errors";
import { checkName, checkRule, checkTextSize, sameRule } from "../rules";
import { GONE, type InstanceRec, type Store, type VolumeRec } from "../store";
import type { Handlers, Reply } from "./common";
import { filterRegion, nameTaken, pageFields, paginate } from "./common";

const STABLE = ["ACTIVE", "SHUTOFF", "HIBERNATED", "ERROR"] as const;

/** Turns validated rule requests into rules with ids; `base` is the field prefix for messages. */
export function makeRules(store: Store, requests: RuleRequest[], existing: Rule[], base: (i: number) => string): Rule[] {
  const out: Rule[] = [];
  requests.forEach((r, i) => {
    checkRule(r, base(i));
    const twin = [...existing, ...out].find((x) => sameRule(x, r));
    if (twin) conflict(`an identical rule already exists (${twin.rule_id})`);
    out.push({
      rule_id: "", direction: r.direction, protocol: r.protocol, ethertype: r.ethertype, remote_ip_prefix: r.remote_ip_prefix,
      port_range_min: r.port_range_min ?? null, port_range_max: r.port_range_max ?? null,
    });
  });
  // Ids only once every rule is valid, so a rejected request leaves no trace.
  for (const r of out) r.rule_id = store.newId("rule");
  return out;
}

export function requireSshKeys(store: Store, ids: string[], field = "ssh_key_ids"): string[] {
  if (ids.length === 0) badRequest(field, `${field} must name at least one SSH key (create one with POST ssh-keys/)`);
  ids.forEach((id, i) => {
    if (!store.state.sshKeys[id]) badRequest(`${field}[${i}]`, `${field}[${i}]: no SSH key with id ${JSON.stringify(id)}`);
  });
  return [...new Set(ids)];
}

function vmReply(store: Store, rec: InstanceRec, message: string): Reply<"getInstance"> {
  return { message, data: { vm: store.instanceWire(rec) } };
}

/** A lifecycle action: check the state, run `prepare` (may throw, e.g. out of stock), enter `transitional`, schedule `target`. */
function lifecycle(
  ctx: { store: Store; params: Record<string, string> }, verb: string, allowed: readonly string[], transitional: string, target: string, seconds: number,
  prepare?: (rec: InstanceRec) => void,
): Reply<"startInstance"> {
  const { store } = ctx;
  const rec = store.instance(ctx.params.vm_id);
  if (!allowed.includes(rec.status)) wrongState("instance", rec.vm_id, rec.status, verb, allowed);
  prepare?.(rec);
  rec.status = transitional;
  store.schedule(rec, [[target, seconds]]);
  return vmReply(store, rec, `Instance ${verb} initiated`);
}

export const instanceHandlers = {
  deployInstance: ({ store, body }) => {
    const s = store.state;
    const d = store.delays;
    checkName("instance", body.vm_name, "vm_name");
    const region = body.region;
    const m = gpuModel(body.gpu_model);
    if (!m) badRequest("gpu_model", `gpu_model must be one of ${GPU_MODELS.map((g) => g.model).join(", ")} (got ${JSON.stringify(body.gpu_model)})`);
    if (!gpuRegions(m).includes(region)) {
      const here = GPU_MODELS.filter((g) => gpuRegions(g).includes(region)).map((g) => g.model);
      badRequest("gpu_model", `gpu_model ${m.model} is a GPU of the ${m.tier} tier, not offered in ${region}; in ${region} choose one of ${here.join(", ")}`);
    }
    const counts = gpuCountsFor(m);
    if (!counts.includes(body.gpu_count)) badRequest("gpu_count", `gpu_count for ${m.model} must be one of ${counts.join(", ")} (max ${m.maxCount}); got ${body.gpu_count}`);

    const sources = (["os_image_id", "boot_volume_id", "image_id"] as const).filter((k) => body[k] !== undefined);
    if (sources.length !== 1) {
      badRequest(sources[1] ?? "os_image_id", `exactly one boot source is required: os_image_id, boot_volume_id or image_id (got ${sources.length === 0 ? "none" : sources.join(" and ")})`);
    }
    if (body.os_image_id !== undefined) {
      const img = osImage(body.os_image_id);
      if (!img || !img.regions.includes(region)) {
        const here = OS_IMAGES.filter((i) => i.regions.includes(region)).map((i) => i.id);
        badRequest("os_image_id", `os_image_id must be an OS image offered in ${region}: ${here.join(", ")} (got ${JSON.stringify(body.os_image_id)})`);
      }
    }
    let bootVolume: VolumeRec | undefined;
    if (body.boot_volume_id !== undefined) {
      const bootRegions = regionsWhere((c) => c.bootableVolumes).join(", ");
      if (!capabilitiesOf(region).bootableVolumes) badRequest("boot_volume_id", `boot_volume_id: booting from a volume is only available in legacy-tier regions (${bootRegions}), not ${region}`);
      bootVolume = s.volumes[body.boot_volume_id];
      if (!bootVolume) badRequest("boot_volume_id", `boot_volume_id: no volume with id ${JSON.stringify(body.boot_volume_id)}`);
      if (!bootVolume.bootable) badRequest("boot_volume_id", `volume ${bootVolume.volume_id} is not bootable; create one with bootable: true and an Ubuntu image_id in ${bootRegions}`);
      if (bootVolume.region !== region) badRequest("boot_volume_id", `volume ${bootVolume.volume_id} is in ${bootVolume.region}; a boot volume must be in the instance's region ${region}`);
    }
    const image = body.image_id !== undefined ? s.images[body.image_id] : undefined;
    if (body.image_id !== undefined) {
      if (!image) badRequest("image_id", `image_id: no custom image with id ${JSON.stringify(body.image_id)}`);
      if (image.region !== region) badRequest("image_id", `image ${image.image_id} is in ${image.region}; a custom image can only boot instances in its own region`);
    }
    const sshKeyIds = requireSshKeys(store, body.ssh_key_ids);
    if (body.startup_script_id !== undefined && !s.scripts[body.startup_script_id]) {
      badRequest("startup_script_id", `startup_script_id: no script with id ${JSON.stringify(body.startup_script_id)}`);
    }
    if (body.cloud_init !== undefined) checkTextSize(body.cloud_init, "cloud_init");
    const dataVolumes: VolumeRec[] = [];
    (body.volume_ids ?? []).forEach((id, i) => {
      const v = s.volumes[id];
      if (!v) badRequest(`volume_ids[${i}]`, `volume_ids[${i}]: no volume with id ${JSON.stringify(id)}`);
      if (v.region !== region) badRequest(`volume_ids[${i}]`, `volume ${id} is in ${v.region}; volumes must be in the instance's region ${region}`);
      if (id === body.boot_volume_id) badRequest(`volume_ids[${i}]`, `volume ${id} is already the boot volume`);
      if (!dataVolumes.includes(v)) dataVolumes.push(v);
    });
    const rulesIn = body.security_rules ?? [];
    rulesIn.forEach((r, i) => checkRule(r, `security_rules[${i}].`));

    store.requireAccountReady("deploy an instance");

    const twin = nameTaken(Object.values(s.instances), (x) => x.vm_name, body.vm_name);
    if (twin) conflict(`an instance named ${JSON.stringify(body.vm_name)} already exists (${twin.vm_id}); instance names are unique per account`);
    if (bootVolume && bootVolume.status !== "available") conflict(`boot volume ${bootVolume.volume_id} is ${bootVolume.status}; it must be available`, bootVolume.status);
    if (image && image.status !== "SUCCESS") conflict(`image ${image.image_id} is ${image.status}; it can boot instances once SUCCESS`, image.status);
    for (const v of dataVolumes) if (v.status !== "available") conflict(`volume ${v.volume_id} is ${v.status}; only available volumes can be attached`, v.status);
    const rules = makeRules(store, rulesIn, [], (i) => `security_rules[${i}].`);
    store.takeStock(region, m.model, body.gpu_count); // last check: everything after this succeeds

    const rec: InstanceRec = {
      vm_id: store.newId("instance"), vm_name: body.vm_name, region, gpu_model: m.model, gpu_count: body.gpu_count,
      status: "CREATING", pending: [], flavor: flavorFor(m, body.gpu_count),
      boot_source: bootVolume ? "volume" : image ? "image" : "os_image",
      os_image_id: body.os_image_id ?? null, boot_volume_id: bootVolume?.volume_id ?? null, image_id: image?.image_id ?? null,
      source_snapshot_id: null, ssh_key_ids: sshKeyIds, startup_script_id: body.startup_script_id ?? null, cloud_init: body.cloud_init ?? null,
      // INFERRED default: a public IP unless asked otherwise (the platform is reached over SSH).
      public_ip: body.public_ip ?? true, ip_address: null, security_rules: rules, volume_ids: [],
      created_at: store.now(), holds_stock: true, billing_id: null,
    };
    for (const v of bootVolume ? [bootVolume, ...dataVolumes] : dataVolumes) {
      v.status = "in-use";
      v.attached_to = rec.vm_id;
      rec.volume_ids.push(v.volume_id);
    }
    store.schedule(rec, [["BUILD", d.instanceCreating], ["ACTIVE", d.instanceBuild]]);
    s.instances[rec.vm_id] = rec;
    return { status: 201, message: "Instance deployment initiated", data: { vm: store.instanceWire(rec) } };
  },

  listInstances: ({ store, query }) => {
    const p = paginate(filterRegion(Object.values(store.state.instances), query), query);
    return { message: "Instances retrieved successfully", data: { vms: p.items.map((r) => store.instanceWire(r)), ...pageFields(p) } };
  },

  getInstance: ({ store, params }) => vmReply(store, store.instance(params.vm_id), "Instance retrieved successfully"),

  startInstance: (ctx) => lifecycle(ctx, "start", ["SHUTOFF"], "STARTING", "ACTIVE", ctx.store.delays.instanceStart),
  stopInstance: (ctx) => lifecycle(ctx, "stop", ["ACTIVE"], "STOPPING", "SHUTOFF", ctx.store.delays.instanceStop),
  rebootInstance: (ctx) => lifecycle(ctx, "reboot", ["ACTIVE"], "REBOOTING", "ACTIVE", ctx.store.delays.instanceReboot),
  // Hibernation gives the GPUs back to the stock; restoring takes them again (409 when short).
  hibernateInstance: (ctx) => lifecycle(ctx, "hibernate", ["ACTIVE"], "HIBERNATING", "HIBERNATED", ctx.store.delays.instanceHibernate,
    (rec) => ctx.store.releaseStock(rec)),
  restoreInstance: (ctx) => lifecycle(ctx, "restore", ["HIBERNATED"], "RESTORING", "ACTIVE", ctx.store.delays.instanceRestore, (rec) => {
    ctx.store.takeStock(rec.region, rec.gpu_model, rec.gpu_count);
    rec.holds_stock = true;
  }),

  deleteInstance: ({ store, params }) => {
    const rec = store.instance(params.vm_id);
    // Deleting is idempotent: a retry while DELETING succeeds.
    if (rec.status !== "DELETING") {
      if (!(STABLE as readonly string[]).includes(rec.status)) wrongState("instance", rec.vm_id, rec.status, "delete", STABLE);
      store.releaseStock(rec);
      store.closeBilling(rec.billing_id);
      rec.status = "DELETING";
      store.schedule(rec, [[GONE, store.delays.instanceDelete]]);
    }
    return { message: "Instance deletion initiated", data: { vm_id: rec.vm_id } };
  },

  setInstancePublicIp: ({ store, params, body }) => {
    const rec = store.instance(params.vm_id);
    const allowed = ["ACTIVE", "SHUTOFF"];
    if (!allowed.includes(rec.status)) wrongState("instance", rec.vm_id, rec.status, "change the public IP of", allowed);
    rec.public_ip = body.enable;
    if (body.enable) rec.ip_address ??= store.newIp();
    else rec.ip_address = null;
    return vmReply(store, rec, `Public IP ${body.enable ? "enabled" : "disabled"}`);
  },

  addInstanceSecurityRule: ({ store, params, body }) => {
    const rec = store.instance(params.vm_id);
    const allowed = ["ACTIVE", "SHUTOFF"];
    if (!allowed.includes(rec.status)) wrongState("instance", rec.vm_id, rec.status, "add a security rule to", allowed);
    const [rule] = makeRules(store, [body], rec.security_rules, () => "");
    rec.security_rules.push(rule);
    return { status: 201, message: "Security rule added", data: { vm_id: rec.vm_id, rule: { ...rule } } };
  },

  removeInstanceSecurityRule: ({ store, params }) => {
    const rec = store.instance(params.vm_id);
    const idx = rec.security_rules.findIndex((r) => r.rule_id === params.rule_id);
    if (idx < 0) notFound(`instance ${rec.vm_id} has no security rule ${JSON.stringify(params.rule_id)}`);
    const allowed = ["ACTIVE", "SHUTOFF"];
    if (!allowed.includes(rec.status)) wrongState("instance", rec.vm_id, rec.status, "remove a security rule from", allowed);
    rec.security_rules.splice(idx, 1);
    return { message: "Security rule removed", data: { instance_id: rec.vm_id, rule_id: params.rule_id, tier: tierOf(rec.region) } };
  },

  listInstanceFirewalls: ({ store, params }) => {
    const rec = store.instance(params.vm_id);
    const firewalls = Object.values(store.state.firewalls).filter((f) => f.attachments.some((a) => a.vm_id === rec.vm_id)).map((f) => store.firewallWire(f));
    return { message: "Attached firewalls retrieved successfully", data: { firewalls } };
  },

  getHibernatedInstances: ({ store, query }) => {
    const vms = filterRegion(Object.values(store.state.instances), query).filter((r) => r.status === "HIBERNATED").map((r) => store.instanceWire(r));
    return { message: "Hibernated instances retrieved successfully", data: { count: vms.length, vms } };
  },

  // Volumes attach and detach only while the instance is SHUTOFF (CONFIRMED DOC-VOL). Both are idempotent.
  attachVolumes: ({ store, params, body }) => {
    const rec = store.instance(params.vm_id);
    const volumes = volumesOf(store, body.volume_ids);
    if (rec.status !== "SHUTOFF") wrongState("instance", rec.vm_id, rec.status, "attach volumes to", ["SHUTOFF"]);
    const todo: VolumeRec[] = [];
    volumes.forEach((v, i) => {
      if (v.region !== rec.region) badRequest(`volume_ids[${i}]`, `volume ${v.volume_id} is in ${v.region} but instance ${rec.vm_id} is in ${rec.region}; they must share a region`);
      if (v.attached_to === rec.vm_id) return;
      if (v.attached_to !== null) conflict(`volume ${v.volume_id} is attached to instance ${v.attached_to}`, v.status);
      if (v.status !== "available") conflict(`volume ${v.volume_id} is ${v.status}; only available volumes can be attached`, v.status);
      todo.push(v);
    });
    for (const v of todo) {
      v.status = "in-use";
      v.attached_to = rec.vm_id;
      rec.volume_ids.push(v.volume_id);
    }
    return vmReply(store, rec, `${todo.length} volume(s) attached`);
  },

  detachVolumes: ({ store, params, body }) => {
    const rec = store.instance(params.vm_id);
    const volumes = volumesOf(store, body.volume_ids);
    if (rec.status !== "SHUTOFF") wrongState("instance", rec.vm_id, rec.status, "detach volumes from", ["SHUTOFF"]);
    const todo: VolumeRec[] = [];
    for (const v of volumes) {
      if (v.attached_to === null) continue; // already detached
      if (v.attached_to !== rec.vm_id) conflict(`volume ${v.volume_id} is attached to instance ${v.attached_to}, not ${rec.vm_id}`, v.status);
      if (v.bootable) conflict(`volume ${v.volume_id} is bootable; a bootable volume stays attached for the instance's lifetime`, v.status);
      todo.push(v);
    }
    for (const v of todo) {
      v.status = "available";
      v.attached_to = null;
      rec.volume_ids = rec.volume_ids.filter((id) => id !== v.volume_id);
    }
    return vmReply(store, rec, `${todo.length} volume(s) detached`);
  },
} satisfies Partial<Handlers>;

function volumesOf(store: Store, ids: string[]): VolumeRec[] {
  if (ids.length === 0) badRequest("volume_ids", "volume_ids must name at least one volume");
  const out: VolumeRec[] = [];
  ids.forEach((id, i) => {
    const v = store.state.volumes[id];
    if (!v) badRequest(`volume_ids[${i}]`, `volume_ids[${i}]: no volume with id ${JSON.stringify(id)}`);
    if (!out.includes(v)) out.push(v);
  });
  return out;
}
