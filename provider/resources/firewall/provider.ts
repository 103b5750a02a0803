/** Firewall provider: create, then rules and attachments in place; detach everything before delete. */
import type { BarrackClient } from "../../client";
import { BarrackError, BarrackNotFoundError } from "../../client";
import { Firewall, Region, sameStatus } from "../../contract";
import { OperationContext, defineProvider } from "../../engine/crud";
import { RuleArgs, ruleFromWire, ruleKey, ruleToWire } from "../../engine/schema";
import { FirewallOutputs, firewallArgsSchema, firewallOutputs, validateFirewall } from "./args";

async function getFirewall(client: BarrackClient, id: string): Promise<Firewall> {
  return (await client.call("getFirewall", { params: { firewall_id: id } })).firewall;
}

const attachedIds = (firewall: Firewall): string[] => firewall.attachments.map((a) => a.vm_id);
const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
const attachmentSettled = (status: string): boolean => sameStatus(status, "SUCCESS") || sameStatus(status, "ERROR");

function describe(firewall: Firewall): string {
  const attachments = firewall.attachments.map((a) => `${a.vm_id} ${a.status}`).join(", ");
  return `status ${firewall.status}, ${firewall.rules.length} rule(s), attachments: ${attachments || "none"}`;
}

function describeRule(rule: RuleArgs): string {
  const ports = rule.portRangeMin === undefined ? "" : ` ports ${rule.portRangeMin}-${rule.portRangeMax}`;
  return `${rule.direction} ${rule.protocol} ${rule.ethertype}${ports} ${rule.direction === "ingress" ? "from" : "to"} ${rule.remoteIpPrefix}`;
}

/** Statuses from which an instance becomes ACTIVE on its own (not worth a preview warning). */
const ON_THE_WAY_TO_ACTIVE = ["CREATING", "BUILD", "STARTING", "REBOOTING", "RESTORING"];

/**
 * Why the API may refuse to attach: each listed instance must exist, be ACTIVE and be in the firewall's
 * region. Lookups that fail for other reasons are skipped (this only explains, it never blocks).
 */
async function attachmentProblems(client: BarrackClient, region: Region, ids: readonly string[], strict: boolean): Promise<string[]> {
  const problems = await Promise.all(
    ids.map(async (id): Promise<string | undefined> => {
      try {
        const { vm } = await client.call("getInstance", { params: { vm_id: id } });
        if (vm.region !== region) return `${id} is in ${vm.region}, but the firewall is in ${region} (firewalls are region-bound)`;
        const transitional = ON_THE_WAY_TO_ACTIVE.some((s) => sameStatus(vm.status, s));
        if (!sameStatus(vm.status, "ACTIVE") && (strict || !transitional)) return `${id} is ${vm.status}, and only ACTIVE instances can be attached`;
        return undefined;
      } catch (error) {
        return error instanceof BarrackNotFoundError ? `${id} does not exist` : undefined;
      }
    }),
  );
  return problems.filter((p): p is string => p !== undefined);
}

/** Rules are matched by their fields: remove the API's rules nobody asked for, then add the missing ones. */
async function syncRules(ctx: OperationContext, firewall: Firewall, desired: readonly RuleArgs[]): Promise<void> {
  const id = firewall.firewall_id;
  const wanted = new Map(desired.map((rule) => [ruleKey(rule), rule]));
  const present = new Set<string>();
  for (const rule of firewall.rules) {
    const key = ruleKey(ruleFromWire(rule));
    if (wanted.has(key) && !present.has(key)) {
      present.add(key);
      continue;
    }
    ctx.log(`removing rule ${rule.rule_id} (${describeRule(ruleFromWire(rule))})`);
    try {
      await ctx.client.call("removeFirewallRule", { params: { firewall_id: id, rule_id: rule.rule_id } });
    } catch (error) {
      if (!(error instanceof BarrackNotFoundError)) throw error; // already gone is what we wanted
    }
  }
  for (const [key, rule] of wanted) {
    if (present.has(key)) continue;
    ctx.log(`adding rule ${describeRule(rule)}`);
    await addRuleOnce(ctx, id, rule, key);
  }
}

/** Rule additions per rule at most, when answers keep getting lost (each is looked for first). */
const MAX_RULE_ATTEMPTS = 4;

/**
 * Adds one rule, converging when answers are lost: the rule is looked for by its content and added again
 * only when it is not there, so a lost answer never makes a duplicate and never fails the run.
 */
async function addRuleOnce(ctx: OperationContext, id: string, rule: RuleArgs, key: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.client.call("addFirewallRule", { params: { firewall_id: id }, body: ruleToWire(rule) });
      return;
    } catch (error) {
      if (!(error instanceof BarrackError && error.ambiguous) || attempt >= MAX_RULE_ATTEMPTS) throw error;
      const after = await getFirewall(ctx.client, id);
      if (after.rules.some((r) => ruleKey(ruleFromWire(r)) === key)) return;
      ctx.log(`the answer to adding rule ${describeRule(rule)} was lost and the rule is not there: adding it again`);
    }
  }
}

