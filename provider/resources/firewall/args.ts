/** Firewall inputs and outputs. */
import { z } from "zod";
import { Firewall as WireFirewall, idPattern } from "../../contract";
import { CheckFailure, importIdSchema, timeoutsSchema } from "../../engine/crud";
import { RuleArgs, descriptionSchema, nameSchema, regionSchema, ruleArgsSchema, ruleFromWire, ruleKey } from "../../engine/schema";

export const firewallArgsSchema = z.strictObject({
  /** Unique within the account. Defaults to the Pulumi resource name. */
  name: nameSchema("firewall"),
  /** Firewalls are region-bound: they attach only to instances in their region. */
  region: regionSchema,
  description: descriptionSchema,
  /** Allow rules. Changed in place: removed and added one by one, never by replacing the firewall. */
  rules: z.array(ruleArgsSchema).default([]),
  /** The COMPLETE set of instances the firewall is attached to (ACTIVE, same region); `[]` attaches none. */
  instanceIds: z.array(z.string().regex(idPattern("instance"), { error: "must be an instance id such as BRK-000123D" })).default([]),
  timeouts: timeoutsSchema,
  importId: importIdSchema,
});
export type FirewallArgs = z.output<typeof firewallArgsSchema>;

/** Outputs: the inputs as the API reports them, plus what the API computes. */
export interface FirewallOutputs extends FirewallArgs {
  /** The Barrack id (`BRK-……F`), also the resource's `id`. */
  firewallId: string;
  status: string;
  createdAt: string;
  /** The API's id of each rule, in the order of `rules`. */
  ruleIds: string[];
}
export const FIREWALL_OUTPUT_KEYS = ["firewallId", "status", "createdAt", "ruleIds"] as const;

/**
 * Preview-time rules zod can't express. Rules are matched by their fields (there is no rule id in the
 * inputs), so two identical rules would be ambiguous; listing an instance twice is a typo.
 */
export function validateFirewall(news: FirewallArgs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const firstRule = new Map<string, number>();
  news.rules.forEach((rule, i) => {
    const key = ruleKey(rule);
    const first = firstRule.get(key);
    if (first === undefined) firstRule.set(key, i);
    else failures.push({ property: `rules.${i}`, reason: `repeats rules.${first} (same direction, protocol, ethertype, remoteIpPrefix and ports); list each rule once` });
  });
  const firstId = new Map<string, number>();
  news.instanceIds.forEach((id, i) => {
    const first = firstId.get(id);
    if (first === undefined) firstId.set(id, i);
    else failures.push({ property: `instanceIds.${i}`, reason: `${id} is already listed as instanceIds.${first}; list each instance once` });
  });
  return failures;
}

export function firewallOutputs(args: FirewallArgs, firewall: WireFirewall): FirewallOutputs {
  return {
    ...args,
    name: firewall.name,
    region: firewall.region,
    description: firewall.description,
    rules: firewall.rules.map((r): RuleArgs => ruleFromWire(r)),
    instanceIds: firewall.attachments.map((a) => a.vm_id),
    firewallId: firewall.firewall_id,
    status: firewall.status,
    createdAt: firewall.created_at,
    ruleIds: firewall.rules.map((r) => r.rule_id),
  };
}
