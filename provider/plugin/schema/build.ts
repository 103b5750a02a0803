/**
 * The Pulumi package schema of pulumi-barrack, built from the code: resources and data functions from the
 * public declarations (declarations.ts), integers and defaults from the zod schemas (hints.ts), what
 * replaces and what changes in place from the providers' diff (changes.ts), settings from config.ts and
 * the README (settings.ts). `renderSchema` is the text of provider/plugin/schema.json.
 */
import * as fs from "fs";
import * as path from "path";
import * as lookups from "../../data/lookups";
import { Change, argsSchemaOf, changesOf } from "./changes";
import { Declarations, Property, Shape, readDeclarations } from "./declarations";
import { FALLBACK_DESCRIPTIONS, fallbackDescription, withChangeSentence, withoutChangeSentences } from "./descriptions";
import { JsonNode, elementOf, isInteger, jsonOf, propertyOf, valueOf, wireShapes } from "./hints";
import { loadPublicApi } from "./program";
import { providerSettings } from "./settings";

export const PACKAGE = "barrack";
const MODULE = "index";

/** The token of a type, resource or function: `barrack:index:<name>`. */
export function token(name: string): string {
  return `${PACKAGE}:${MODULE}:${name}`;
}

/** The type token of a resource served by the dynamic provider (the schema's alias for it). */
export function dynamicTypeToken(resource: string): string {
  return `pulumi-nodejs:dynamic/${PACKAGE}:${resource}`;
}

type Spec = Record<string, unknown>;

/** A zod JSON Schema node for a property, from the inputs' schema (defaults apply) or the wire's. */
interface Hint {
  node: JsonNode;
  input: boolean;
}

/** The repository root: the nearest directory above this module with the pulumi-barrack package.json. */
export function repoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file) && (JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string }).name === "pulumi-barrack") return dir;
    if (path.dirname(dir) === dir) throw new Error(`no pulumi-barrack package.json above ${from}`);
  }
}

/** A resource type in words, for the change sentences: "SshKey" → "SSH key". */
export function resourceNoun(resource: string): string {
  return resource.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase().replace(/^ssh\b/, "SSH");
}

/** The sentence an input's description gets for what a change to it does (none for inputs that never diff). */
export function changeSentence(change: Change, resource: string): string | undefined {
  if (change === "replaces") return `Changing it replaces the ${resourceNoun(resource)}.`;
  if (change === "inPlace") return "Changes in place.";
  return undefined;
}

/**
 * A name for an enum value that every SDK can spell: its words in PascalCase ("CANADA-1" → "Canada1",
 * "ipv6-icmp" → "Ipv6Icmp", "os_image" → "OsImage", "NVMe" → "Nvme", "IPv4" → "Ipv4"; Python then reads
 * NVME and IPV4, not NV_ME); short all-caps words (SSD, USD) stay as they are.
 */
export function enumValueName(value: string): string {
  return value
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => (/^[A-Z]{1,3}$/.test(w) ? w : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()))
    .join("");
}

