/**
 * `check`, as the CRUD engine (./crud.ts) runs it for every resource, at preview and before every change:
 * zod validation per property, tolerant of preview unknowns and never echoing a secret or a huge value;
 * the rules zod can't express (`validate`); the name of an autonamed resource (./naming.ts, or the
 * engine's `pulumi:autonaming` proposal under the plugin); what an adopted object (`importId`) already
 * has; the plan's hourly cost and `barrack:maxHourlySpend` (../deployment/spend.ts); and the read-only
 * preview notes (stock, cost). No API mutation ever.
 */
import type { z } from "zod";
import type { BarrackClient } from "../client";
import { hasCredentials, maxHourlySpend, sharedClient } from "../config";
import { recordPlanCost } from "../deployment/spend";
import type { mismatchesOf } from "./adopt";
import type { CheckFailure, NameProposal, OldsKind, ProviderImpl, ResourceDefinition } from "./definition";
import { PROVIDER_KEY } from "./definition";
import { failureFor, knownFieldsWithDefaults, pick, showValue, stripUnknown } from "./inputs";
import { AUTONAME_KEY, autoname, parseSeed, type NameShape } from "./naming";
import { UNKNOWN, isUnknown, sameValue, toPlain, unknownPaths } from "./values";

/** Keys the engine or the program side add that are not inputs of the schema. */
const HIDDEN_KEYS = [PROVIDER_KEY, AUTONAME_KEY];
/**
 * The name each autonamed resource holds in this deployment (type + seed → name), from the checks that
 * had old inputs: one provider process serves every resource of a deployment.
 */
const heldNames = new Map<string, string>();

/** What `check` shares with the rest of the engine: the definition's keys and crud.ts's helpers. */
export interface CheckKit<S extends z.ZodObject, Api> {
  inputKeys: readonly (keyof z.output<S> & string)[];
  /** Inputs a change of which replaces the object (the name included). */
  replaceKeys: readonly string[];
  nameShape: NameShape | undefined;
  inputsOnly(props: Record<string, unknown>): Record<string, unknown>;
  argsFromState(props: Record<string, unknown>): z.output<S>;
  asInputs(args: Record<string, unknown>, api: Api): Record<string, unknown>;
  plainOutputs(args: z.output<S>, api: Api): Record<string, unknown>;
  changedKeys(olds: Record<string, unknown>, news: Record<string, unknown>, keys?: readonly string[], oldsAre?: OldsKind): string[];
  mismatchesWith(args: z.output<S>, api: Api, forOwnership: boolean): ReturnType<typeof mismatchesOf>;
  readImported(client: BarrackClient, importId: string): Promise<Api>;
  importMismatchMessage(importId: string, mismatches: ReturnType<typeof mismatchesOf>): string;
}

