/**
 * `barrack import`: reads what an account holds and writes a Pulumi program (TypeScript) that adopts
 * every object: each resource gets `importId: "<id>"` and inputs equal to the object's current
 * attributes, so the first `pulumi up` adopts instead of creating, and the next preview is clean.
 *
 * Split in two so the generator is testable without an API: `collectAccount` (API calls, read-only) and
 * `generateProgram` (pure: objects in, program text out).
 *
 * References between objects become Pulumi references (`volumeIds: [data.id]`, `sshKeyIds: [key.id]`,
 * a firewall's `instanceIds: [trainer.id]`, an image's `snapshotId: snap.id`), and resources are
 * declared before they are referenced. An id pointing at an object outside the import (filtered out by
 * --region/--type, or gone) stays a literal id with a comment.
 */
import * as fs from "node:fs";
import type { Command } from "commander";
import type { BarrackClient } from "../client";
import type { Firewall, Image, Instance, Region, Script, Snapshot, SshKey, Volume } from "../contract";
import { REGIONS } from "../contract";
import { dataVolumeIds, powerStateOf } from "../resources/instance/args";
import { ruleFromWire } from "../engine/schema";
import { CliError, clientFrom, withConnectionOptions, type ConnectionOptions, type Io } from "./options";

// ---------------------------------------------------------------------------------------------------
// Kinds
// ---------------------------------------------------------------------------------------------------

