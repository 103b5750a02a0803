/**
 * The Barrack API wire contract: the ONE place that says what goes over the wire.
 *
 * The real API (https://barrack.ai/api/) cannot be reached from our machines and only `POST /api/pricing/`
 * is documented down to the wire. Every other operation below is INFERRED from the platform docs
 * (shared/docs/barrack-api.md, "Contract decisions"). Each operation carries its `status`:
 *   - "confirmed": path, method and shapes seen in the vendor's documentation;
 *   - "inferred":  our best reading; `methodConfirmed` says whether at least the HTTP verb was documented.
 * When someone verifies the live API, correct this file: the client, the emulator and the resource
 * providers all take routes, field names and shapes from here.
 *
 * Wire names are snake_case. Response schemas tolerate (strip) unknown fields, so a richer real API does
 * not break the client; a missing or mistyped required field is an error naming the endpoint and field.
 */
import { z } from "zod";

export const DEFAULT_BASE_URL = "https://barrack.ai/api/";

// ---------------------------------------------------------------------------------------------------
// Vocabulary (enums and identifier formats)
// ---------------------------------------------------------------------------------------------------

/**
 * Regions (CONFIRMED, DOC-VOL: CANADA-1 legacy; FINLAND-1/2/3 and ICELAND-1 advanced), tiers, volume types
 * and currencies: the lists live in ./constants.ts, zod-free, so that programs can use them.
 */
export { CURRENCIES, REGIONS, TIERS, VOLUME_TYPES, type Currency, type Region, type Tier, type VolumeType } from "./constants";
import { BOOT_SOURCES, CURRENCIES, DIRECTIONS, ETHERTYPES, PROTOCOLS, REGIONS, TIERS, VOLUME_TYPES } from "./constants";

/** Instance (VM) statuses (decision 8). Compare case-insensitively: see `sameStatus`. */
export const INSTANCE_STATUSES = [
  "CREATING", "BUILD", "ACTIVE", "STOPPING", "SHUTOFF", "STARTING", "REBOOTING",
  "HIBERNATING", "HIBERNATED", "RESTORING", "DELETING", "ERROR",
] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

export const VOLUME_STATUSES = ["creating", "available", "in-use", "resizing", "cloning", "deleting", "error"] as const;
export type VolumeStatus = (typeof VOLUME_STATUSES)[number];

/** Snapshots, images, firewalls and firewall attachments share these (decision 8; "ATTACHING" for attachments). */
export const ASYNC_STATUSES = ["CREATING", "ATTACHING", "SUCCESS", "ERROR"] as const;
export type AsyncStatus = (typeof ASYNC_STATUSES)[number];

/** Rule directions, IP versions and protocols (PROTOCOLS INFERRED: the OpenStack list behind "Get supported protocols"). */
export { DIRECTIONS, ETHERTYPES, PROTOCOLS } from "./constants";
/** Protocols whose rules carry a port range. */
export const PORTED_PROTOCOLS = ["tcp", "udp", "udplite", "sctp", "dccp"] as const;