export async function buildSchema(root: string = repoRoot()): Promise<Spec> {
  const decls = readDeclarations(loadPublicApi(root));
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  const wire = wireShapes();
  const typeHints = new Map<string, Hint[]>();
  const usedFallbacks = new Set<string>();
  const undocumented: string[] = [];

  function describe(owner: string, name: string, ...candidates: (string | undefined)[]): string {
    for (const text of candidates) if (text !== undefined && text.trim() !== "") return text;
    const fallback = fallbackDescription(owner, name);
    if (!fallback) {
      undocumented.push(`${owner}.${name}`);
      return "";
    }
    usedFallbacks.add(fallback.key);
    return fallback.text;
  }

  /** The TSDoc of a property's object type ("The instance's size"), for a property without its own. */
  function typeDoc(shape: Shape): string | undefined {
    return shape.kind === "object" ? decls.objects.get(shape.name)?.map((d) => d.doc).find((d) => d !== undefined) : undefined;
  }

  function typeSpec(shape: Shape, hints: Hint[]): Spec {
    switch (shape.kind) {
      case "primitive":
        return { type: shape.type === "number" && hints.some((h) => isInteger(h.node)) ? "integer" : shape.type };
      case "array":
        return { type: "array", items: typeSpec(shape.items, descend(hints, elementOf)) };
      case "map":
        return { type: "object", additionalProperties: typeSpec(shape.values, descend(hints, valueOf)) };
      case "enum":
        return { type: "string", $ref: `#/types/${token(shape.name)}` };
      case "object":
        typeHints.set(shape.name, [...(typeHints.get(shape.name) ?? []), ...hints]);
        return { $ref: `#/types/${token(shape.name)}` };
    }
  }

  function propertySpec(prop: Property, hints: Hint[], description: string, extra: Spec = {}): Spec {
    const spec: Spec = { ...typeSpec(prop.shape, hints), description, ...extra };
    if (prop.shape.kind === "primitive" || prop.shape.kind === "enum") {
      const defaults = [...new Set(hints.filter((h) => h.input && h.node.default !== undefined).map((h) => JSON.stringify(h.node.default)))];
      if (defaults.length > 1) throw new Error(`${prop.name} has conflicting defaults ${defaults.join(", ")}`);
      if (defaults.length === 1) spec.default = JSON.parse(defaults[0]);
    }
    return spec;
  }

  function hintsAt(name: string, inputs?: JsonNode, outputs?: JsonNode): Hint[] {
    const hints: Hint[] = [];
    const input = inputs && propertyOf(inputs, name);
    const output = outputs && propertyOf(outputs, name);
    if (input) hints.push({ node: input, input: true });
    if (output) hints.push({ node: output, input: false });
    return hints;
  }

  // Resources ---------------------------------------------------------------------------------------
  const resources: Record<string, Spec> = {};
  for (const resource of decls.resources) {
    const argsJson = jsonOf(argsSchemaOf(resource.folder));
    const wireJson = wire.resources[resource.name];
    if (!wireJson) throw new Error(`no wire schema for resource ${resource.name} in provider/plugin/schema/hints.ts`);
    const changes = await changesOf(resource.folder, resource.inputs.map((p) => p.name));
    const inputProperties: Record<string, Spec> = {};
    for (const input of resource.inputs) {
      const change = changes.get(input.name)!;
      const doc = describe(resource.name, input.name, input.doc);
      inputProperties[input.name] = propertySpec(input, hintsAt(input.name, argsJson, wireJson), withChangeSentence(doc, changeSentence(change, resource.name)));
    }
    const declared = new Map(resource.outputs.map((o) => [o.name, o]));
    const properties: Record<string, Spec> = {};
    const required: string[] = [];
    for (const name of new Set([...resource.inputs.map((p) => p.name), ...declared.keys()])) {
      const input = resource.inputs.find((p) => p.name === name);
      const output = declared.get(name);
      const prop = output ?? { ...input!, optional: true };
      const description = describe(resource.name, name, output?.doc, input?.doc && withoutChangeSentences(input.doc), typeDoc(prop.shape));
      const secret = resource.secretOutputs.includes(name) ? { secret: true } : {};
      // An output's integers are its input's and the API's; defaults are for inputs only.
      const hints = hintsAt(name, argsJson, wireJson).map((h) => ({ ...h, input: false }));
      properties[name] = propertySpec(prop, hints, description, secret);
      if (!prop.optional) required.push(name);
    }
    for (const secret of resource.secretOutputs) if (!properties[secret]) throw new Error(`${resource.name}: secret output ${secret} is not declared`);
    resources[token(resource.name)] = {
      description: describe(resource.name, "", resource.doc),
      aliases: [{ type: dynamicTypeToken(resource.name) }],
      inputProperties,
      requiredInputs: resource.inputs.filter((p) => !p.optional).map((p) => p.name).sort(),
      properties,
      required: required.sort(),
    };
  }

  // Functions ---------------------------------------------------------------------------------------
  const functions: Record<string, Spec> = {};
  const callSchemas = lookups as unknown as Record<string, unknown>;
  for (const fn of decls.functions) {
    const argsSchema = callSchemas[`${fn.name.charAt(3).toLowerCase()}${fn.name.slice(4)}ArgsSchema`];
    if (fn.inputs.length > 0 && argsSchema === undefined) throw new Error(`data/lookups.ts has no args schema for ${fn.name}`);
    const argsJson = fn.inputs.length > 0 ? jsonOf(argsSchema as Parameters<typeof jsonOf>[0]) : undefined;
    const wireJson = wire.functions[fn.name];
    if (!wireJson) throw new Error(`no wire schema for function ${fn.name} in provider/plugin/schema/hints.ts`);
    const spec: Spec = { description: describe(fn.name, "", fn.doc) };
    if (fn.inputs.length > 0) {
      spec.inputs = objectSpec(fn.inputs, (p) => hintsAt(p.name, argsJson), (p) => describe(fn.argsName ?? fn.name, p.name, p.doc));
    }
    spec.outputs = objectSpec(fn.outputs, (p) => hintsAt(p.name, undefined, wireJson), (p) =>
      describe(fn.resultName, p.name, p.doc, fn.inputs.some((i) => i.name === p.name) ? `The \`${p.name}\` argument this result is for.` : undefined));
    functions[token(fn.name)] = spec;
  }

  function objectSpec(props: Property[], hints: (p: Property) => Hint[], description: (p: Property) => string): Spec {
    const properties: Record<string, Spec> = {};
    for (const p of props) properties[p.name] = propertySpec(p, hints(p), description(p));
    const required = props.filter((p) => !p.optional).map((p) => p.name).sort();
    return { type: "object", properties, ...(required.length > 0 ? { required } : {}) };
  }

  // Types: enums, and object types (after every use has left its hints) ------------------------------
  const types: Record<string, Spec> = {};
  for (const e of decls.enums.values()) {
    const names = e.values.map(enumValueName);
    if (new Set(names).size !== names.length) throw new Error(`enum ${e.name}: value names collide (${names.join(", ")})`);
    types[token(e.name)] = {
      type: "string",
      description: describe(e.name, "", e.doc),
      enum: e.values.map((value, i) => ({ name: names[i], value })),
    };
  }
  for (const [name, variants] of objectTypes(decls)) {
    const hints = [...(typeHints.get(name) ?? [])];
    if (wire.types[name]) hints.push({ node: wire.types[name], input: false });
    const names = [...new Set(variants.flatMap((d) => d.properties.map((p) => p.name)))];
    const properties: Record<string, Spec> = {};
    const required: string[] = [];
    for (const prop of names) {
      const versions = variants.map((d) => d.properties.find((p) => p.name === prop));
      const first = versions.find((v) => v !== undefined)!;
      for (const v of versions) {
        if (v && JSON.stringify(v.shape) !== JSON.stringify(first.shape)) throw new Error(`${name}.${prop} has different types in ${variants.map((d) => d.tsName).join(" and ")}`);
      }
      const description = describe(name, prop, ...versions.map((v) => v?.doc));
      properties[prop] = propertySpec(first, hints.flatMap((h) => { const node = propertyOf(h.node, prop); return node ? [{ node, input: h.input }] : []; }), description);
      if (versions.every((v) => v !== undefined && !v.optional)) required.push(prop);
    }
    const doc = variants.map((d) => d.doc).find((d) => d !== undefined);
    types[token(name)] = { type: "object", ...(doc ? { description: doc } : {}), properties, ...(required.length > 0 ? { required: required.sort() } : {}) };
  }

  // Settings ---------------------------------------------------------------------------------------
  const settings: Record<string, Spec> = {};
  for (const s of providerSettings()) {
    settings[s.name] = {
      type: s.type,
      description: s.description,
      defaultInfo: { environment: s.environment },
      ...(s.default !== undefined ? { default: s.default } : {}),
      ...(s.secret ? { secret: true } : {}),
    };
  }

  if (undocumented.length > 0) {
    throw new Error(`no description for ${[...new Set(undocumented)].join(", ")}: document them (TSDoc) or add them to provider/plugin/schema/descriptions.ts`);
  }
  const unused = Object.keys(FALLBACK_DESCRIPTIONS).filter((key) => !key.startsWith("*.") && !usedFallbacks.has(key));
  if (unused.length > 0) throw new Error(`provider/plugin/schema/descriptions.ts describes what is documented or gone: ${unused.join(", ")}`);

  return {
    name: PACKAGE,
    displayName: "Barrack AI",
    version: pkg.version,
    description: "Manage Barrack AI GPU cloud resources: GPU instances, volumes, firewalls, snapshots, images, SSH keys and startup scripts.",
    keywords: ["pulumi", "barrack", "gpu", "category/cloud", "kind/native"],
    homepage: "https://barrack.ai",
    license: "Apache-2.0",
    repository: "https://github.com/barrack-ai/pulumi-barrack",
    publisher: "Barrack AI",
    config: { variables: settings, defaults: [] },
    provider: { description: "The provider type for the barrack package: where and how to reach the Barrack API.", inputProperties: settings },
    types,
    resources,
    functions,
    language: {
      nodejs: { packageName: "@barrack/pulumi", respectSchemaVersion: true },
      python: { packageName: "pulumi_barrack", respectSchemaVersion: true, pyproject: { enabled: true } },
      go: { importBasePath: "github.com/barrack-ai/pulumi-barrack/sdk/go/barrack", respectSchemaVersion: true, generateResourceContainerTypes: false },
    },
  };
}