export const IMPORT_KINDS = ["sshKey", "startupScript", "volume", "instance", "snapshot", "image", "firewall"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** The resource class of each kind (`barrack.<Class>`), and its suffix when identifiers collide. */
const CLASS: Record<ImportKind, string> = {
  sshKey: "SshKey",
  startupScript: "StartupScript",
  volume: "Volume",
  instance: "Instance",
  snapshot: "Snapshot",
  image: "Image",
  firewall: "Firewall",
};

/** Accepted spellings of --type values. */
const KIND_ALIASES: Record<string, ImportKind> = {
  volume: "volume", volumes: "volume",
  instance: "instance", instances: "instance", vm: "instance", vms: "instance",
  firewall: "firewall", firewalls: "firewall",
  snapshot: "snapshot", snapshots: "snapshot",
  image: "image", images: "image",
  sshkey: "sshKey", sshkeys: "sshKey", "ssh-key": "sshKey", "ssh-keys": "sshKey", key: "sshKey", keys: "sshKey",
  startupscript: "startupScript", startupscripts: "startupScript", "startup-script": "startupScript",
  "startup-scripts": "startupScript", script: "startupScript", scripts: "startupScript",
};

export function parseKinds(raw: string): ImportKind[] {
  const kinds = new Set<ImportKind>();
  for (const part of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
    const kind = KIND_ALIASES[part.toLowerCase()];
    if (!kind) throw new CliError(`--type: unknown type "${part}" (use ${IMPORT_KINDS.join(", ")})`);
    kinds.add(kind);
  }
  if (kinds.size === 0) throw new CliError("--type: give at least one type");
  return [...kinds];
}

// ---------------------------------------------------------------------------------------------------
// Collecting (read-only API calls)
// ---------------------------------------------------------------------------------------------------

/** What the account holds, as the API reports it. */
export interface Account {
  sshKeys: SshKey[];
  scripts: Script[];
  volumes: Volume[];
  instances: Instance[];
  snapshots: Snapshot[];
  images: Image[];
  firewalls: Firewall[];
}

export interface CollectOptions {
  region?: Region;
  kinds?: readonly ImportKind[];
}

/**
 * Like Promise.all, but waits for every call to end before failing with the first error, so that no
 * request (or its retries) outlives the command.
 */
export async function settledAll<T extends readonly unknown[]>(calls: readonly [...{ [K in keyof T]: T[K] | Promise<T[K]> }]): Promise<T> {
  const results = await Promise.allSettled(calls);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

const deleting = (status: string): boolean => status.toUpperCase() === "DELETING";

/** Lists every object of the wanted kinds (lists only: GET calls). */
export async function collectAccount(client: BarrackClient, opts: CollectOptions = {}): Promise<Account> {
  const want = new Set(opts.kinds ?? IMPORT_KINDS);
  const query = opts.region ? { region: opts.region } : {};
  const inRegion = <T extends { region: Region }>(items: T[]): T[] => (opts.region ? items.filter((i) => i.region === opts.region) : items);
  const [sshKeys, scripts, volumes, instances, snapshots, images, firewalls] = await settledAll([
    want.has("sshKey") ? client.listAll("listSshKeys", "ssh_keys") : [],
    want.has("startupScript") ? client.listAll("listScripts", "scripts") : [],
    want.has("volume") ? client.listAll("listVolumes", "volumes", { query }) : [],
    want.has("instance") ? client.listAll("listInstances", "vms", { query }) : [],
    want.has("snapshot") ? client.listAll("listSnapshots", "snapshots", { query }) : [],
    want.has("image") ? client.listAll("listImages", "images", { query }) : [],
    want.has("firewall") ? client.listAll("listFirewalls", "firewalls", { query }) : [],
  ]);
  const account: Account = {
    sshKeys,
    scripts,
    volumes: inRegion(volumes).filter((v) => !deleting(v.status)),
    instances: inRegion(instances).filter((v) => !deleting(v.status)),
    snapshots: inRegion(snapshots),
    images: inRegion(images),
    firewalls: inRegion(firewalls),
  };
  if (opts.region) {
    // SSH keys and scripts belong to the account, not a region: with --region, take those the
    // region's instances use.
    const keys = new Set(account.instances.flatMap((vm) => vm.ssh_key_ids));
    const used = new Set(account.instances.map((vm) => vm.startup_script_id).filter((id): id is string => id !== null));
    account.sshKeys = account.sshKeys.filter((k) => keys.has(k.key_id));
    account.scripts = account.scripts.filter((s) => used.has(s.script_id));
  }
  return account;
}

// ---------------------------------------------------------------------------------------------------
// The plan: one resource per object, inputs as values or references
// ---------------------------------------------------------------------------------------------------

/** A reference to another object by its id: `<ident>.id` when it is imported, else the literal id. */
class Ref {
  constructor(readonly id: string, readonly kind: ImportKind) {}
}

type Value = string | number | boolean | null | Ref | Value[] | { [key: string]: Value | undefined };

export interface PlannedResource {
  kind: ImportKind;
  id: string;
  /** The object's name on the platform (passed as `name`). */
  name: string;
  /** TypeScript identifier of the resource variable. */
  ident: string;
  /** Pulumi resource name (first constructor argument). */
  resourceName: string;
  /** Inputs in print order (`importId` and `name` first). */
  inputs: [string, Value][];
  /** Ids of the imported objects this one references (declared before it). */
  dependsOn: string[];
}

export interface GeneratedProgram {
  /** The program text (index.ts). */
  code: string;
  /** The resources, in declaration order. */
  resources: PlannedResource[];
  /** Ids referenced but not imported (kept as literal ids). */
  unresolved: string[];
}

function instanceInputs(vm: Instance): [string, Value][] {
  const inputs: [string, Value][] = [["name", vm.vm_name], ["region", vm.region]];
  const restored = vm.boot_source === "snapshot";
  // A restore inherits GPU model/count and SSH keys from the snapshot's instance (inputs left out, as
  // examples/snapshot-image writes it).
  if (!restored) inputs.push(["gpuModel", vm.gpu_model], ["gpuCount", vm.gpu_count]);
  switch (vm.boot_source) {
    case "os_image":
      if (vm.os_image_id) inputs.push(["osImageId", vm.os_image_id]);
      break;
    case "volume":
      if (vm.boot_volume_id) inputs.push(["bootVolumeId", new Ref(vm.boot_volume_id, "volume")]);
      break;
    case "image":
      if (vm.image_id) inputs.push(["imageId", new Ref(vm.image_id, "image")]);
      break;
    case "snapshot":
      if (vm.source_snapshot_id) inputs.push(["snapshotId", new Ref(vm.source_snapshot_id, "snapshot")]);
      break;
  }
  if (!restored) inputs.push(["sshKeyIds", vm.ssh_key_ids.map((id) => new Ref(id, "sshKey"))]);
  if (vm.startup_script_id) inputs.push(["startupScriptId", new Ref(vm.startup_script_id, "startupScript")]);
  if (!vm.public_ip) inputs.push(["publicIp", false]);
  if (vm.security_rules.length > 0) inputs.push(["securityRules", vm.security_rules.map((r) => ({ ...ruleFromWire(r) }))]);
  const volumes = dataVolumeIds(vm);
  if (volumes.length > 0) inputs.push(["volumeIds", volumes.map((id) => new Ref(id, "volume"))]);
  const power = powerStateOf(vm.status);
  if (power && power !== "running") inputs.push(["powerState", power]);
  return inputs;
}

function volumeInputs(v: Volume): [string, Value][] {
  const inputs: [string, Value][] = [["name", v.name], ["region", v.region], ["type", v.volume_type], ["sizeGb", v.size_gb]];
  if (v.bootable) inputs.push(["bootable", true]);
  if (v.bootable && v.image_id) inputs.push(["imageId", v.image_id]);
  if (v.source_volume_id) inputs.push(["cloneFrom", new Ref(v.source_volume_id, "volume")]);
  return inputs;
}

function firewallInputs(f: Firewall): [string, Value][] {
  const inputs: [string, Value][] = [["name", f.name], ["region", f.region]];
  if (f.description) inputs.push(["description", f.description]);
  if (f.rules.length > 0) inputs.push(["rules", f.rules.map((r) => ({ ...ruleFromWire(r) }))]);
  if (f.attachments.length > 0) inputs.push(["instanceIds", f.attachments.map((a) => new Ref(a.vm_id, "instance"))]);
  return inputs;
}

function describedInputs(name: string, ref: [string, Ref], description: string): [string, Value][] {
  const inputs: [string, Value][] = [["name", name], ref];
  if (description) inputs.push(["description", description]);
  return inputs;
}

/** One entry per object, before identifiers and order are decided. */
function entries(account: Account): Omit<PlannedResource, "ident" | "resourceName" | "dependsOn">[] {
  return [
    ...account.sshKeys.map((k) => ({ kind: "sshKey" as const, id: k.key_id, name: k.name, inputs: [["name", k.name], ["publicKey", k.public_key]] as [string, Value][] })),
    ...account.scripts.map((s) => {
      const inputs: [string, Value][] = [["name", s.name], ["content", s.content]];
      if (s.description) inputs.push(["description", s.description]);
      return { kind: "startupScript" as const, id: s.script_id, name: s.name, inputs };
    }),
    ...account.volumes.map((v) => ({ kind: "volume" as const, id: v.volume_id, name: v.name, inputs: volumeInputs(v), region: v.region })),
    ...account.instances.map((vm) => ({ kind: "instance" as const, id: vm.vm_id, name: vm.vm_name, inputs: instanceInputs(vm) })),
    ...account.snapshots.map((s) => ({ kind: "snapshot" as const, id: s.snapshot_id, name: s.name, inputs: describedInputs(s.name, ["instanceId", new Ref(s.vm_id, "instance")], s.description) })),
    ...account.images.map((i) => ({ kind: "image" as const, id: i.image_id, name: i.name, inputs: describedInputs(i.name, ["snapshotId", new Ref(i.snapshot_id, "snapshot")], i.description) })),
    ...account.firewalls.map((f) => ({ kind: "firewall" as const, id: f.firewall_id, name: f.name, inputs: firewallInputs(f) })),
  ];
}

// ---------------------------------------------------------------------------------------------------
// Identifiers and resource names
// ---------------------------------------------------------------------------------------------------

/** Words an identifier must not be (reserved in strict-mode TypeScript, or names the program uses). */
const RESERVED = new Set([
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export",
  "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super",
  "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield", "let", "static",
  "implements", "interface", "package", "private", "protected", "public", "await", "arguments", "eval", "async", "of",
  "as", "any", "declare", "get", "set", "module", "namespace", "require", "type", "from", "undefined", "NaN", "Infinity",
  "barrack", "pulumi", "exports", "process", "console", "global", "globalThis", "Symbol", "Object", "Array", "String",
  "Number", "Boolean", "Promise", "Error", "JSON", "Math", "Date",
]);

const capitalize = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
const lowerFirst = (w: string): string => w.charAt(0).toLowerCase() + w.slice(1);

/** "trainer-key" → "trainerKey", "GPU box 2" → "gpuBox2", "2nd" → "volume2nd" (for a volume). */
export function identifierFor(name: string, kind: ImportKind): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const norm = words.map((w, i) => {
    const word = /^[A-Z0-9]+$/.test(w) ? w.toLowerCase() : w; // "GPU" → "gpu", "myVM" stays
    return i === 0 ? lowerFirst(word) : capitalize(word);
  });
  let ident = norm.join("");
  if (ident === "") return kind;
  if (/^[0-9]/.test(ident)) ident = `${kind}${capitalize(ident)}`;
  if (RESERVED.has(ident)) ident = `${ident}${CLASS[kind]}`;
  return ident;
}

function assignIdentifiers(items: { kind: ImportKind; name: string; id: string; region?: string }[]): { ident: string; resourceName: string }[] {
  const bases = items.map((i) => identifierFor(i.name, i.kind));
  const count = new Map<string, number>();
  for (const b of bases) count.set(b, (count.get(b) ?? 0) + 1);
  const used = new Set<string>();
  const idents = bases.map((b, i) => {
    let ident = (count.get(b) ?? 0) > 1 && !b.endsWith(CLASS[items[i]!.kind]) ? `${b}${CLASS[items[i]!.kind]}` : b;
    for (let n = 2; used.has(ident); n++) ident = `${(count.get(b) ?? 0) > 1 ? `${b}${CLASS[items[i]!.kind]}` : b}${n}`;
    used.add(ident);
    return ident;
  });
  // Pulumi names are unique per type; a volume name is unique only within its region.
  const names = new Map<string, Set<string>>();
  const resourceNames = items.map((item) => {
    const taken = names.get(item.kind) ?? new Set<string>();
    names.set(item.kind, taken);
    let rn = item.name;
    if (taken.has(rn) && item.region) rn = `${item.name}-${item.region.toLowerCase()}`;
    for (let n = 2; taken.has(rn); n++) rn = `${item.name}-${n}`;
    taken.add(rn);
    return rn;
  });
  return idents.map((ident, i) => ({ ident, resourceName: resourceNames[i]! }));
}

// ---------------------------------------------------------------------------------------------------
// Ordering: references declared before use
// ---------------------------------------------------------------------------------------------------

function refsOf(v: Value | undefined, out: Ref[] = []): Ref[] {
  if (v instanceof Ref) out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => refsOf(x, out));
  else if (v !== null && typeof v === "object") Object.values(v).forEach((x) => refsOf(x, out));
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------------

function stringLiteral(s: string): string {
  // Multi-line text (scripts) reads better as a template literal, when it holds nothing odd.
  if (s.includes("\n") && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s)) {
    return "`" + s.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${") + "`";
  }
  return JSON.stringify(s);
}

const SAFE_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

interface PrintContext {
  identOf: Map<string, string>;
  unresolved: Set<string>;
}

function printValue(v: Value | undefined, ctx: PrintContext, indent: string): string {
  if (v instanceof Ref) {
    const ident = ctx.identOf.get(v.id);
    if (ident) return `${ident}.id`;
    ctx.unresolved.add(v.id);
    return `${JSON.stringify(v.id)} /* ${CLASS[v.kind]} ${v.id}: not imported */`;
  }
  if (typeof v === "string") return stringLiteral(v);
  if (typeof v === "number" || typeof v === "boolean" || v === null) return JSON.stringify(v);
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) {
    const parts = v.map((x) => printValue(x, ctx, `${indent}  `));
    const flat = `[${parts.join(", ")}]`;
    if (flat.length <= 100 && !flat.includes("\n")) return flat;
    return `[\n${parts.map((p) => `${indent}  ${p},`).join("\n")}\n${indent}]`;
  }
  const fields = Object.entries(v).filter(([, x]) => x !== undefined);
  const parts = fields.map(([k, x]) => `${SAFE_KEY.test(k) ? k : JSON.stringify(k)}: ${printValue(x, ctx, `${indent}  `)}`);
  return `{ ${parts.join(", ")} }`;
}

export interface GenerateOptions {
  /** Shown in the header comment, e.g. "https://barrack.ai/api/". Never the key. */
  source?: string;
}

/** The program that adopts every object of `account` (pure: no API calls). */
export function generateProgram(account: Account, opts: GenerateOptions = {}): GeneratedProgram {
  const raw = entries(account);
  const names = assignIdentifiers(raw.map((r) => ({ kind: r.kind, name: r.name, id: r.id, region: (r as { region?: string }).region })));
  const byId = new Map<string, PlannedResource>();
  const all: PlannedResource[] = raw.map((r, i) => {
    const planned: PlannedResource = { kind: r.kind, id: r.id, name: r.name, inputs: [["importId", r.id], ...r.inputs], dependsOn: [], ...names[i]! };
    byId.set(r.id, planned);
    return planned;
  });
  for (const p of all) {
    p.dependsOn = [...new Set(p.inputs.flatMap(([, v]) => refsOf(v)).map((ref) => ref.id).filter((id) => byId.has(id) && id !== p.id))];
  }

  // Kahn's algorithm; among ready resources, kind order then name keeps the output stable and readable.
  const rank = (p: PlannedResource): [number, string, string] => [IMPORT_KINDS.indexOf(p.kind), p.name, p.id];
  const before = (a: PlannedResource, b: PlannedResource): number => {
    const [ka, na, ia] = rank(a);
    const [kb, nb, ib] = rank(b);
    return ka - kb || (na < nb ? -1 : na > nb ? 1 : 0) || (ia < ib ? -1 : ia > ib ? 1 : 0);
  };
  const ordered: PlannedResource[] = [];
  const done = new Set<string>();
  const remaining = new Set(all);
  while (remaining.size > 0) {
    const ready = [...remaining].filter((p) => p.dependsOn.every((d) => done.has(d))).sort(before);
    // A cycle (not expected from the platform): declare the first one, its unmet references stay literal ids.
    const next = ready[0] ?? [...remaining].sort(before)[0]!;
    if (!ready[0]) next.dependsOn = next.dependsOn.filter((d) => done.has(d));
    ordered.push(next);
    done.add(next.id);
    remaining.delete(next);
  }

  const ctx: PrintContext = { identOf: new Map(), unresolved: new Set() };
  const blocks: string[] = [];
  for (const p of ordered) {
    // References print as `<ident>.id` once declared (always, but in a cycle), else as the literal id.
    const props = p.inputs.map(([k, v]) => `  ${k}: ${printValue(v, ctx, "  ")},`);
    blocks.push(`const ${p.ident} = new barrack.${CLASS[p.kind]}(${JSON.stringify(p.resourceName)}, {\n${props.join("\n")}\n});`);
    ctx.identOf.set(p.id, p.ident);
  }

  const counts = IMPORT_KINDS.map((k) => [k, ordered.filter((p) => p.kind === k).length] as const).filter(([, n]) => n > 0);
  const header = [
    `// Generated by \`barrack import\`${opts.source ? ` from ${opts.source}` : ""}: ${ordered.length} object${ordered.length === 1 ? "" : "s"}` +
      (counts.length ? ` (${counts.map(([k, n]) => `${n} ${CLASS[k]}`).join(", ")})` : "") + ".",
    "// Each resource adopts its object (importId): `pulumi up` creates nothing, and the next preview shows no changes.",
    "// Names and inputs are the objects' current attributes; edit them afterwards as with any stack.",
  ];
  if (account.instances.length > 0) header.push("// Not readable from the API, so not set here: an instance's cloudInit.");
  const code = `${header.join("\n")}\nimport * as barrack from "pulumi-barrack";\n${blocks.length ? `\n${blocks.join("\n\n")}\n` : ""}`;
  return { code, resources: ordered, unresolved: [...ctx.unresolved].sort() };
}

/**
 * The same objects as a bulk import file for the native plugin's `pulumi import -f <file>` (Pulumi's import
 * file format: each resource's type token, resource name and id, in declaration order). The engine reads
 * each object through the plugin, records the inputs the object has, and writes the program itself.
 */
export function importFile(program: GeneratedProgram): string {
  const resources = program.resources.map((p) => ({ type: `barrack:index:${CLASS[p.kind]}`, name: p.resourceName, id: p.id }));
  return `${JSON.stringify({ resources }, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------------

/** What `barrack import` writes: a program adopting the objects (dynamic package), or `pulumi import -f`'s file (plugin). */
const FORMATS = ["program", "pulumi-import"] as const;

interface ImportOptions extends ConnectionOptions {
  region?: string;
  type?: string;
  out?: string;
  format?: string;
}

export function parseRegion(raw: string): Region {
  const region = REGIONS.find((r) => r.toLowerCase() === raw.trim().toLowerCase());
  if (!region) throw new CliError(`--region: unknown region "${raw}" (use ${REGIONS.join(", ")})`);
  return region;
}

export async function runImport(opts: ImportOptions, io: Io): Promise<GeneratedProgram> {
  const region = opts.region !== undefined ? parseRegion(opts.region) : undefined;
  const kinds = opts.type !== undefined ? parseKinds(opts.type) : undefined;
  const client = clientFrom(opts, { note: (line) => io.err(line) });
  const account = await collectAccount(client, { region, kinds });
  const format = opts.format ?? "program";
  if (!(FORMATS as readonly string[]).includes(format)) throw new CliError(`--format: "${format.slice(0, 40)}" is not one of ${FORMATS.join(", ")}`);
  const program = generateProgram(account, { source: client.baseUrl });
  const text = format === "pulumi-import" ? importFile(program) : program.code;
  const summary = program.resources.length === 0 ? "no objects to import" : `${program.resources.length} object(s) to adopt`;
  if (opts.out) {
    fs.writeFileSync(opts.out, text);
    io.err(`barrack import: ${summary}; wrote ${opts.out}\n`);
  } else {
    io.out(text);
    io.err(`barrack import: ${summary}\n`);
  }
  if (program.unresolved.length > 0) {
    io.err(`barrack import: ${program.unresolved.length} referenced object(s) are outside this import and stay literal ids: ${program.unresolved.join(", ")}\n`);
  }
  return program;
}

export function registerImport(program: Command, io: Io, run: (action: () => Promise<unknown>, opts: ConnectionOptions) => Promise<void>): void {
  withConnectionOptions(
    program
      .command("import")
      .description("print a Pulumi program (TypeScript) that adopts every object of the account (importId), with references between them")
      .option("--region <region>", "only this region's objects (SSH keys and scripts: those its instances use)")
      .option("--type <types>", `comma-separated types: ${IMPORT_KINDS.join(", ")} (default: all)`)
      .option("--out <file>", "write the program to this file instead of stdout")
      .option("--format <format>", "program (a TypeScript program for the dynamic package, default) or pulumi-import (a file for the plugin's `pulumi import -f <file>`)"),
  ).action(async (opts: ImportOptions) => run(() => runImport(opts, io), opts));
}
