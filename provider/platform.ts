/**
 * The platform's documented rules (barrack-api.md §4): which region is which tier, what each tier can
 * do, volume size ranges, name rules. The resource providers check them at preview (so bad input fails
 * before any API call) and the emulator enforces them, both from here.
 */
import { isIPv4, isIPv6 } from "node:net";
import { REGIONS, Region, Tier, VolumeType } from "./constants";

/** CONFIRMED (DOC-VOL §4.3). */
export const REGION_TIER: Record<Region, Tier> = {
  "CANADA-1": "legacy",
  "FINLAND-1": "advanced",
  "FINLAND-2": "advanced",
  "FINLAND-3": "advanced",
  "ICELAND-1": "advanced",
};

export interface TierCapabilities {
  volumeTypes: readonly VolumeType[];
  bootableVolumes: boolean;
  /** Volume clone and resize. */
  volumeCloneResize: boolean;
  snapshots: boolean;
}

/** CONFIRMED (DOC-VOL), snapshots legacy-only CONFIRMED (P-PRICE description). */
export const TIER_CAPABILITIES: Record<Tier, TierCapabilities> = {
  legacy: { volumeTypes: ["SSD"], bootableVolumes: true, volumeCloneResize: false, snapshots: true },
  advanced: { volumeTypes: ["NVMe", "HDD"], bootableVolumes: false, volumeCloneResize: true, snapshots: false },
};

export function tierOf(region: Region): Tier {
  return REGION_TIER[region];
}
export function capabilitiesOf(region: Region): TierCapabilities {
  return TIER_CAPABILITIES[REGION_TIER[region]];
}
export function regionsWhere(predicate: (caps: TierCapabilities) => boolean): Region[] {
  return REGIONS.filter((r) => predicate(capabilitiesOf(r)));
}

/** Volume sizes in GB, integers (CONFIRMED DOC-VOL). */
export const VOLUME_SIZE_GB: Record<VolumeType, { min: number; max: number }> = {
  SSD: { min: 100, max: 102_400 },
  NVMe: { min: 100, max: 10_000 },
  HDD: { min: 100, max: 16_000 },
};

/** A bootable volume needs an Ubuntu OS image (CONFIRMED DOC-VOL). */
export const BOOTABLE_IMAGE_PREFIX = "ubuntu";

/** Instance GPU counts (INFERRED GpuCountEnum), each also capped by the model's `max_count`. */
export { GPU_COUNTS } from "./constants";

/**
 * GPU models on sale, with their tier (so the regions that have them) and the most GPUs one instance
 * takes (INFERRED: the P-PRICE example's models plus the old price list). Preview refuses a model not
 * listed here unless the live catalogue (`listGpuSpecs`) lists it; the emulator sells exactly these.
 */
export const GPU_MODELS: Readonly<Record<string, { tier: Tier; maxCount: number }>> = {
  "H100-PCIe-NVLink-80GB": { tier: "legacy", maxCount: 8 },
  "RTX-A6000": { tier: "legacy", maxCount: 4 },
  "A100-PCIe-80GB": { tier: "legacy", maxCount: 8 },
  "L40": { tier: "legacy", maxCount: 8 },
  "B300-262GB": { tier: "advanced", maxCount: 8 },
  "H100-SXM5-80GB": { tier: "advanced", maxCount: 8 },
};

/** Hibernated instances cost this per hour (CONFIRMED REPO); no API response carries it. */
export const HIBERNATED_HOURLY = { USD: 0.01, EUR: 0.01, INR: 1 } as const;

/**
 * Volume prices are quoted "per TB per hour" (the pricing API's unit string, P-PRICE; the docs page says
 * "per GB per month"): the one place to correct if the API's unit turns out to be another.
 */
export const VOLUME_PRICE_UNIT = "per TB per hour";
/** GB per priced volume unit (1 TB). */
export const VOLUME_PRICE_UNIT_GB = 1000;

/** Longest description of a firewall, snapshot, image or startup script (CONFIRMED 255 for firewalls, REPO). */
export const DESCRIPTION_MAX_CHARS = 255;

/** Size limit of cloud-init and startup scripts (CONFIRMED 16 KB for cloud-init, REPO). */
export const SCRIPT_MAX_BYTES = 16 * 1024;