/** At most one attach call with the complete set, then wait until every attachment has settled. */
async function syncAttachments(ctx: OperationContext, firewall: Firewall, desired: readonly string[]): Promise<Firewall> {
  const id = firewall.firewall_id;
  const errored = firewall.attachments.some((a) => sameStatus(a.status, "ERROR"));
  // Re-sending the same set retries attachments that ended in ERROR.
  if (!sameSet(attachedIds(firewall), desired) || errored) {
    ctx.log(desired.length > 0 ? `attaching to ${desired.join(", ")}` : "detaching from all instances");
    try {
      await ctx.client.call("attachFirewall", { params: { firewall_id: id }, body: { vm_ids: [...desired] } });
    } catch (error) {
      if (!(error instanceof BarrackError) || error.ambiguous || ![400, 404, 409, 422].includes(error.status ?? 0)) throw error;
      const problems = await attachmentProblems(ctx.client, firewall.region, desired, true);
      throw new Error(
        `cannot attach firewall "${firewall.name}" (${id}) to ${desired.join(", ")}: ${problems.length > 0 ? problems.join("; ") : error.message}. ` +
          `A firewall attaches only to ACTIVE instances in its own region (${firewall.region}); instanceIds must list all of them` +
          (problems.length > 0 ? ` (the API said: ${error.message})` : ""),
        { cause: error },
      );
    }
  }
  // Also when nothing was sent: an attachment still in flight (e.g. from a partial create) may yet fail.
  const settled = await ctx.waitFor(
    `${id} attachments to settle`,
    () => getFirewall(ctx.client, id),
    (f) => sameSet(attachedIds(f), desired) && f.attachments.every((a) => attachmentSettled(a.status)),
    describe,
  );
  const failed = settled.attachments.filter((a) => sameStatus(a.status, "ERROR")).map((a) => a.vm_id);
  if (failed.length > 0) {
    throw new Error(`firewall "${firewall.name}" (${id}) failed to attach to ${failed.join(", ")} (attachment status ERROR); check those instances are ACTIVE in ${firewall.region}, then run \`pulumi up\` again to retry`);
  }
  return settled;
}

export const firewallProvider = defineProvider<typeof firewallArgsSchema, Firewall, FirewallOutputs>({
  type: "Firewall",
  schema: firewallArgsSchema,
  updatable: ["rules", "instanceIds"],
  noDiff: ["timeouts"],
  nameKey: "name",
  nameKind: "firewall",
  defaultTimeouts: { create: "15m", update: "15m", delete: "15m" },
  validate: validateFirewall,

  async warnings(news, previous, client) {
    // Only instances this plan attaches: one already attached may be stopped without harm.
    const attached = new Set(previous?.region === news.region ? (previous.instanceIds ?? []) : []);
    const problems = await attachmentProblems(client, news.region, news.instanceIds.filter((id) => !attached.has(id)), false);
    return problems.map((p) => `Firewall "${news.name}" instanceIds: ${p}; attaching will fail`);
  },

  // The firewall alone; rules and attachments follow in `afterCreate`.
  async create(ctx, args) {
    const { firewall } = await ctx.client.call("createFirewall", {
      body: { name: args.name, description: args.description, region: args.region },
    });
    return firewall;
  },

  // Attaching can fail for reasons preview cannot see (instance not ACTIVE, another region): done after
  // create, a failure is a partial create that the next `pulumi up` finishes, never a leaked firewall
  // blocking its own name. Also applies the rules to a firewall adopted after an ambiguous create.
  async afterCreate(ctx, firewall, args) {
    await syncRules(ctx, firewall, args.rules);
    return syncAttachments(ctx, await getFirewall(ctx.client, firewall.firewall_id), args.instanceIds);
  },

  async findExisting(ctx, args) {
    // Firewall names are unique in the account, across regions.
    const firewalls = await ctx.client.listAll("listFirewalls", "firewalls");
    return firewalls.find((f) => f.name === args.name);
  },

  get: getFirewall,
  idOf: (firewall) => firewall.firewall_id,
  // An attachment in ERROR is not "failed" here: that would stop `update` before it could retry or drop it.
  // `syncAttachments` reports such errors itself.
  readiness(firewall) {
    if (sameStatus(firewall.status, "ERROR")) return "failed";
    if (!sameStatus(firewall.status, "SUCCESS")) return "pending";
    return firewall.attachments.every((a) => attachmentSettled(a.status)) ? "ready" : "pending";
  },
  describe,

  // Converges on the API's current rules and attachments (not the stored outputs), so drift is repaired too.
  async update(ctx, id, _olds, news) {
    await syncRules(ctx, await getFirewall(ctx.client, id), news.rules);
    return syncAttachments(ctx, await getFirewall(ctx.client, id), news.instanceIds);
  },

  async remove(ctx, id) {
    const firewall = await getFirewall(ctx.client, id);
    // The API refuses to delete an attached firewall; an empty set detaches all.
    if (firewall.attachments.length > 0) await syncAttachments(ctx, firewall, []);
    await ctx.client.call("deleteFirewall", { params: { firewall_id: id } });
  },

  outputs: firewallOutputs,
});
