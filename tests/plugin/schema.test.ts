/**
 * The Pulumi package schema (provider/plugin/schema.json), generated from the code by
 * provider/plugin/schema/: the committed file is current, and what it says agrees with the code it comes
 * from (resources, aliases, descriptions, secrets, what replaces, input names, enums, integers), checked
 * here against the code directly rather than through the generator. No network, no API.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { BOOT_SOURCES, CURRENCIES, DIRECTIONS, ETHERTYPES, POWER_STATES, PROTOCOLS, REGIONS, TIERS, VOLUME_TYPES } from "../../provider/constants";
import { CONFIG_KEYS } from "../../provider/config";
import * as lookups from "../../provider/data/lookups";
import { PRICED_RESOURCE_TYPES } from "../../provider/data/pricing";
import { FALLBACK_ORDERS } from "../../provider/resources/instance/keys";
import {
  buildSchema,
  changeSentence,
  dynamicTypeToken,
  enumValueName,
  firstDifference,
  renderSchema,
  repoRoot,
  resourceNoun,
  schemaPath,
  token,
} from "../../provider/plugin/schema/index";

type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = repoRoot(__dirname);
const RESOURCES: Record<string, string> = {
  Volume: "volume",
  Instance: "instance",
  Firewall: "firewall",
  Snapshot: "snapshot",
  Image: "image",
  SshKey: "sshKey",
  StartupScript: "startupScript",
};
const FUNCTIONS = ["getBalance", "getGpuSpecs", "getGpuStock", "getOsImages", "getPricing", "getRegions", "getVolumeTypes"];

let schema: Spec;
let generated: string;
beforeAll(async () => {
  generated = renderSchema(await buildSchema(ROOT));
  schema = JSON.parse(generated) as Spec;
}, 60_000);

const resource = (name: string): Spec => schema.resources[token(name)];
const type = (name: string): Spec => schema.types[token(name)];

/** Every property map of the schema, with where it is. */
function propertyMaps(): [string, Record<string, Spec>][] {
  const maps: [string, Record<string, Spec>][] = [];
  for (const [t, r] of Object.entries<Spec>(schema.resources)) maps.push([`${t} inputs`, r.inputProperties], [`${t} outputs`, r.properties]);
  for (const [t, f] of Object.entries<Spec>(schema.functions)) {
    if (f.inputs) maps.push([`${t} inputs`, f.inputs.properties]);
    maps.push([`${t} outputs`, f.outputs.properties]);
  }
  for (const [t, o] of Object.entries<Spec>(schema.types)) if (o.properties) maps.push([t, o.properties]);
  maps.push(["config", schema.config.variables], ["provider", schema.provider.inputProperties]);
  return maps;
}

