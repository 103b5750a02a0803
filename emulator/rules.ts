/**
 * Business rules on input values (barrack-api.md §4): names, SSH public keys, firewall/security rules,
 * volume sizes, text sizes. The rules themselves are provider/platform.ts's; each check here throws a 400
 * naming the wire field and what is allowed.
 */
import { createHash } from "node:crypto";
import { PORTED_PROTOCOLS, type RuleRequest, type VolumeType } from "../provider/contract";
import {
  LIMITS,
  NAME_RULES,
  SCRIPT_MAX_BYTES,
  SSH_KEY_TYPES,
  SSH_PUBLIC_KEY_PATTERN,
  VOLUME_SIZE_GB,
  isCidr,
  type NamedKind,
} from "../provider/platform";
import { badRequest } from "./errors";

function show(v: string): string {
  return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
}

/** A name of `kind` (instances: `vm_name`; everything else: `name`). */
export function checkName(kind: NamedKind, name: string, field = "name"): void {
  const rule = NAME_RULES[kind];
  if (!rule.pattern.test(name)) badRequest(field, `${field} must be ${rule.allowed} (got ${show(name)})`);
}

/** Descriptions of firewalls, snapshots, images and scripts: the firewall limit (§4.5), applied to all. */
export function checkDescription(description: string | undefined, field = "description"): void {
  const max = LIMITS.firewallDescriptionChars;
  if (description !== undefined && description.length > max) {
    badRequest(field, `${field} must be at most ${max} characters (got ${description.length})`);
  }
}

/** Cloud-init and script content: at most SCRIPT_MAX_BYTES of UTF-8. */
export function checkTextSize(text: string, field: string): void {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > SCRIPT_MAX_BYTES) badRequest(field, `${field} must be at most ${SCRIPT_MAX_BYTES} bytes (${SCRIPT_MAX_BYTES / 1024} KB) of UTF-8 (got ${bytes} bytes)`);
}

export function checkVolumeSize(type: VolumeType, size: number, field = "size_gb"): void {
  const { min, max } = VOLUME_SIZE_GB[type];
  if (!Number.isInteger(size) || size < min || size > max) {
    badRequest(field, `${field} must be an integer from ${min} to ${max} for ${type} volumes (got ${size})`);
  }
}

// ---------------------------------------------------------------------------------------------------
// SSH public keys (CONFIRMED formats, §4.4)
// ---------------------------------------------------------------------------------------------------

/** Checks a single-line OpenSSH public key and returns it normalised (trimmed) with its SHA256 fingerprint. */
export function checkPublicKey(raw: string, field = "public_key"): { publicKey: string; fingerprint: string } {
  const key = raw.trim();
  const allowed = `a single-line OpenSSH public key: "<type> <base64> [comment]" with type ${SSH_KEY_TYPES.join(", ")}`;
  if (key === "") badRequest(field, `${field} must be ${allowed}`);
  if (/[\r\n]/.test(key)) badRequest(field, `${field} must be on a single line: ${allowed}`);
  const parts = key.split(/\s+/);
  const type = parts[0];
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) badRequest(field, `${field} has unsupported key type ${show(type)}; it must be ${allowed}`);
  if (!SSH_PUBLIC_KEY_PATTERN.test(key)) badRequest(field, `${field} must carry a base64 key body after the type: ${allowed}`);
  const blob = Buffer.from(parts[1] ?? "", "base64");
  // The blob starts with the key type as an SSH string (uint32 length + bytes); it must match the prefix.
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (len <= 0 || 4 + len > blob.length || blob.subarray(4, 4 + len).toString("latin1") !== type || blob.length <= 4 + len) {
    badRequest(field, `${field} key body does not decode to a ${type} key: ${allowed}`);
  }
  return { publicKey: key, fingerprint: fingerprintOf(blob) };
}

export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

// ---------------------------------------------------------------------------------------------------
// Firewall rules and instance security rules (§2.11)
// ---------------------------------------------------------------------------------------------------

function checkCidr(prefix: string, ethertype: "IPv4" | "IPv6", field: string): void {
  if (!isCidr(prefix, ethertype)) {
    const v4 = ethertype === "IPv4";
    const example = v4 ? "0.0.0.0/0 or 10.0.0.0/8" : "::/0 or 2001:db8::/32";
    badRequest(field, `${field} must be an ${ethertype} CIDR with a prefix length from 0 to ${v4 ? 32 : 128}, e.g. ${example} (got ${show(prefix)})`);
  }
}

/** Validates a rule's values beyond their types; `base` prefixes field names (e.g. "security_rules[0]."). */
export function checkRule(rule: RuleRequest, base = ""): void {
  checkCidr(rule.remote_ip_prefix, rule.ethertype, `${base}remote_ip_prefix`);
  const min = rule.port_range_min ?? null;
  const max = rule.port_range_max ?? null;
  const ported = (PORTED_PROTOCOLS as readonly string[]).includes(rule.protocol);
  if (!ported) {
    if (min !== null || max !== null) {
      const field = `${base}${min !== null ? "port_range_min" : "port_range_max"}`;
      badRequest(field, `${field}: port ranges apply only to protocols ${PORTED_PROTOCOLS.join(", ")}; leave port_range_min and port_range_max out for ${rule.protocol}`);
    }
    return;
  }
  if ((min === null) !== (max === null)) {
    const field = `${base}${min === null ? "port_range_min" : "port_range_max"}`;
    badRequest(field, `${field} is missing: port_range_min and port_range_max must be given together (equal for a single port), or both left out for all ports`);
  }
  for (const [name, v] of [["port_range_min", min], ["port_range_max", max]] as const) {
    if (v !== null && (v < 1 || v > 65535)) badRequest(`${base}${name}`, `${base}${name} must be a port from 1 to 65535 (got ${v})`);
  }
  if (min !== null && max !== null && min > max) {
    badRequest(`${base}port_range_min`, `${base}port_range_min (${min}) must be less than or equal to port_range_max (${max})`);
  }
}

export function sameRule(a: RuleRequest, b: RuleRequest): boolean {
  return a.direction === b.direction && a.protocol === b.protocol && a.ethertype === b.ethertype &&
    a.remote_ip_prefix === b.remote_ip_prefix && (a.port_range_min ?? null) === (b.port_range_min ?? null) &&
    (a.port_range_max ?? null) === (b.port_range_max ?? null);
}
