/**
 * The platform's vocabulary as plain constants and types, for Pulumi programs and the public type
 * declarations. This module loads nothing (no zod, no contract, no HTTP client): `require("pulumi-barrack")`
 * and a user's type-check both stay light. The contract (provider/contract.ts) holds the same lists
 * for its schemas; tests/types/constants.test.ts checks that they agree.
 */

/** Regions. CANADA-1 is the legacy tier; FINLAND-1/2/3 and ICELAND-1 the advanced tier. */
export const REGIONS = ["CANADA-1", "FINLAND-1", "FINLAND-2", "FINLAND-3", "ICELAND-1"] as const;
export type Region = (typeof REGIONS)[number];

/** Platform tiers: "legacy" (CANADA-1) and "advanced" (every other region). */
export const TIERS = ["legacy", "advanced"] as const;
export type Tier = (typeof TIERS)[number];

/** Volume types: SSD in the legacy tier; NVMe and HDD in the advanced tier. */
export const VOLUME_TYPES = ["SSD", "NVMe", "HDD"] as const;
export type VolumeType = (typeof VOLUME_TYPES)[number];

/** Billing currencies. */
export const CURRENCIES = ["USD", "EUR", "INR"] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Directions of a firewall or security rule. */
export const DIRECTIONS = ["ingress", "egress"] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** IP versions of a rule. */
export const ETHERTYPES = ["IPv4", "IPv6"] as const;
export type Ethertype = (typeof ETHERTYPES)[number];

/** Protocols a rule may name ("any" for all); only tcp, udp, udplite, sctp and dccp rules carry ports. */
export const PROTOCOLS = [
  "any", "ah", "dccp", "egp", "esp", "gre", "icmp", "igmp", "ipip", "ipv6-encap", "ipv6-frag", "ipv6-icmp",
  "ipv6-nonxt", "ipv6-opts", "ipv6-route", "ospf", "pgm", "rsvp", "sctp", "tcp", "udp", "udplite", "vrrp",
] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Power states an instance can be asked for (its `powerState` input). */
export const POWER_STATES = ["running", "stopped", "hibernated"] as const;
export type PowerState = (typeof POWER_STATES)[number];

/** GPU counts an instance may have (up to the model's maximum). */
export const GPU_COUNTS = [1, 2, 4, 8] as const;

/** How an instance booted (its `bootSource` output). */
export const BOOT_SOURCES = ["os_image", "volume", "image", "snapshot"] as const;
export type BootSource = (typeof BOOT_SOURCES)[number];

/** The kinds of priced resources (getPricing's `resourceType`). */
export const PRICED_RESOURCE_TYPES = ["volumes", "snapshots", "gpus"] as const;
export type PricedResourceType = (typeof PRICED_RESOURCE_TYPES)[number];
