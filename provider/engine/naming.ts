/**
 * Autonaming, as Pulumi providers do it: with `name` omitted, the Barrack name is the Pulumi resource name
 * plus a suffix that differs between stacks and stays the same for the life of the resource.
 *
 * The suffix is not random: it is a hash of the project, the stack, the resource name and (after a
 * replacement) the name it replaces. So a preview and the `up` after it agree, and a `pulumi up` killed
 * mid-create is finished by the next one: it computes the same name and finds the object the killed run
 * made under a name that only this stack's resource can have. A replacement gets the next name in the
 * chain, so it is created before the old object is deleted.
 *
 * The program side (this file's `programInputs`) sends the seed as the hidden input `__autoname`; the
 * provider side (`autoname`) turns it into a name in `check`, within the type's name rules. This file
 * imports nothing at run time: resource declarations load it.
 */

/** Hidden input holding `project/stack/resourceName` when `name` was omitted. */
export const AUTONAME_KEY = "__autoname";

/** Suffix length (hex digits) and separator, as Pulumi's own autonaming (`name-1a2b3c4`). */
const SUFFIX_DIGITS = 7;
const SEPARATOR = "-";

interface PulumiRuntime {
  getProject(): string;
  getStack(): string;
}

/**
 * The inputs a resource registers: the args, plus the autonaming seed when `name` is omitted (an explicit
 * `name` is used verbatim). `runtime` is `@pulumi/pulumi` (passed in, so this file loads nothing).
 */
export function programInputs(runtime: PulumiRuntime, resourceName: string, args: object): Record<string, unknown> {
  const inputs: Record<string, unknown> = { ...args };
  if (inputs.name === undefined || inputs.name === null) {
    delete inputs.name;
    inputs[AUTONAME_KEY] = `${runtime.getProject()}/${runtime.getStack()}/${resourceName}`;
  }
  return inputs;
}

/** What a type's names may look like, for shortening a resource name into one. */
export interface NameShape {
  /** Longest allowed name. */
  max: number;
  /** Characters a name may hold (a character class body, e.g. "A-Za-z0-9_-"). */
  allowed: string;
}

/** The seed's parts; undefined when `seed` is not one (hand-edited state, a future format). */
export function parseSeed(seed: unknown): { project: string; stack: string; resource: string } | undefined {
  if (typeof seed !== "string") return undefined;
  const [project, stack, ...rest] = seed.split("/");
  if (!project || !stack || rest.length === 0) return undefined;
  return { project, stack, resource: rest.join("/") };
}

/**
 * The autonamed Barrack name for `seed`. `previous` is the name being replaced (so a replacement gets a
 * new name), undefined for the first one. A long or oddly spelled resource name is shortened and
 * cleaned, never refused.
 */
export function autoname(seed: string, shape: NameShape, previous?: string): string {
  const parsed = parseSeed(seed);
  const resource = parsed?.resource ?? seed;
  const suffix = hashHex(`${seed}\u0000${previous ?? ""}`).slice(0, SUFFIX_DIGITS);
  const room = shape.max - SUFFIX_DIGITS - SEPARATOR.length;
  const base = cleanBase(resource, shape.allowed).slice(0, room).replace(/[^A-Za-z0-9]+$/, "");
  return `${base || "r"}${SEPARATOR}${suffix}`;
}

/** True when `name` is what `autoname` makes for `seed` (first name or any replacement of one). */
export function looksAutonamed(name: string, seed: string, shape: NameShape): boolean {
  const parsed = parseSeed(seed);
  const resource = parsed?.resource ?? seed;
  const room = shape.max - SUFFIX_DIGITS - SEPARATOR.length;
  const base = cleanBase(resource, shape.allowed).slice(0, room).replace(/[^A-Za-z0-9]+$/, "") || "r";
  return new RegExp(`^${escapeRegExp(base)}${SEPARATOR}[0-9a-f]{${SUFFIX_DIGITS}}$`).test(name);
}

function cleanBase(resource: string, allowed: string): string {
  const notAllowed = new RegExp(`[^${allowed}]+`, "g");
  return resource.replace(notAllowed, "-").replace(/^[^A-Za-z0-9]+/, "");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** FNV-1a (64-bit) as hex: stable across Node versions and processes, no crypto module to load. */
function hashHex(text: string): string {
  let hash = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= BigInt(byte);
    hash = (hash * prime) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, "0");
}