export function defineCheck<S extends z.ZodObject, Api, Outs extends object>(def: ResourceDefinition<S, Api, Outs>, kit: CheckKit<S, Api>): ProviderImpl["check"] {
  type Args = z.output<S>;
  const { inputKeys, replaceKeys, nameShape, inputsOnly, argsFromState, asInputs, plainOutputs, changedKeys, mismatchesWith, readImported, importMismatchMessage } = kit;

  /**
   * Chooses the name of an autonamed resource: kept for its life, the next one in its chain when it is
   * replaced. For a replacement the engine checks the inputs twice: once with the old inputs (which
   * records the name the resource holds) and again with none, to get values for the new object; the
   * second must give the next name too, not the first one again (which the old object still holds).
   */
  function resolveName(raw: Record<string, unknown>, previous: Record<string, unknown> | undefined, seed: string, proposed?: string): unknown {
    if (nameShape === undefined || def.nameKey === undefined) return undefined;
    const oldName = previous?.[def.nameKey];
    if (typeof oldName !== "string") {
      if (proposed !== undefined) return proposed;
      const held = heldNames.get(`${def.type}\u0000${seed}`);
      return held === undefined ? autoname(seed, nameShape) : autoname(seed, nameShape, held);
    }
    heldNames.set(`${def.type}\u0000${seed}`, oldName);
    const replacing = changedKeys(previous!, raw, replaceKeys.filter((k) => k !== def.nameKey), "inputs");
    if (replacing.length === 0) return oldName;
    // A replace-only input still unknown (preview): whether the name changes is unknown too.
    if (replacing.some((k) => isUnknown(raw[k]))) return UNKNOWN;
    return proposed ?? autoname(seed, nameShape, oldName);
  }

  /**
   * Fills inputs left out with what the adopted object (or, once adopted, its stored inputs) has, so they
   * read as no change. Returns the object when it was read (first adoption, with credentials).
   */
  async function fillFromAdopted(raw: Record<string, unknown>, previous: Record<string, unknown> | undefined): Promise<{ api?: Api; failures: CheckFailure[] }> {
    const importId = raw.importId ?? previous?.importId;
    if (typeof importId !== "string" || importId === "" || isUnknown(importId)) return { failures: [] };
    if (previous !== undefined) {
      // Already adopted: keep what adoption filled in; a replacement is a new object (no importId).
      raw.importId = importId;
      for (const k of inputKeys) if (raw[k] === undefined && previous[k] !== undefined) raw[k] = previous[k];
      if (changedKeys(previous, raw, replaceKeys, "inputs").length > 0) delete raw.importId;
      return { failures: [] };
    }
    if (!hasCredentials()) return { failures: [] };
    let api: Api;
    try {
      api = await readImported(sharedClient(), importId);
    } catch (error) {
      return { failures: [{ property: "importId", reason: error instanceof Error ? error.message : String(error) }] };
    }
    const found = asInputs(raw, api);
    for (const k of inputKeys) if (raw[k] === undefined && found[k] !== undefined) raw[k] = found[k];
    return { api, failures: [] };
  }

  /** The known inputs, when no unknown one is among those the preview notes read (`previewNoteInputs`). */
  function knownForNotes(raw: Record<string, unknown>, unknown: string[]): Args | undefined {
    const read: readonly string[] | undefined = def.previewNoteInputs;
    if (read === undefined || unknown.some((path) => read.includes(path.split(".")[0]))) return undefined;
    return knownFieldsWithDefaults(def.schema, raw, unknown) as Args;
  }

  /** At preview of an adoption: each replace-only input that differs fails; in-place differences are announced. */
  function adoptionPreview(args: Args, api: Api): CheckFailure[] {
    const id = def.idOf(api);
    const mismatches = mismatchesWith(args, api, false);
    if (mismatches.length > 0) {
      return mismatches.map((m) => ({ property: m.property, reason: `${importMismatchMessage(id, [m])}` }));
    }
    const found = plainOutputs(args, api);
    const inPlace = (def.updatable as readonly string[]).filter((k) => (args as Record<string, unknown>)[k] !== undefined && !sameValue(found[k], (args as Record<string, unknown>)[k]));
    console.log(`${def.type} "${String(def.nameKey ? args[def.nameKey] : id)}": adopting ${id} (importId) without creating anything` +
      (inPlace.length > 0 ? `; changes in place: ${inPlace.map((k) => `${k} ${showValue(found[k])} → ${showValue((args as Record<string, unknown>)[k])}`).join(", ")}` : ""));
    return [];
  }

  return async function check(olds, news, naming?: NameProposal) {
    const raw = Object.fromEntries(Object.entries(news).filter(([k, v]) => !HIDDEN_KEYS.includes(k) && v !== undefined && v !== null));
    const previous = Object.keys(olds).length > 0 ? inputsOnly(olds) : undefined;
    const adoption = await fillFromAdopted(raw, previous);
    if (adoption.failures.length > 0) return { failures: adoption.failures };
    // Autonaming: only when `name` was omitted, and never for an adopted object (it keeps its name).
    const seed = typeof news[AUTONAME_KEY] === "string" && raw.importId === undefined ? (news[AUTONAME_KEY] as string) : undefined;
    if (seed !== undefined && def.nameKey !== undefined && raw[def.nameKey] === undefined) {
      if (naming?.mode === "disable") {
        return { failures: [{ property: def.nameKey, reason: "must be set: this stack's pulumi:autonaming setting disables autonaming" }] };
      }
      raw[def.nameKey] = naming?.mode === "enforce" ? naming.name : resolveName(raw, previous, seed, naming?.name);
    }
    const unknown = unknownPaths(raw);
    const isUnder = (path: string) => unknown.some((u) => path === u || path.startsWith(`${u}.`) || u.startsWith(`${path}.`));
    // Unknown values (preview) are removed before parsing; the issues they cause are not failures.
    const known = stripUnknown(raw) as Record<string, unknown>;
    const parsed = def.schema.safeParse(known);
    const failures: CheckFailure[] = [];
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String).join(".");
        if (unknown.length > 0 && isUnder(path)) continue;
        failures.push(failureFor(known, issue.path, issue.message));
      }
    }
    const lookup = () => (hasCredentials() ? sharedClient() : undefined);
    if (unknown.length > 0 && def.validateUnknown) {
      for (const failure of await def.validateUnknown(raw, knownForNotes(raw, unknown), lookup)) failures.push(failureFor(known, failure.property.split("."), failure.reason));
    }
    const previousArgs = previous !== undefined ? (argsFromState(previous) as Partial<Args>) : undefined;
    if (parsed.success && unknown.length === 0 && def.validate) {
      for (const failure of await def.validate(parsed.data, previousArgs, lookup)) failures.push(failureFor(known, failure.property.split("."), failure.reason));
    }
    if (parsed.success && adoption.api !== undefined) failures.push(...adoptionPreview(parsed.data, adoption.api));
    if (failures.length > 0) return { failures };
    const hidden = seed !== undefined && def.nameKey !== undefined && raw[def.nameKey] !== undefined ? { [AUTONAME_KEY]: seed } : {};
    // Keep unknowns as sent (the engine resolves them later); apply defaults to the rest. With issues
    // only from unknowns, fields without unknowns still get their defaults (nested ones too), so diff
    // does not read an omitted default as a change.
    const inputs = parsed.success
      ? { ...(toPlain(parsed.data) as Record<string, unknown>), ...pick(raw, unknown) }
      : { ...knownFieldsWithDefaults(def.schema, raw, unknown), ...pick(raw, unknown) };
    if (hasCredentials()) {
      // What the plan costs per hour (what is still unknown, e.g. an SSH key id, costs nothing).
      const label = parseSeed(seed)?.resource ?? String(def.nameKey ? inputs[def.nameKey] : def.type);
      let limit: number | undefined;
      try {
        limit = maxHourlySpend();
      } catch (error) {
        return { failures: [{ property: "", reason: (error as Error).message }] };
      }
      // An adopted object already bills: it costs only what its in-place changes add.
      const before = adoption.api !== undefined ? asInputs(inputs, adoption.api) : previousArgs;
      const basis = (await def.costBasis?.(inputs, before, sharedClient()).catch(() => undefined)) ?? { before, after: inputs };
      const spend = await recordPlanCost({ type: def.type, label, ...basis }, sharedClient(), { maxHourlySpend: limit });
      if (spend.failures.length > 0) return { failures: spend.failures };
    }
    const noteArgs = parsed.success && unknown.length === 0 ? parsed.data : knownForNotes(raw, unknown);
    if (noteArgs !== undefined && hasCredentials()) {
      const notes = [
        ["warning: ", def.warnings],
        ["", def.previewInfo],
      ] as const;
      for (const [prefix, hook] of notes) {
        try {
          const before = adoption.api !== undefined ? (asInputs(inputs, adoption.api) as Partial<Args>) : previousArgs;
          for (const line of (await hook?.call(def, noteArgs, before, sharedClient())) ?? []) console.log(`${prefix}${line}`);
        } catch {
          // Preview notes are best-effort: never block a plan on them.
        }
      }
    }
    return { inputs: { ...inputs, ...hidden } };
  };
}