/**
 * The named object types, each before the types it uses: a type's hints come from where it is used, so
 * its users are built first.
 */
function objectTypes(decls: Declarations) {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") throw new Error(`object type ${name} refers to itself`);
    state.set(name, "visiting");
    for (const d of decls.objects.get(name) ?? []) for (const p of d.properties) for (const used of objectsIn(p.shape)) visit(used);
    state.set(name, "done");
    order.push(name);
  };
  for (const name of decls.objects.keys()) visit(name);
  return order.reverse().map((name) => [name, decls.objects.get(name)!] as const);
}

function objectsIn(shape: Shape): string[] {
  if (shape.kind === "object") return [shape.name];
  if (shape.kind === "array") return objectsIn(shape.items);
  if (shape.kind === "map") return objectsIn(shape.values);
  return [];
}

function descend(hints: Hint[], step: (node: JsonNode) => JsonNode | undefined): Hint[] {
  return hints.flatMap((h) => {
    const node = step(h.node);
    return node ? [{ node, input: h.input }] : [];
  });
}

/** JSON with every object's keys sorted (arrays keep their order), 2-space indent, final newline. */
export function renderSchema(schema: unknown): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])]));
    }
    return value;
  };
  return `${JSON.stringify(sorted(schema), null, 2)}\n`;
}

/** Where the generated schema lives. */
export function schemaPath(root: string = repoRoot()): string {
  return path.join(root, "provider", "plugin", "schema.json");
}

/** The first line where `actual` and `expected` differ, with a line of context each side, or undefined. */
export function firstDifference(actual: string, expected: string): string | undefined {
  if (actual === expected) return undefined;
  const a = actual.split("\n");
  const e = expected.split("\n");
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  const show = (lines: string[]) => lines.slice(Math.max(0, i - 1), i + 2).map((l, k) => `  ${Math.max(1, i) + k}: ${l}`).join("\n");
  return `line ${i + 1} differs:\n committed:\n${show(a)}\n generated:\n${show(e)}`;
}