/** Minimum balance to deploy, create volumes and snapshots, or restore (CONFIRMED REPO/DOC-VOL). */
export const MINIMUM_BALANCE = { USD: 1, EUR: 1, INR: 100 } as const;

/** Per-account limits (CONFIRMED REPO). */
export const LIMITS = { firewallsPerAccount: 25, sshKeysPerRegion: 25, firewallDescriptionChars: DESCRIPTION_MAX_CHARS } as const;

export interface NameRule {
  pattern: RegExp;
  /** What is allowed, in words, for error messages. */
  allowed: string;
  /** Where the name must be unique. */
  uniqueWithin: "account" | "region";
  /** How an autonamed name is made to fit: its longest length and the characters kept (a regex class body). */
  autoname: { max: number; allowed: string };
}

const slug = (min: number, max: number): RegExp =>
  new RegExp(`^(?=.{${min},${max}}$)[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$`);
const label = (min: number, max: number): RegExp => new RegExp(`^(?=.{${min},${max}}$)(?=.*\\S)[A-Za-z0-9 _.-]+$`);

/** Name rules per resource (volumes CONFIRMED DOC-VOL; instances 2–30 CONFIRMED DOC-RST, charset INFERRED). */
export const NAME_RULES = {
  instance: {
    pattern: slug(2, 30),
    allowed: "2–30 letters, digits, '-' or '_', not starting or ending with '-' or '_'",
    uniqueWithin: "account",
    autoname: { max: 30, allowed: "A-Za-z0-9_-" },
  },
  volume: {
    pattern: slug(3, 30),
    allowed: "3–30 letters, digits, '-' or '_', not starting or ending with '-' or '_' (no spaces)",
    uniqueWithin: "region",
    autoname: { max: 30, allowed: "A-Za-z0-9_-" },
  },
  firewall: { pattern: label(1, 50), allowed: "1–50 letters, digits, spaces, '-', '_' or '.'", uniqueWithin: "account", autoname: { max: 50, allowed: "A-Za-z0-9_.-" } },
  snapshot: { pattern: label(1, 50), allowed: "1–50 letters, digits, spaces, '-', '_' or '.'", uniqueWithin: "account", autoname: { max: 50, allowed: "A-Za-z0-9_.-" } },
  image: { pattern: label(1, 50), allowed: "1–50 letters, digits, spaces, '-', '_' or '.'", uniqueWithin: "account", autoname: { max: 50, allowed: "A-Za-z0-9_.-" } },
  sshKey: {
    pattern: /^[A-Za-z0-9_.-]{1,50}$/,
    allowed: "1–50 letters, digits, '_', '-' or '.' (no spaces)",
    uniqueWithin: "account",
    autoname: { max: 50, allowed: "A-Za-z0-9_.-" },
  },
  script: { pattern: label(1, 50), allowed: "1–50 letters, digits, spaces, '-', '_' or '.'", uniqueWithin: "account", autoname: { max: 50, allowed: "A-Za-z0-9_.-" } },
} as const satisfies Record<string, NameRule>;
export type NamedKind = keyof typeof NAME_RULES;

/** Accepted OpenSSH public key types (CONFIRMED REPO). */
export const SSH_KEY_TYPES = [
  "ssh-rsa", "ssh-ed25519", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
] as const;
export const SSH_PUBLIC_KEY_PATTERN = new RegExp(`^(${SSH_KEY_TYPES.join("|")}) [A-Za-z0-9+/]+={0,3}( [^\\r\\n]*)?$`);

/**
 * IPv4/IPv6 CIDR, as firewall and security rules take it (§2.11): a valid address (IPv4 octets 0–255
 * without leading zeros; IPv6 in any valid notation, no zone index) and a prefix of 0–32 or 0–128.
 */
export function isCidr(text: string, ethertype?: "IPv4" | "IPv6"): boolean {
  const [address = "", prefix, ...rest] = text.split("/");
  if (rest.length > 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  if (isIPv4(address)) return ethertype !== "IPv6" && bits <= 32;
  return isIPv6(address) && /^[0-9A-Fa-f:.]+$/.test(address) && ethertype !== "IPv4" && bits <= 128;
}
