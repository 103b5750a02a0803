/**
 * Business rules on input values (barrack-api.md §4): names, SSH public keys, firewall/security rules,
 * volume sizes, text sizes. Each check throws a 400 naming the wire field and what is allowed.
 */
import { createHash } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { PORTED_PROTOCOLS, type RuleRequest, type VolumeType } from "../provider/contract";
import { MAX_TEXT_BYTES, VOLUME_TYPE_FACTS } from "./catalog";
import { badRequest } from "./errors";

function show(v: string): string {
  return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
}

const SLUG = /^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$/;

/** Instances (INFERRED §4.1): 2–30 chars of letters, digits, `-`, `_`, not starting/ending with `-`/`_`. */
export function checkInstanceName(name: string, field = "vm_name"): void {
  if (name.length < 2 || name.length > 30 || !SLUG.test(name)) {
    badRequest(field, `${field} must be 2-30 characters of letters, digits, "-" and "_", not starting or ending with "-" or "_" (got ${show(name)})`);
  }
}

/** Volumes (CONFIRMED DOC-VOL): 3–30 chars, same charset and edge rule. */
export function checkVolumeName(name: string, field = "name"): void {
  if (name.length < 3 || name.length > 30 || !SLUG.test(name)) {
    badRequest(field, `${field} must be 3-30 characters of letters, digits, "-" and "_", not starting or ending with "-" or "_" (got ${show(name)})`);
  }
}

/** Firewalls, snapshots, images (CONFIRMED REPO): 1–50 chars of letters, digits, spaces, `-`, `_`, `.`; not blank. */
export function checkDisplayName(name: string, field = "name"): void {
  if (name.length < 1 || name.length > 50 || !/^[A-Za-z0-9 ._-]+$/.test(name) || name.trim() === "") {
    badRequest(field, `${field} must be 1-50 characters of letters, digits, spaces, "-", "_" and ".", and not blank (got ${show(name)})`);
  }
}

/** SSH keys (CONFIRMED REPO): 1–50 chars of letters, digits, `_`, `-`, `.`; no spaces. */
export function checkSshKeyName(name: string, field = "name"): void {
  if (name.length < 1 || name.length > 50 || !/^[A-Za-z0-9_.-]+$/.test(name)) {
    badRequest(field, `${field} must be 1-50 characters of letters, digits, "_", "-" and "." with no spaces (got ${show(name)})`);
  }
}

/** Scripts (INFERRED): 1–50 printable characters, not blank. */
export function checkScriptName(name: string, field = "name"): void {
  if (name.length < 1 || name.length > 50 || name.trim() === "" || /[\u0000-\u001f\u007f]/.test(name)) {
    badRequest(field, `${field} must be 1-50 printable characters and not blank (got ${show(name)})`);
  }
}

export function checkDescription(description: string | undefined, field = "description"): void {
  if (description !== undefined && description.length > 255) {
    badRequest(field, `${field} must be at most 255 characters (got ${description.length})`);
  }
}

/** Cloud-init and script content: at most 16 KB of UTF-8. */
export function checkTextSize(text: string, field: string): void {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_TEXT_BYTES) badRequest(field, `${field} must be at most ${MAX_TEXT_BYTES} bytes (16 KB) of UTF-8 (got ${bytes} bytes)`);
}

export function checkVolumeSize(type: VolumeType, size: number, field = "size_gb"): void {
  const facts = VOLUME_TYPE_FACTS[type];
  if (!Number.isInteger(size) || size < facts.minGb || size > facts.maxGb) {
    badRequest(field, `${field} must be an integer from ${facts.minGb} to ${facts.maxGb} for ${type} volumes (got ${size})`);
  }
}

// ---------------------------------------------------------------------------------------------------
// SSH public keys (CONFIRMED formats, §4.4)
// ---------------------------------------------------------------------------------------------------

export const SSH_KEY_TYPES = ["ssh-rsa", "ssh-ed25519", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"] as const;

/** Checks a single-line OpenSSH public key and returns it normalised (trimmed) with its SHA256 fingerprint. */
export function checkPublicKey(raw: string, field = "public_key"): { publicKey: string; fingerprint: string } {
  const key = raw.trim();
  const allowed = `a single-line OpenSSH public key: "<type> <base64> [comment]" with type ${SSH_KEY_TYPES.join(", ")}`;
  if (key === "") badRequest(field, `${field} must be ${allowed}`);
  if (/[\r\n]/.test(key)) badRequest(field, `${field} must be on a single line: ${allowed}`);
  const parts = key.split(/\s+/);
  const type = parts[0];
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) badRequest(field, `${field} has unsupported key type ${show(type)}; it must be ${allowed}`);
  const b64 = parts[1] ?? "";
  if (!/^[A-Za-z0-9+/]+={0,3}$/.test(b64)) badRequest(field, `${field} must carry a base64 key body after the type: ${allowed}`);
  const blob = Buffer.from(b64, "base64");
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

function checkCidr(prefix: string, ethertype: string, field: string): void {
  const [addr, bits, extra] = prefix.split("/");
  const v4 = ethertype === "IPv4";
  const example = v4 ? "0.0.0.0/0 or 10.0.0.0/8" : "::/0 or 2001:db8::/32";
  const max = v4 ? 32 : 128;
  const okAddr = v4 ? isIPv4(addr ?? "") : isIPv6(addr ?? "");
  const n = Number(bits);
  if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits) || !okAddr || n > max) {
    badRequest(field, `${field} must be an ${ethertype} CIDR with a prefix length from 0 to ${max}, e.g. ${example} (got ${show(prefix)})`);
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
