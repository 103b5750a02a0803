/**
 * What the zod schemas add to the TypeScript declarations: which numbers are integers (`.int()`) and the
 * inputs' defaults (`.default(x)`). Read from `z.toJSONSchema` of
 *  - each resource's args schema (`<type>ArgsSchema`, args.ts) and each data function's (`<x>ArgsSchema`,
 *    data/lookups.ts): the inputs;
 *  - the wire contract (contract.ts) each public shape mirrors in snake_case: the outputs, which no
 *    args schema covers (e.g. `gpuCounts` of getGpuSpecs is the API's `gpu_counts: int[]`).
 */
import { z } from "zod";
import * as contract from "../../contract";

/** A node of a JSON Schema, as z.toJSONSchema writes it. */
export interface JsonNode {
  type?: string | string[];
  properties?: Record<string, JsonNode>;
  items?: JsonNode;
  additionalProperties?: JsonNode | boolean;
  anyOf?: JsonNode[];
  default?: unknown;
}

export function jsonOf(schema: z.ZodType): JsonNode {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonNode;
}

/** The node at `path` (property names; "[]" for array items, "{}" for map values). */
export function nodeAt(root: JsonNode, path: readonly string[]): JsonNode {
  let node = root;
  for (const step of path) {
    const next = step === "[]" ? elementOf(node) : step === "{}" ? valueOf(node) : propertyOf(node, step);
    if (next === undefined) throw new Error(`no ${path.join(".")} in the contract schema`);
    node = next;
  }
  return node;
}

/** The non-null branches of a node (zod writes `nullable()` as anyOf or a type list). */
function branches(node: JsonNode): JsonNode[] {
  return node.anyOf ? node.anyOf.filter((b) => b.type !== "null").flatMap(branches) : [node];
}

export function propertyOf(node: JsonNode, name: string): JsonNode | undefined {
  for (const b of branches(node)) {
    const props = b.properties ?? {};
    const hit = props[name] ?? props[snakeCase(name)];
    if (hit) return hit;
  }
  return undefined;
}
export function elementOf(node: JsonNode): JsonNode | undefined {
  return branches(node).find((b) => b.items)?.items;
}
export function valueOf(node: JsonNode): JsonNode | undefined {
  const values = branches(node).find((b) => typeof b.additionalProperties === "object")?.additionalProperties;
  return typeof values === "object" ? values : undefined;
}
export function isInteger(node: JsonNode): boolean {
  return branches(node).some((b) => b.type === "integer" || (Array.isArray(b.type) && b.type.includes("integer")));
}

/** `sizeGb` → `size_gb` (the wire's spelling). */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/**
 * The wire objects the public shapes mirror: a resource's outputs are its API object's fields, a data
 * function's result the fields of its call's response; interfaces the results are built from by hand
 * (getPricing's) by their leaf in the pricing response.
 */
export function wireShapes(): { resources: Record<string, JsonNode>; functions: Record<string, JsonNode>; types: Record<string, JsonNode> } {
  const ops = contract.operations;
  const pricing = jsonOf(contract.pricingResponseSchema);
  const data = ["pricing_data"];
  return {
    resources: {
      Volume: jsonOf(contract.volumeSchema),
      Instance: jsonOf(contract.instanceSchema),
      Firewall: jsonOf(contract.firewallSchema),
      Snapshot: jsonOf(contract.snapshotSchema),
      Image: jsonOf(contract.imageSchema),
      SshKey: jsonOf(contract.sshKeySchema),
      StartupScript: jsonOf(contract.scriptSchema),
    },
    functions: {
      getBalance: jsonOf(contract.balanceSchema),
      getGpuSpecs: jsonOf(ops.listGpuSpecs.response),
      // `totalAvailableGpus` is no API field: the result sums the stocks' integer `available_gpus`.
      getGpuStock: withProperties(jsonOf(ops.listGpuStocks.response), { totalAvailableGpus: { type: "integer" } }),
      getOsImages: jsonOf(ops.listOsImages.response),
      getRegions: jsonOf(ops.listRegions.response),
      getVolumeTypes: jsonOf(ops.listVolumeTypes.response),
      getPricing: nodeAt(pricing, [...data, "metadata"]),
    },
    types: {
      VolumePrice: nodeAt(pricing, [...data, "volumes", "pricing", "{}", "{}"]),
      SnapshotPrice: nodeAt(pricing, [...data, "snapshots", "pricing", "{}"]),
      GpuPrice: nodeAt(pricing, [...data, "gpus", "pricing", "{}", "{}"]),
    },
  };
}

function withProperties(node: JsonNode, extra: Record<string, JsonNode>): JsonNode {
  return { ...node, properties: { ...node.properties, ...extra } };
}