/** Decision 7: `BRK-` + 6 digits + a letter naming the kind. */
export const ID_LETTERS = {
  instance: "D",
  volume: "V",
  snapshot: "S",
  firewall: "F",
  image: "I",
  sshKey: "K",
  script: "C",
  rule: "R",
} as const;
export type IdKind = keyof typeof ID_LETTERS;
export const ID_PATTERN = /^BRK-\d{6}[A-Z]$/;
export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^BRK-\\d{6}${ID_LETTERS[kind]}$`);
}

/** Statuses are compared case-insensitively (the docs show `ACTIVE` and `available`, `Advanced` and `advanced`). */
export function sameStatus(a: string | null | undefined, b: string): boolean {
  return (a ?? "").toUpperCase() === b.toUpperCase();
}

// ---------------------------------------------------------------------------------------------------
// Envelope (decision 4)
// ---------------------------------------------------------------------------------------------------

/** Fields every successful response carries. */
export const envelope = {
  success: z.literal(true),
  message: z.string().optional(),
  request_id: z.string().optional(),
};

/** Error body. `field` names the offending wire field for 400s. */
export const errorBodySchema = z.object({
  success: z.literal(false),
  error: z.string(),
  message: z.string(),
  field: z.string().optional(),
  request_id: z.string().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** `error` codes the emulator answers with; a real API may use others (the client keys on status). */
export const ERROR_CODES = {
  400: "invalid_request",
  401: "unauthorized",
  402: "insufficient_balance",
  403: "profile_incomplete",
  404: "not_found",
  409: "conflict",
  429: "rate_limited",
  500: "internal_error",
  502: "bad_gateway",
  503: "service_unavailable",
} as const;

/** List pagination (decision 6; fields CONFIRMED on the billing lists). */
export const paginationFields = {
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
  total_pages: z.number().int(),
};
export const listQuerySchema = z.object({
  page: z.number().int().min(1).optional(),
  limit: z.number().int().min(1).max(100).optional(),
  region: z.enum(REGIONS).optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;
export const DEFAULT_PAGE_LIMIT = 20;

const timestamp = z.string(); // ISO-8601, with or without zone (§1.9): kept as text.
const money = z.number();

// ---------------------------------------------------------------------------------------------------
// Objects
// ---------------------------------------------------------------------------------------------------

export const prices = z.object({ USD: money, EUR: money, INR: money });

export const regionSchema = z.object({
  name: z.enum(REGIONS),
  tier: z.enum(TIERS),
  location: z.string(),
  volume_types: z.array(z.enum(VOLUME_TYPES)),
  bootable_volumes: z.boolean(),
  volume_clone_resize: z.boolean(),
  snapshots: z.boolean(),
});
export type RegionInfo = z.infer<typeof regionSchema>;

export const gpuStockSchema = z.object({
  region: z.enum(REGIONS),
  gpu_model: z.string(),
  available_gpus: z.number().int(),
  /** GPU count ("1x", "2x", …) → how many such instances can be started now (Hyperstack analogy). */
  configurations: z.record(z.string(), z.number().int()),
});
export type GpuStock = z.infer<typeof gpuStockSchema>;

export const flavorSchema = z.object({
  vcpus: z.number().int(),
  ram_gb: z.number(),
  disk_gb: z.number(),
});

export const gpuSpecSchema = z.object({
  gpu_model: z.string(),
  tier: z.enum(TIERS),
  regions: z.array(z.enum(REGIONS)),
  vram_gb: z.number(),
  max_count: z.number().int(),
  gpu_counts: z.array(z.number().int()),
  flavors: z.array(flavorSchema.extend({ gpu_count: z.number().int() })),
  prices,
});
export type GpuSpec = z.infer<typeof gpuSpecSchema>;

export const osImageSchema = z.object({
  id: z.string(),
  name: z.string(),
  region: z.enum(REGIONS),
  type: z.string(),
  version: z.string(),
  size_gb: z.number(),
});
export type OsImage = z.infer<typeof osImageSchema>;

export const volumeTypeInfoSchema = z.object({
  volume_type: z.enum(VOLUME_TYPES),
  tier: z.enum(TIERS),
  regions: z.array(z.enum(REGIONS)),
  min_size_gb: z.number().int(),
  max_size_gb: z.number().int(),
  bootable: z.boolean(),
  clone_resize: z.boolean(),
  prices,
  unit: z.string(),
});
export type VolumeTypeInfo = z.infer<typeof volumeTypeInfoSchema>;

export const balanceSchema = z.object({
  amount: money,
  currency: z.enum(CURRENCIES),
  minimum_balance: money,
  profile_complete: z.boolean(),
});
export type Balance = z.infer<typeof balanceSchema>;

/** A firewall rule, and (same fields) an instance security rule. */
export const ruleFields = {
  direction: z.enum(DIRECTIONS),
  protocol: z.enum(PROTOCOLS),
  ethertype: z.enum(ETHERTYPES),
  remote_ip_prefix: z.string(),
  port_range_min: z.number().int().nullable().optional(),
  port_range_max: z.number().int().nullable().optional(),
};
export const ruleRequestSchema = z.object(ruleFields);
export type RuleRequest = z.infer<typeof ruleRequestSchema>;
export const ruleSchema = z.object({ rule_id: z.string(), ...ruleFields });
export type Rule = z.infer<typeof ruleSchema>;

export const instanceSchema = z.object({
  vm_id: z.string(),
  vm_name: z.string(),
  region: z.enum(REGIONS),
  tier: z.enum(TIERS),
  gpu_model: z.string(),
  gpu_count: z.number().int(),
  status: z.string(),
  flavor: flavorSchema,
  /** How the instance booted: an OS image, a bootable volume, a custom image, or a restored snapshot. */
  boot_source: z.enum(BOOT_SOURCES),
  os_image_id: z.string().nullable(),
  boot_volume_id: z.string().nullable(),
  image_id: z.string().nullable(),
  source_snapshot_id: z.string().nullable(),
  ssh_key_ids: z.array(z.string()),
  startup_script_id: z.string().nullable(),
  public_ip: z.boolean(),
  ip_address: z.string().nullable(),
  security_rules: z.array(ruleSchema),
  volume_ids: z.array(z.string()),
  firewall_ids: z.array(z.string()),
  per_minute_rate: money,
  currency: z.enum(CURRENCIES),
  created_at: timestamp,
});
export type Instance = z.infer<typeof instanceSchema>;

export const volumeSchema = z.object({
  volume_id: z.string(),
  name: z.string(),
  region: z.enum(REGIONS),
  tier: z.enum(TIERS),
  size_gb: z.number().int(),
  volume_type: z.enum(VOLUME_TYPES),
  bootable: z.boolean(),
  /** The OS image a bootable volume was made from. */
  image_id: z.string().nullable(),
  status: z.string(),
  attached_to: z.string().nullable(),
  /** The volume this one was cloned from, if any. */
  source_volume_id: z.string().nullable().optional(),
  /** INFERRED on the object; CONFIRMED as a field of volume billing records. */
  per_minute_rate: money.optional(),
  currency: z.enum(CURRENCIES).optional(),
  created_at: timestamp,
});
export type Volume = z.infer<typeof volumeSchema>;

export const firewallAttachmentSchema = z.object({
  vm_id: z.string(),
  status: z.string(),
});
export const firewallSchema = z.object({
  firewall_id: z.string(),
  name: z.string(),
  description: z.string(),
  region: z.enum(REGIONS),
  status: z.string(),
  rules: z.array(ruleSchema),
  attachments: z.array(firewallAttachmentSchema),
  created_at: timestamp,
});
export type Firewall = z.infer<typeof firewallSchema>;

export const snapshotSchema = z.object({
  snapshot_id: z.string(),
  name: z.string(),
  description: z.string(),
  vm_id: z.string(),
  region: z.enum(REGIONS),
  size_gb: z.number(),
  status: z.string(),
  created_at: timestamp,
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const imageSchema = z.object({
  image_id: z.string(),
  name: z.string(),
  description: z.string(),
  snapshot_id: z.string(),
  region: z.enum(REGIONS),
  status: z.string(),
  created_at: timestamp,
});
export type Image = z.infer<typeof imageSchema>;

export const sshKeySchema = z.object({
  key_id: z.string(),
  name: z.string(),
  public_key: z.string(),
  fingerprint: z.string(),
  created_at: timestamp,
});
export type SshKey = z.infer<typeof sshKeySchema>;

export const scriptSchema = z.object({
  script_id: z.string(),
  name: z.string(),
  description: z.string(),
  content: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type Script = z.infer<typeof scriptSchema>;

/** Billing record summary fields are camelCase inside `summary` (CONFIRMED, P-IBILL). */
const billingListFields = {
  ...paginationFields,
  currency: z.enum(CURRENCIES),
  summary: z.record(z.string(), z.number()),
};
/** Fields every billing record shares (CONFIRMED: P-IBILL, P-VBILL, P-SBILL). */
const billingRecordFields = {
  billing_id: z.string(),
  tier: z.string(),
  start_time: timestamp,
  end_time: timestamp.nullable(),
  total_duration_minutes: z.number(),
  per_minute_rate: money,
  total_cost: money,
  currency: z.enum(CURRENCIES),
  status: z.string(),
  description: z.string(),
};
export const instanceBillingRecordSchema = z.object({
  ...billingRecordFields,
  instance_id: z.string(),
  vm_name: z.string(),
  gpu_type: z.string(),
  gpu_count: z.number().int(),
});
export const volumeBillingRecordSchema = z.object({
  ...billingRecordFields,
  volume_id: z.string(),
  volume_name: z.string(),
  size_gb: z.number(),
});
export const snapshotBillingRecordSchema = z.object({
  ...billingRecordFields,
  snapshot_id: z.string(),
  snapshot_name: z.string(),
  size_gb: z.number(),
});

// ---------------------------------------------------------------------------------------------------
// Request bodies
// ---------------------------------------------------------------------------------------------------

export const deployRequestSchema = z.object({
  vm_name: z.string(),
  region: z.enum(REGIONS),
  gpu_model: z.string(),
  gpu_count: z.number().int(),
  /** Exactly one boot source. */
  os_image_id: z.string().optional(),
  boot_volume_id: z.string().optional(),
  image_id: z.string().optional(),
  ssh_key_ids: z.array(z.string()),
  startup_script_id: z.string().optional(),
  /** ≤ 16 KB (CONFIRMED limit, REPO). */
  cloud_init: z.string().optional(),
  public_ip: z.boolean().optional(),
  security_rules: z.array(ruleRequestSchema).optional(),
  volume_ids: z.array(z.string()).optional(),
});
export type DeployRequest = z.infer<typeof deployRequestSchema>;

export const createVolumeRequestSchema = z.object({
  name: z.string(),
  region: z.enum(REGIONS),
  size_gb: z.number().int(),
  volume_type: z.enum(VOLUME_TYPES),
  bootable: z.boolean().optional(),
  image_id: z.string().optional(),
});
export type CreateVolumeRequest = z.infer<typeof createVolumeRequestSchema>;

export const createFirewallRequestSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  region: z.enum(REGIONS),
});
export const createSnapshotRequestSchema = z.object({
  vm_id: z.string(),
  name: z.string(),
  description: z.string().optional(),
});
export const createImageRequestSchema = z.object({
  snapshot_id: z.string(),
  name: z.string(),
  description: z.string().optional(),
});
export const createSshKeyRequestSchema = z.object({
  name: z.string(),
  public_key: z.string().optional(),
});
export const scriptRequestSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  content: z.string(),
});
export const updateScriptRequestSchema = scriptRequestSchema.partial();

export const pricingRequestSchema = z.object({
  tier: z.enum(TIERS).optional(),
  currency: z.enum(CURRENCIES).optional(),
  resource_type: z.enum(["volumes", "snapshots", "gpus"]).optional(),
  volume_size_gb: z.number().int().optional(),
  volume_type: z.enum(VOLUME_TYPES).optional(),
  gpu_model: z.string().optional(),
  gpu_count: z.number().int().optional(),
});
export type PricingRequest = z.infer<typeof pricingRequestSchema>;

const pricedLeaf = z.object({ prices, unit: z.string() });
/** CONFIRMED (P-PRICE): the whole response shape. */
export const pricingResponseSchema = z.object({
  ...envelope,
  pricing_data: z.object({
    volumes: z.object({
      pricing: z.record(z.string(), z.record(z.string(), pricedLeaf)),
      minimum_size_gb: z.number(),
      description: z.string(),
    }).optional(),
    snapshots: z.object({
      pricing: z.record(z.string(), pricedLeaf.extend({ fixed_size_gb: z.number() })),
      description: z.string(),
    }).optional(),
    gpus: z.object({
      pricing: z.record(z.string(), z.record(z.string(), pricedLeaf.extend({ max_count: z.number().int() }))),
      description: z.string(),
    }).optional(),
    metadata: z.object({
      supported_currencies: z.array(z.string()),
      supported_tiers: z.array(z.string()),
      volume_minimum_size_gb: z.number(),
      authenticated_user: z.string(),
      authentication_type: z.string(),
      timestamp: z.number(),
    }),
  }),
});
export type PricingResponse = z.infer<typeof pricingResponseSchema>;

export const chatRequestSchema = z.object({
  model: z.string(),
  messages: z.array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() })).min(1),
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
});

// ---------------------------------------------------------------------------------------------------
// Operations (barrack-api.md §2.0; routes are decision 2)
// ---------------------------------------------------------------------------------------------------

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface Operation<
  Body extends z.ZodType | undefined = z.ZodType | undefined,
  Response extends z.ZodType = z.ZodType,
> {
  /** Title as in the vendor's docs navigation. */
  title: string;
  method: HttpMethod;
  /** Relative to the base URL, with `{param}` placeholders; always ends with `/`. */
  path: string;
  status: "confirmed" | "inferred";
  /** The HTTP verb was documented (NAV-A/NAV-C), even where the path is inferred. */
  methodConfirmed: boolean;
  body: Body;
  response: Response;
  /** Lists take `page`/`limit` (and usually `region`). */
  paginated?: boolean;
  /** Safe to retry after an ambiguous failure (GET, DELETE, and actions that converge to a state). */
  idempotent: boolean;
}

function op<B extends z.ZodType | undefined, R extends z.ZodType>(o: Operation<B, R>): Operation<B, R> {
  return o;
}
function detail<K extends string, S extends z.ZodType>(key: K, schema: S) {
  return z.object({ ...envelope, [key]: schema } as { [P in K]: S } & typeof envelope);
}
function list<K extends string, S extends z.ZodType>(key: K, schema: S) {
  return z.object({ ...envelope, ...paginationFields, [key]: z.array(schema) } as
    { [P in K]: z.ZodArray<S> } & typeof envelope & typeof paginationFields);
}
const deleted = <K extends string>(key: K) =>
  z.object({ ...envelope, [key]: z.string() } as { [P in K]: z.ZodString } & typeof envelope);
const vmIdsBody = z.object({ vm_ids: z.array(z.string()) });
const volumeIdsBody = z.object({ volume_ids: z.array(z.string()) });

export const operations = {
  // Account and catalogue -----------------------------------------------------------------------------
  getBalance: op({ title: "Get credit balance", method: "GET", path: "balance/", status: "inferred", methodConfirmed: true,
    body: undefined, response: z.object({ ...envelope, balance: balanceSchema }), idempotent: true }),
  listGpuStocks: op({ title: "Get GPU stock availability", method: "GET", path: "gpu-stocks/", status: "inferred", methodConfirmed: true,
    body: undefined, response: z.object({ ...envelope, stocks: z.array(gpuStockSchema) }), idempotent: true }),
  listGpuSpecs: op({ title: "Get GPU specifications", method: "GET", path: "gpu-specs/", status: "inferred", methodConfirmed: true,
    body: undefined, response: z.object({ ...envelope, specs: z.array(gpuSpecSchema) }), idempotent: true }),
  listRegions: op({ title: "List available regions", method: "GET", path: "regions/", status: "inferred", methodConfirmed: true,
    body: undefined, response: z.object({ ...envelope, regions: z.array(regionSchema) }), idempotent: true }),
  getPricing: op({ title: "Get pricing information (GET)", method: "GET", path: "pricing/", status: "inferred", methodConfirmed: true,
    body: undefined, response: pricingResponseSchema, idempotent: true }),
  queryPricing: op({ title: "Get pricing information (POST)", method: "POST", path: "pricing/", status: "confirmed", methodConfirmed: true,
    body: pricingRequestSchema, response: pricingResponseSchema, idempotent: true }),
  listOsImages: op({ title: "List OS images", method: "GET", path: "os-images/", status: "inferred", methodConfirmed: false,
    body: undefined, response: z.object({ ...envelope, images: z.array(osImageSchema) }), idempotent: true }),
  listVolumeTypes: op({ title: "List available volume types", method: "GET", path: "volumes/types/", status: "inferred", methodConfirmed: false,
    body: undefined, response: z.object({ ...envelope, volume_types: z.array(volumeTypeInfoSchema) }), idempotent: true }),

  // Instances --------------------------------------------------------------------------------------------
  deployInstance: op({ title: "Create a new instance", method: "POST", path: "vms/", status: "inferred", methodConfirmed: true,
    body: deployRequestSchema, response: detail("vm", instanceSchema), idempotent: false }),
  listInstances: op({ title: "List instances", method: "GET", path: "vms/", status: "inferred", methodConfirmed: true,
    body: undefined, response: list("vms", instanceSchema), paginated: true, idempotent: true }),
  getInstance: op({ title: "Get instance details", method: "GET", path: "vms/{vm_id}/", status: "inferred", methodConfirmed: true,
    body: undefined, response: detail("vm", instanceSchema), idempotent: true }),
  getInstanceBilling: op({ title: "Get instance billing", method: "GET", path: "vms/{vm_id}/billing/", status: "inferred", methodConfirmed: true,
    body: undefined, response: z.object({ ...envelope, ...billingListFields, records: z.array(instanceBillingRecordSchema) }), paginated: true, idempotent: true }),
  startInstance: op({ title: "Start instance", method: "POST", path: "vms/{vm_id}/start/", status: "inferred", methodConfirmed: true,
    body: undefined, response: detail("vm", instanceSchema), idempotent: true }),
  stopInstance: op({ title: "Stop instance", method: "POST", path: "vms/{vm_id}/stop/", status: "inferred", methodConfirmed: true,
    body: undefined, response: detail("vm", instanceSchema), idempotent: true }),
  rebootInstance: op({ title: "Reboot instance", method: "POST", path: "vms/{vm_id}/reboot/", status: "inferred", methodConfirmed: true,
    body: undefined, response: detail("vm", instanceSchema), idempotent: false }),
  hibernateInstance: op({ title: "Hibernate instance", method: "POST", path: "vms/{vm_id}/hibernate/", status: "inferred", methodConfirmed: true,
    body: undefined, response: detail("vm", instanceSchema), idempotent: true }),
  restoreInstance: op({ title: "Restore hibernated instance", method: "POST", path: "vms/{vm_id}/restore/", status: "inferred", methodConfirmed: true,
    body: undefined, response: detail("vm", instanceSchema), idempotent: true }),
  /** INFERRED body `{ enable }` (the docs' "toggle" does not say whether it takes one; §6 q8). */
  setInstancePublicIp: op({ title: "Toggle public IP for instance", method: "POST", path: "vms/{vm_id}/public-ip/", status: "inferred", methodConfirmed: true,
    body: z.object({ enable: z.boolean() }), response: detail("vm", instanceSchema), idempotent: true }),
  addInstanceSecurityRule: op({ title: "Add instance security rule", method: "POST", path: "vms/{vm_id}/security-rules/", status: "inferred", methodConfirmed: true,
    body: ruleRequestSchema, response: z.object({ ...envelope, vm_id: z.string(), rule: ruleSchema }), idempotent: false }),
  /** Response fields CONFIRMED (S-RSR); path inferred. */
  removeInstanceSecurityRule: op({ title: "Remove instance security rule", method: "DELETE", path: "vms/{vm_id}/security-rules/{rule_id}/", status: "inferred", methodConfirmed: true,
    body: undefined, response: z.object({ ...envelope, instance_id: z.string(), rule_id: z.string(), tier: z.string().optional() }), idempotent: true }),
  deleteInstance: op({ title: "Delete instance", method: "DELETE", path: "vms/{vm_id}/", status: "inferred", methodConfirmed: true,
    body: undefined, response: deleted("vm_id"), idempotent: true }),
  listInstanceFirewalls: op({ title: "Get firewalls attached to instance", method: "GET", path: "vms/{vm_id}/firewalls/", status: "inferred", methodConfirmed: true,
    body: undefined, response: z.object({ ...envelope, firewalls: z.array(firewallSchema) }), idempotent: true }),
  getHibernatedInstances: op({ title: "Get hibernated instances count", method: "GET", path: "vms/hibernated/", status: "inferred", methodConfirmed: true,
    body: undefined, response: z.object({ ...envelope, count: z.number().int(), vms: z.array(instanceSchema) }), idempotent: true }),
  attachVolumes: op({ title: "Attach volumes to instance", method: "POST", path: "vms/{vm_id}/attach-volumes/", status: "inferred", methodConfirmed: false,
    body: volumeIdsBody, response: detail("vm", instanceSchema), idempotent: true }),
  detachVolumes: op({ title: "Detach volumes from instance", method: "POST", path: "vms/{vm_id}/detach-volumes/", status: "inferred", methodConfirmed: false,
    body: volumeIdsBody, response: detail("vm", instanceSchema), idempotent: true }),

  // SSH keys ---------------------------------------------------------------------------------------------
  listSshKeys: op({ title: "List SSH keys", method: "GET", path: "ssh-keys/", status: "inferred", methodConfirmed: false,
    body: undefined, response: list("ssh_keys", sshKeySchema), paginated: true, idempotent: true }),
  getSshKey: op({ title: "Get SSH key", method: "GET", path: "ssh-keys/{key_id}/", status: "inferred", methodConfirmed: false,
    body: undefined, response: detail("ssh_key", sshKeySchema), idempotent: true }),
  /** Without `public_key` the server generates a pair and returns `private_key` once. */
  createSshKey: op({ title: "Create SSH key", method: "POST", path: "ssh-keys/", status: "inferred", methodConfirmed: false,
    body: createSshKeyRequestSchema, response: z.object({ ...envelope, ssh_key: sshKeySchema, private_key: z.string().optional() }), idempotent: false }),
  deleteSshKey: op({ title: "Delete SSH key", method: "DELETE", path: "ssh-keys/{key_id}/", status: "inferred", methodConfirmed: false,
    body: undefined, response: deleted("key_id"), idempotent: true }),

  // Volumes ----------------------------------------------------------------------------------------------
  listVolumes: op({ title: "List volumes", method: "GET", path: "volumes/", status: "inferred", methodConfirmed: false,
    body: undefined, response: list("volumes", volumeSchema).extend({ next_name: z.string().optional() }), paginated: true, idempotent: true }),
  createVolume: op({ title: "Create volume", method: "POST", path: "volumes/", status: "inferred", methodConfirmed: false,
    body: createVolumeRequestSchema, response: detail("volume", volumeSchema), idempotent: false }),
  getVolume: op({ title: "Get volume details", method: "GET", path: "volumes/{volume_id}/", status: "inferred", methodConfirmed: false,
    body: undefined, response: detail("volume", volumeSchema), idempotent: true }),
  deleteVolume: op({ title: "Delete volume", method: "DELETE", path: "volumes/{volume_id}/", status: "inferred", methodConfirmed: false,
    body: undefined, response: deleted("volume_id"), idempotent: true }),
  resizeVolume: op({ title: "Resize volume", method: "POST", path: "volumes/{volume_id}/resize/", status: "inferred", methodConfirmed: false,
    body: z.object({ new_size_gb: z.number().int() }), response: detail("volume", volumeSchema), idempotent: true }),
  cloneVolume: op({ title: "Clone volume", method: "POST", path: "volumes/{volume_id}/clone/", status: "inferred", methodConfirmed: false,
    body: z.object({ name: z.string() }), response: detail("volume", volumeSchema), idempotent: false }),
  getVolumeBilling: op({ title: "Get volume billing", method: "GET", path: "volumes/billing/", status: "inferred", methodConfirmed: false,
    body: undefined, response: z.object({ ...envelope, ...billingListFields, records: z.array(volumeBillingRecordSchema) }), paginated: true, idempotent: true }),

  // Firewalls --------------------------------------------------------------------------------------------
  listFirewalls: op({ title: "List firewalls", method: "GET", path: "firewalls/", status: "inferred", methodConfirmed: false,
    body: undefined, response: list("firewalls", firewallSchema), paginated: true, idempotent: true }),
  getFirewall: op({ title: "Get firewall details", method: "GET", path: "firewalls/{firewall_id}/", status: "inferred", methodConfirmed: false,
    body: undefined, response: detail("firewall", firewallSchema), idempotent: true }),
  listFirewallProtocols: op({ title: "Get supported protocols", method: "GET", path: "firewalls/protocols/", status: "inferred", methodConfirmed: false,
    body: undefined, response: z.object({ ...envelope, protocols: z.array(z.string()) }), idempotent: true }),
  listFirewallEligibleInstances: op({ title: "List instances available for firewall attachment", method: "GET", path: "firewalls/available-vms/", status: "inferred", methodConfirmed: false,
    body: undefined, response: z.object({ ...envelope, vms: z.array(z.object({ vm_id: z.string(), vm_name: z.string(), region: z.enum(REGIONS), attached_firewall_ids: z.array(z.string()) })) }), idempotent: true }),
  createFirewall: op({ title: "Create firewall", method: "POST", path: "firewalls/", status: "inferred", methodConfirmed: false,
    body: createFirewallRequestSchema, response: detail("firewall", firewallSchema), idempotent: false }),
  deleteFirewall: op({ title: "Delete firewall", method: "DELETE", path: "firewalls/{firewall_id}/", status: "inferred", methodConfirmed: false,
    body: undefined, response: deleted("firewall_id"), idempotent: true }),
  addFirewallRule: op({ title: "Add firewall rule", method: "POST", path: "firewalls/{firewall_id}/rules/", status: "inferred", methodConfirmed: false,
    body: ruleRequestSchema, response: z.object({ ...envelope, firewall_id: z.string(), rule: ruleSchema }), idempotent: false }),
  removeFirewallRule: op({ title: "Remove firewall rule", method: "DELETE", path: "firewalls/{firewall_id}/rules/{rule_id}/", status: "inferred", methodConfirmed: false,
    body: undefined, response: z.object({ ...envelope, firewall_id: z.string(), rule_id: z.string() }), idempotent: true }),
  /** `vm_ids` is the COMPLETE set of attached instances; an empty list detaches all (no detach endpoint is documented). */
  attachFirewall: op({ title: "Attach firewall to instances", method: "POST", path: "firewalls/{firewall_id}/attach/", status: "inferred", methodConfirmed: false,
    body: vmIdsBody, response: detail("firewall", firewallSchema), idempotent: true }),

  // Scripts ----------------------------------------------------------------------------------------------
  listScripts: op({ title: "List all startup scripts", method: "GET", path: "scripts/", status: "inferred", methodConfirmed: false,
    body: undefined, response: list("scripts", scriptSchema), paginated: true, idempotent: true }),
  getScript: op({ title: "Get startup script details", method: "GET", path: "scripts/{script_id}/", status: "inferred", methodConfirmed: false,
    body: undefined, response: detail("script", scriptSchema), idempotent: true }),
  createScript: op({ title: "Create a startup script", method: "POST", path: "scripts/", status: "inferred", methodConfirmed: false,
    body: scriptRequestSchema, response: detail("script", scriptSchema), idempotent: false }),
  updateScript: op({ title: "Update a startup script", method: "PUT", path: "scripts/{script_id}/", status: "inferred", methodConfirmed: false,
    body: updateScriptRequestSchema, response: detail("script", scriptSchema), idempotent: true }),
  deleteScript: op({ title: "Delete a startup script", method: "DELETE", path: "scripts/{script_id}/", status: "inferred", methodConfirmed: false,
    body: undefined, response: deleted("script_id"), idempotent: true }),
  bulkDeleteScripts: op({ title: "Delete multiple startup scripts", method: "POST", path: "scripts/bulk-delete/", status: "inferred", methodConfirmed: false,
    body: z.object({ script_ids: z.array(z.string()).min(1) }), response: z.object({ ...envelope, deleted: z.array(z.string()) }), idempotent: true }),

  // Snapshots --------------------------------------------------------------------------------------------
  listSnapshots: op({ title: "List snapshots", method: "GET", path: "snapshots/", status: "inferred", methodConfirmed: false,
    body: undefined, response: list("snapshots", snapshotSchema), paginated: true, idempotent: true }),
  getSnapshot: op({ title: "Get snapshot details", method: "GET", path: "snapshots/{snapshot_id}/", status: "inferred", methodConfirmed: false,
    body: undefined, response: detail("snapshot", snapshotSchema), idempotent: true }),
  listSnapshotEligibleInstances: op({ title: "List Instance eligible for snapshot creation", method: "GET", path: "snapshots/eligible-vms/", status: "inferred", methodConfirmed: true,
    body: undefined, response: z.object({ ...envelope, vms: z.array(instanceSchema) }), idempotent: true }),
  getSnapshotBilling: op({ title: "Get snapshot billing", method: "GET", path: "snapshots/billing/", status: "inferred", methodConfirmed: false,
    body: undefined, response: z.object({ ...envelope, ...billingListFields, records: z.array(snapshotBillingRecordSchema) }), paginated: true, idempotent: true }),
  createSnapshot: op({ title: "Create snapshot", method: "POST", path: "snapshots/", status: "inferred", methodConfirmed: false,
    body: createSnapshotRequestSchema, response: detail("snapshot", snapshotSchema), idempotent: false }),
  deleteSnapshot: op({ title: "Delete snapshot", method: "DELETE", path: "snapshots/{snapshot_id}/", status: "inferred", methodConfirmed: false,
    body: undefined, response: deleted("snapshot_id"), idempotent: true }),
  /** Creates a NEW instance from the snapshot (CONFIRMED behaviour, DOC-RST); body field name inferred. */
  restoreSnapshot: op({ title: "Restore snapshot", method: "POST", path: "snapshots/{snapshot_id}/restore/", status: "inferred", methodConfirmed: false,
    body: z.object({ vm_name: z.string() }), response: detail("vm", instanceSchema), idempotent: false }),

  // Images -----------------------------------------------------------------------------------------------
  listImages: op({ title: "List custom images", method: "GET", path: "images/", status: "inferred", methodConfirmed: false,
    body: undefined, response: list("images", imageSchema), paginated: true, idempotent: true }),
  getImage: op({ title: "Get image details", method: "GET", path: "images/{image_id}/", status: "inferred", methodConfirmed: false,
    body: undefined, response: detail("image", imageSchema), idempotent: true }),
  createImage: op({ title: "Create image from snapshot", method: "POST", path: "images/", status: "inferred", methodConfirmed: false,
    body: createImageRequestSchema, response: detail("image", imageSchema), idempotent: false }),
  deleteImage: op({ title: "Delete custom image", method: "DELETE", path: "images/{image_id}/", status: "inferred", methodConfirmed: false,
    body: undefined, response: deleted("image_id"), idempotent: true }),
  getSnapshotImages: op({ title: "Get snapshot-image relationship", method: "GET", path: "snapshots/{snapshot_id}/images/", status: "inferred", methodConfirmed: false,
    body: undefined, response: z.object({ ...envelope, snapshot_id: z.string(), has_images: z.boolean(), image_count: z.number().int(), images: z.array(imageSchema) }), idempotent: true }),
  getSnapshotImagesBatch: op({ title: "Get snapshot-image relationship list", method: "POST", path: "snapshots/images/batch/", status: "inferred", methodConfirmed: false,
    body: z.object({ snapshot_ids: z.array(z.string()).min(1) }),
    response: z.object({ ...envelope, relationships: z.array(z.object({ snapshot_id: z.string(), has_images: z.boolean(), image_count: z.number().int(), images: z.array(imageSchema) })) }), idempotent: true }),

  // AI chat (INFERRED OpenAI-style) ---------------------------------------------------------------------
  listAiModels: op({ title: "Get available AI models", method: "GET", path: "ai/models/", status: "inferred", methodConfirmed: false,
    body: undefined, response: z.object({ ...envelope, models: z.array(z.object({ id: z.string(), name: z.string(), input_price_per_1k_tokens: money, output_price_per_1k_tokens: money })) }), idempotent: true }),
  chat: op({ title: "Chat with AI", method: "POST", path: "ai/chat/", status: "inferred", methodConfirmed: false,
    body: chatRequestSchema,
    response: z.object({ ...envelope, id: z.string(), model: z.string(),
      choices: z.array(z.object({ index: z.number().int(), message: z.object({ role: z.string(), content: z.string() }), finish_reason: z.string() })),
      usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }),
      cost: money, currency: z.enum(CURRENCIES) }), idempotent: false }),
  getAiUsageSummary: op({ title: "Get AI usage summary", method: "GET", path: "ai/usage/summary/", status: "inferred", methodConfirmed: false,
    body: undefined, response: z.object({ ...envelope, total_requests: z.number().int(), total_tokens: z.number().int(), total_cost: money, currency: z.enum(CURRENCIES) }), idempotent: true }),
  getAiUsageHistory: op({ title: "Get AI usage history", method: "GET", path: "ai/usage/history/", status: "inferred", methodConfirmed: false,
    body: undefined, response: list("transactions", z.object({ transaction_id: z.string(), model: z.string(), input_tokens: z.number().int(), output_tokens: z.number().int(), cost: money, currency: z.enum(CURRENCIES), created_at: timestamp })), paginated: true, idempotent: true }),
} as const;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
/** The parsed response of an operation. */
export type ResponseOf<N extends OperationName> = z.infer<Operations[N]["response"]>;
/** The request body of an operation (`undefined` for body-less ones). */
export type BodyOf<N extends OperationName> = Operations[N]["body"] extends z.ZodType ? z.input<Operations[N]["body"]> : undefined;

/** Path placeholders of a route, e.g. `vms/{vm_id}/` → "vm_id". */
type PlaceholdersOf<P extends string> = P extends `${string}{${infer K}}${infer Rest}` ? K | PlaceholdersOf<Rest> : never;
export type PathParamsOf<N extends OperationName> = { [K in PlaceholdersOf<Operations[N]["path"]>]: string };

/** Fills a route's placeholders, escaping each value. Throws if one is missing. */
export function buildPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined || value === "") throw new Error(`missing path parameter "${key}" for ${template}`);
    return encodeURIComponent(value);
  });
}
