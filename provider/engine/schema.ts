/** Zod pieces shared by several resources' args: names, regions, firewall/security rules. */
import { z } from "zod";
import { DIRECTIONS, ETHERTYPES, PORTED_PROTOCOLS, PROTOCOLS, REGIONS, Rule, RuleRequest } from "../contract";
import { DESCRIPTION_MAX_CHARS, NAME_RULES, NamedKind, isCidr } from "../platform";

export function nameSchema(kind: NamedKind) {
  const rule = NAME_RULES[kind];
  return z.string().regex(rule.pattern, { error: `must be ${rule.allowed}` });
}

/** A description: at most 255 characters, "" when omitted. */
export const descriptionSchema = z
  .string({ error: `must be a string of at most ${DESCRIPTION_MAX_CHARS} characters` })
  .max(DESCRIPTION_MAX_CHARS, { error: (issue) => `must be at most ${DESCRIPTION_MAX_CHARS} characters (this one is ${String((issue.input as string).length)})` })
  .default("");

export const regionSchema = z.enum(REGIONS, { error: `must be one of ${REGIONS.join(", ")}` });

/** A firewall rule or instance security rule, in camelCase. */
export const ruleArgsSchema = z
  .strictObject({
    direction: z.enum(DIRECTIONS, { error: `must be one of ${DIRECTIONS.join(", ")}` }),
    protocol: z.enum(PROTOCOLS, { error: `must be one of ${PROTOCOLS.join(", ")}` }),
    ethertype: z.enum(ETHERTYPES, { error: `must be one of ${ETHERTYPES.join(", ")}` }).default("IPv4"),
    /** CIDR; defaults to everywhere (0.0.0.0/0, or ::/0 for IPv6). */
    remoteIpPrefix: z.string().optional(),
    portRangeMin: z.number().int().min(1, { error: "must be a port from 1 to 65535" }).max(65535, { error: "must be a port from 1 to 65535" }).optional(),
    portRangeMax: z.number().int().min(1, { error: "must be a port from 1 to 65535" }).max(65535, { error: "must be a port from 1 to 65535" }).optional(),
  })
  .transform((rule) => ({ ...rule, remoteIpPrefix: rule.remoteIpPrefix ?? (rule.ethertype === "IPv6" ? "::/0" : "0.0.0.0/0") }))
  .superRefine((rule, ctx) => {
    if (!isCidr(rule.remoteIpPrefix, rule.ethertype)) {
      ctx.addIssue({ code: "custom", path: ["remoteIpPrefix"], message: `must be an ${rule.ethertype} CIDR such as ${rule.ethertype === "IPv6" ? "::/0" : "10.0.0.0/8"}` });
    }
    const ported = (PORTED_PROTOCOLS as readonly string[]).includes(rule.protocol);
    const hasMin = rule.portRangeMin !== undefined;
    const hasMax = rule.portRangeMax !== undefined;
    if (!ported && (hasMin || hasMax)) {
      ctx.addIssue({ code: "custom", path: [hasMin ? "portRangeMin" : "portRangeMax"], message: `ports apply only to ${PORTED_PROTOCOLS.join(", ")} rules, not ${rule.protocol}` });
    } else if (hasMin !== hasMax) {
      ctx.addIssue({ code: "custom", path: [hasMin ? "portRangeMax" : "portRangeMin"], message: "portRangeMin and portRangeMax go together (equal for a single port)" });
    } else if (hasMin && hasMax && rule.portRangeMin! > rule.portRangeMax!) {
      ctx.addIssue({ code: "custom", path: ["portRangeMax"], message: `must be ≥ portRangeMin (${rule.portRangeMin})` });
    }
  });
export type RuleArgs = z.output<typeof ruleArgsSchema>;

export function ruleToWire(rule: RuleArgs): RuleRequest {
  return {
    direction: rule.direction,
    protocol: rule.protocol,
    ethertype: rule.ethertype,
    remote_ip_prefix: rule.remoteIpPrefix,
    port_range_min: rule.portRangeMin ?? null,
    port_range_max: rule.portRangeMax ?? null,
  };
}

export function ruleFromWire(rule: Rule | RuleRequest): RuleArgs {
  return {
    direction: rule.direction,
    protocol: rule.protocol,
    ethertype: rule.ethertype,
    remoteIpPrefix: rule.remote_ip_prefix,
    ...(rule.port_range_min != null ? { portRangeMin: rule.port_range_min } : {}),
    ...(rule.port_range_max != null ? { portRangeMax: rule.port_range_max } : {}),
  };
}

/** Rule identity for add/remove diffs: everything but the server-assigned id. */
export function ruleKey(rule: RuleArgs): string {
  return JSON.stringify([rule.direction, rule.protocol, rule.ethertype, rule.remoteIpPrefix, rule.portRangeMin ?? null, rule.portRangeMax ?? null]);
}