/** `updatable` and `noDiff` as a resource's provider.ts passes them to defineProvider (literals, or constants of its args.ts). */
function providerDefinition(folder: string): { updatable: string[]; noDiff: string[] } {
  const file = path.join(ROOT, "provider/resources", folder, "provider.ts");
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const args = require(`../../provider/resources/${folder}/args`) as Record<string, unknown>;
  let found: Record<string, string[]> | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText() === "defineProvider" && ts.isObjectLiteralExpression(node.arguments[0])) {
      found = {};
      for (const p of node.arguments[0].properties) {
        if (!ts.isPropertyAssignment(p) || !["updatable", "noDiff"].includes(p.name.getText())) continue;
        const init = p.initializer;
        found[p.name.getText()] = ts.isArrayLiteralExpression(init)
          ? init.elements.map((e) => (e as ts.StringLiteral).text)
          : [...(args[init.getText()] as string[])];
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (!found) throw new Error(`no defineProvider({...}) in ${file}`);
  return { updatable: found.updatable ?? [], noDiff: found.noDiff ?? [] };
}

describe("the package schema", () => {
  it("is committed as the code generates it (npm run gen:schema)", () => {
    const committed = fs.readFileSync(schemaPath(ROOT), "utf8");
    expect(firstDifference(committed, generated)).toBeUndefined();
    expect(generated.endsWith("}\n")).toBe(true);
  });

  it("names the package and its SDKs", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(schema).toMatchObject({ name: "barrack", displayName: "Barrack AI", version: pkg.version, license: "Apache-2.0" });
    expect(schema.keywords).toEqual(["pulumi", "barrack", "gpu", "category/cloud", "kind/native"]);
    expect(schema.language.python).toEqual({ packageName: "pulumi_barrack", respectSchemaVersion: true, pyproject: { enabled: true } });
    expect(schema.language.nodejs).toEqual({ packageName: "@barrack/pulumi", respectSchemaVersion: true });
    expect(schema.language.go.importBasePath).toBe("github.com/barrack-ai/pulumi-barrack/sdk/go/barrack");
  });

  it("has the seven resources, each aliased to its dynamic resource's type", () => {
    expect(Object.keys(schema.resources).sort()).toEqual(Object.keys(RESOURCES).map(token).sort());
    for (const name of Object.keys(RESOURCES)) {
      expect(resource(name).aliases).toEqual([{ type: `pulumi-nodejs:dynamic/barrack:${name}` }]);
      expect(dynamicTypeToken(name)).toBe(`pulumi-nodejs:dynamic/barrack:${name}`);
    }
  });

  it("has the data functions, their inputs being their args schemas' keys", () => {
    expect(Object.keys(schema.functions).sort()).toEqual(FUNCTIONS.map(token).sort());
    const schemas = lookups as unknown as Record<string, { shape: object } | undefined>;
    for (const fn of FUNCTIONS) {
      const args = schemas[`${fn.charAt(3).toLowerCase()}${fn.slice(4)}ArgsSchema`];
      expect([fn, Object.keys(schema.functions[token(fn)].inputs?.properties ?? {}).sort()]).toEqual([fn, Object.keys(args?.shape ?? {}).sort()]);
    }
  });

  it("gives every resource and function input and output, type property and setting a description", () => {
    const missing: string[] = [];
    for (const [where, props] of propertyMaps()) {
      for (const [name, spec] of Object.entries(props)) if (typeof spec.description !== "string" || spec.description.trim() === "") missing.push(`${where}: ${name}`);
    }
    for (const [t, r] of [...Object.entries<Spec>(schema.resources), ...Object.entries<Spec>(schema.functions)]) if (!r.description) missing.push(t);
    expect(missing).toEqual([]);
    // TSDoc links are plain text.
    expect(generated).not.toContain("{@link");
  });

  it("takes inputs from the zod schemas and outputs from keys.ts (every input is an output too)", async () => {
    for (const [name, folder] of Object.entries(RESOURCES)) {
      const { [`${folder}ArgsSchema`]: argsSchema } = (await import(`../../provider/resources/${folder}/args`)) as Record<string, { shape: object }>;
      const keys = Object.values((await import(`../../provider/resources/${folder}/keys`)) as Record<string, { inputs: string[]; outputs: string[] }>)[0];
      expect([name, Object.keys(resource(name).inputProperties).sort()]).toEqual([name, Object.keys(argsSchema.shape).sort()]);
      expect([name, Object.keys(resource(name).properties).sort()]).toEqual([name, [...keys.inputs, ...keys.outputs].sort()]);
      expect(resource(name).properties.id).toBeUndefined();
    }
  });

  it("says what replaces and what changes in place as each provider definition does", () => {
    for (const [name, folder] of Object.entries(RESOURCES)) {
      const { updatable, noDiff } = providerDefinition(folder);
      for (const [input, spec] of Object.entries<Spec>(resource(name).inputProperties)) {
        const change = updatable.includes(input) ? "inPlace" : noDiff.includes(input) || input === "importId" ? "none" : "replaces";
        const text: string = spec.description;
        const replaces = `Changing it replaces the ${resourceNoun(name)}.`;
        expect([name, input, text.endsWith(replaces), text.endsWith("Changes in place.")]).toEqual([name, input, change === "replaces", change === "inPlace"]);
        expect(changeSentence(change, name) === undefined).toBe(change === "none");
      }
    }
    const desc = (r: string, p: string): string => resource(r).inputProperties[p].description;
    expect(desc("Volume", "sizeGb")).toMatch(/Changes in place\.$/);
    expect(desc("Volume", "region")).toMatch(/Changing it replaces the volume\.$/);
    expect(desc("SshKey", "publicKey")).toMatch(/Changing it replaces the SSH key\.$/);
    expect(desc("StartupScript", "content")).toMatch(/Changes in place\.$/);
    expect(desc("Instance", "powerState")).toMatch(/Changes in place\.$/);
    expect(desc("Instance", "timeouts")).not.toMatch(/replaces|Changes in place/);
    // The provider's Diff decides; the schema never asks the engine to replace.
    expect(generated).not.toContain("replaceOnChanges");
    // Outputs carry no change sentence; a TSDoc's own "A change replaces the volume." gave way to the schema's.
    expect(resource("Volume").properties.region.description).toBe('The region, e.g. "FINLAND-1".');
  });

  it("marks the generated private key and the API key secret, and nothing else", () => {
    const secrets = propertyMaps().flatMap(([where, props]) => Object.entries(props).filter(([, s]) => s.secret).map(([n]) => `${where}: ${n}`));
    expect(secrets.sort()).toEqual(["barrack:index:SshKey outputs: privateKey", "config: apiKey", "provider: apiKey"]);
  });

  it("has the constants' values as enums, each value with a name", () => {
    const expected: Record<string, readonly string[]> = {
      Region: REGIONS, Tier: TIERS, VolumeType: VOLUME_TYPES, Currency: CURRENCIES, Direction: DIRECTIONS, Ethertype: ETHERTYPES,
      Protocol: PROTOCOLS, PowerState: POWER_STATES, BootSource: BOOT_SOURCES, PricedResourceType: PRICED_RESOURCE_TYPES,
      FallbackOrder: FALLBACK_ORDERS,
    };
    const enums = Object.entries<Spec>(schema.types).filter(([, t]) => t.enum);
    expect(enums.map(([t]) => t).sort()).toEqual(Object.keys(expected).map(token).sort());
    for (const [name, values] of Object.entries(expected)) {
      expect(type(name).type).toBe("string");
      expect(type(name).enum).toEqual(values.map((value) => ({ name: enumValueName(value), value })));
    }
    expect(type("Region").enum[0]).toEqual({ name: "Canada1", value: "CANADA-1" });
    expect(type("Protocol").enum.find((v: Spec) => v.value === "ipv6-icmp").name).toBe("Ipv6Icmp");
    expect(resource("Volume").inputProperties.region.$ref).toBe("#/types/barrack:index:Region");
  });

  it("uses integers where zod says .int(), and the args schemas' defaults", () => {
    expect(resource("Volume").inputProperties.sizeGb.type).toBe("integer");
    expect(resource("Volume").properties.sizeGb.type).toBe("integer");
    expect(resource("Instance").inputProperties.gpuCount.type).toBe("integer");
    expect(type("FirewallRule").properties.portRangeMin.type).toBe("integer");
    expect(type("FirewallRule").properties.portRangeMax.type).toBe("integer");
    expect(type("GpuStockInfo").properties.availableGpus.type).toBe("integer");
    expect(type("GpuStockInfo").properties.configurations).toMatchObject({ type: "object", additionalProperties: { type: "integer" } });
    expect(type("GpuSpecInfo").properties.gpuCounts.items.type).toBe("integer");
    expect(type("GpuFlavor").properties.gpuCount.type).toBe("integer");
    expect(schema.functions[token("getGpuStock")].outputs.properties.totalAvailableGpus.type).toBe("integer");
    expect(resource("Instance").properties.costPerHour.type).toBe("number");
    expect(resource("Volume").inputProperties.bootable.default).toBe(false);
    expect(resource("Instance").inputProperties.publicIp.default).toBe(true);
    expect(resource("Instance").inputProperties.powerState.default).toBe("running");
    expect(resource("Firewall").inputProperties.description.default).toBe("");
    expect(type("FirewallRule").properties.ethertype.default).toBe("IPv4");
  });

  it("holds only what Pulumi's schema binder accepts: resolvable refs, named object types, no validation keywords", () => {
    const problems: string[] = [];
    const walk = (value: unknown, where: string): void => {
      if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${where}[${i}]`));
      if (value === null || typeof value !== "object") return;
      const spec = value as Spec;
      for (const key of ["pattern", "minimum", "maximum", "minLength", "maxLength", "anyOf", "oneOf", "nullable", "replaceOnChanges"]) {
        if (key in spec && !where.endsWith(".properties") && !where.endsWith("Properties") && !where.endsWith(".variables")) problems.push(`${where}: ${key}`);
      }
      if (typeof spec.$ref === "string") {
        const target = /^#\/types\/(.+)$/.exec(spec.$ref)?.[1];
        if (!target || !schema.types[target]) problems.push(`${where}: unresolved ${spec.$ref}`);
        else if (spec.default !== undefined && !schema.types[target].enum?.some((v: Spec) => v.value === spec.default)) problems.push(`${where}: default ${spec.default}`);
      }
      for (const [k, v] of Object.entries(spec)) walk(v, `${where}.${k}`);
    };
    walk(schema, "schema");
    for (const [where, props] of propertyMaps()) {
      for (const spec of Object.values(props)) if (spec.type === "object" && spec.properties) problems.push(`${where}: inline object type`);
    }
    const requiredLists: [string, string[] | undefined, Record<string, Spec>][] = [];
    for (const [t, r] of Object.entries<Spec>(schema.resources)) requiredLists.push([t, r.requiredInputs, r.inputProperties], [t, r.required, r.properties]);
    for (const [t, f] of Object.entries<Spec>(schema.functions)) requiredLists.push([t, f.outputs.required, f.outputs.properties], [t, f.inputs?.required, f.inputs?.properties ?? {}]);
    for (const [t, o] of Object.entries<Spec>(schema.types)) if (o.properties) requiredLists.push([t, o.required, o.properties]);
    for (const [t, required, props] of requiredLists) for (const r of required ?? []) if (!props[r]) problems.push(`${t}: required ${r} is no property`);
    expect(problems).toEqual([]);
    expect(schema.config.defaults).toEqual([]);
  });

  it("has the provider settings of config.ts as config and provider inputs", () => {
    expect(Object.keys(schema.config.variables).sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
    expect(schema.provider.inputProperties).toEqual(schema.config.variables);
    expect(schema.config.variables).toMatchObject({
      apiKey: { type: "string", secret: true, defaultInfo: { environment: ["BARRACK_API_KEY"] } },
      endpoint: { type: "string", default: "https://barrack.ai/api/", defaultInfo: { environment: ["BARRACK_API_URL"] } },
      authScheme: { type: "string", default: "bearer", defaultInfo: { environment: ["BARRACK_AUTH_SCHEME"] } },
      maxHourlySpend: { type: "number", defaultInfo: { environment: ["BARRACK_MAX_HOURLY_SPEND"] } },
    });
  });

  it("names the first difference of a stale file", () => {
    expect(firstDifference("a\nb\nc\n", "a\nb\nc\n")).toBeUndefined();
    expect(firstDifference("a\nb\nc\n", "a\nB\nc\n")).toMatch(/^line 2 differs:[\s\S]*2: b[\s\S]*2: B/);
  });
});
