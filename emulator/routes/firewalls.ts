/** Firewalls: create, list, details, rules, attachment (the complete set of instances), delete (force). */
import { PROTOCOLS } from "../../provider/contract";
import { LIMITS } from "../../provider/platform";
import { badRequest, conflict, notFound, wrongState } from "../errors";
import { checkDescription, checkName } from "../rules";
import type { AttachmentRec, FirewallRec } from "../store";
import type { Handlers } from "./common";
import { filterRegion, nameTaken, pageFields, paginate, queryBool } from "./common";
import { makeRules } from "./instances";

export const firewallHandlers = {
  createFirewall: ({ store, body }) => {
    checkName("firewall", body.name);
    checkDescription(body.description);
    const all = Object.values(store.state.firewalls);
    const twin = nameTaken(all, (f) => f.name, body.name);
    if (twin) conflict(`a firewall named ${JSON.stringify(body.name)} already exists (${twin.firewall_id}); firewall names are unique per account`);
    if (all.length >= LIMITS.firewallsPerAccount) conflict(`the account already has ${all.length} firewalls, the maximum of ${LIMITS.firewallsPerAccount}; delete one first`);
    const rec: FirewallRec = {
      firewall_id: store.newId("firewall"), name: body.name, description: body.description ?? "", region: body.region,
      status: "CREATING", pending: [], rules: [], attachments: [], created_at: store.now(),
    };
    store.schedule(rec, [["SUCCESS", store.delays.firewallCreate]]);
    store.state.firewalls[rec.firewall_id] = rec;
    return { status: 201, message: "Firewall creation initiated", data: { firewall: store.firewallWire(rec) } };
  },

  listFirewalls: ({ store, query }) => {
    const p = paginate(filterRegion(Object.values(store.state.firewalls), query), query);
    return { message: "Firewalls retrieved successfully", data: { firewalls: p.items.map((f) => store.firewallWire(f)), ...pageFields(p) } };
  },

  getFirewall: ({ store, params }) => ({ message: "Firewall retrieved successfully", data: { firewall: store.firewallWire(store.firewall(params.firewall_id)) } }),

  listFirewallProtocols: () => ({ message: "Supported protocols retrieved successfully", data: { protocols: [...PROTOCOLS] } }),

  /** ACTIVE instances (attachable), with the firewalls each already has. */
  listFirewallEligibleInstances: ({ store, query }) => {
    const vms = filterRegion(Object.values(store.state.instances), query).filter((r) => r.status === "ACTIVE").map((r) => ({
      vm_id: r.vm_id, vm_name: r.vm_name, region: r.region, attached_firewall_ids: store.firewallIdsOf(r.vm_id),
    }));
    return { message: "Eligible instances retrieved successfully", data: { vms } };
  },

  deleteFirewall: ({ store, params, query }) => {
    const fw = store.firewall(params.firewall_id);
    const force = queryBool(query, "force");
    if (fw.attachments.length > 0 && !force) {
      conflict(`firewall ${fw.firewall_id} is attached to ${fw.attachments.map((a) => a.vm_id).join(", ")}; detach them first (POST firewalls/${fw.firewall_id}/attach/ with vm_ids: []) or delete with ?force=true`);
    }
    delete store.state.firewalls[fw.firewall_id];
    return { message: "Firewall deleted", data: { firewall_id: fw.firewall_id } };
  },

  addFirewallRule: ({ store, params, body }) => {
    const fw = store.firewall(params.firewall_id);
    const [rule] = makeRules(store, [body], fw.rules, () => "");
    fw.rules.push(rule);
    return { status: 201, message: "Firewall rule added", data: { firewall_id: fw.firewall_id, rule: { ...rule } } };
  },

  removeFirewallRule: ({ store, params }) => {
    const fw = store.firewall(params.firewall_id);
    const idx = fw.rules.findIndex((r) => r.rule_id === params.rule_id);
    if (idx < 0) notFound(`firewall ${fw.firewall_id} has no rule ${JSON.stringify(params.rule_id)}`);
    fw.rules.splice(idx, 1);
    return { message: "Firewall rule removed", data: { firewall_id: fw.firewall_id, rule_id: params.rule_id } };
  },

  /**
   * `vm_ids` is the complete set: instances left out are detached, new ones attach (ATTACHING → SUCCESS).
   * New ones must be ACTIVE and in the firewall's region (CONFIRMED REPO); kept ones are left as they are.
   */
  attachFirewall: ({ store, params, body }) => {
    const fw = store.firewall(params.firewall_id);
    if (fw.status !== "SUCCESS") wrongState("firewall", fw.firewall_id, fw.status, "attach", ["SUCCESS"]);
    const wanted = [...new Set(body.vm_ids)];
    const added: string[] = [];
    body.vm_ids.forEach((id, i) => {
      const vm = store.state.instances[id];
      if (!vm) badRequest(`vm_ids[${i}]`, `vm_ids[${i}]: no instance with id ${JSON.stringify(id)}`);
      if (vm.region !== fw.region) badRequest(`vm_ids[${i}]`, `instance ${id} is in ${vm.region} but firewall ${fw.firewall_id} is in ${fw.region}; they must share a region`);
      if (fw.attachments.some((a) => a.vm_id === id) || added.includes(id)) return;
      if (vm.status !== "ACTIVE") wrongState("instance", id, vm.status, "attach a firewall to", ["ACTIVE"]);
      added.push(id);
    });
    fw.attachments = fw.attachments.filter((a) => wanted.includes(a.vm_id));
    for (const vm_id of added) {
      const a: AttachmentRec = { vm_id, status: "ATTACHING", pending: [] };
      store.schedule(a, [["SUCCESS", store.delays.firewallAttach]]);
      fw.attachments.push(a);
    }
    return { message: wanted.length === 0 ? "Firewall detached from all instances" : "Firewall attachment updated", data: { firewall: store.firewallWire(fw) } };
  },
} satisfies Partial<Handlers>;
