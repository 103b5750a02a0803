/**
 * When an object that already exists may be taken into the stack instead of creating one: after a create
 * whose answer was lost, after a name conflict (an interrupted `pulumi up` made it), or because the
 * program names it with `importId`. Only objects that can be nobody else's are taken, and only when they
 * are what the inputs describe; anything else fails with the object's id and the ways out.
 */
import { sameValue } from "./values";

/** How a create came to meet an existing object. */
export type Encounter = "lost-answer" | "name-conflict";

export interface OwnershipFacts {
  type: string;
  id: string;
  name: string;
  /** The name came from autonaming (a name only this stack's resource can have). */
  autonamed: boolean;
  /** Replace-only inputs whose value differs from the object's: `property`, wanted, found. */
  mismatches: Mismatch[];
  /** The object's creation time (server clock, ISO text), if it has one. */
  createdAt?: string;
  /** Epoch ms before which the object cannot be the work of this create (now − the create deadline). */
  notBefore: number;
}

export interface Mismatch {
  property: string;
  wanted: unknown;
  found: unknown;
}

/** Undefined when the object may be adopted; otherwise why not, in words. */
export function refuseAdoption(facts: OwnershipFacts): string | undefined {
  if (facts.autonamed) return undefined;
  if (facts.mismatches.length > 0) return `it differs from the inputs: ${describeMismatches(facts.mismatches)}`;
  const created = facts.createdAt === undefined ? NaN : Date.parse(facts.createdAt);
  if (Number.isFinite(created) && created < facts.notBefore) {
    return `it was created at ${facts.createdAt}, before this create could have made it`;
  }
  return undefined;
}

/** The error for an existing object that is not ours to take. */
export function conflictMessage(facts: OwnershipFacts, why: string): string {
  return (
    `${facts.type} "${facts.name}" already exists as ${facts.id}, and ${why}. Ways out: adopt it with ` +
    `\`importId: "${facts.id}"\` (and inputs matching it), give this resource another \`name\` (or omit ` +
    `\`name\` to get an autonamed one), or delete ${facts.id} if nothing needs it`
  );
}

export function describeMismatches(mismatches: readonly Mismatch[]): string {
  return mismatches.map((m) => `${m.property} is ${show(m.found)} there, not ${show(m.wanted)}`).join("; ");
}

/**
 * Replace-only inputs that differ between `wanted` (the parsed inputs) and `found` (the object as
 * inputs, from the resource's outputs). Inputs left out (undefined) accept whatever the object has.
 */
export function mismatchesOf(keys: readonly string[], wanted: Record<string, unknown>, found: Record<string, unknown>): Mismatch[] {
  return keys
    .filter((k) => wanted[k] !== undefined && !sameValue(wanted[k], found[k]))
    .map((k) => ({ property: k, wanted: wanted[k], found: found[k] }));
}

function show(value: unknown): string {
  const text = value === undefined || value === null ? "unset" : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
