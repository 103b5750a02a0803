/**
 * The CRUD plumbing every Barrack resource shares, so that each resource module only states what is
 * particular to it (its args schema, its API calls, its readiness rule and its outputs).
 *
 * It implements the provider contract the way the engine needs it, for both front ends (dynamic and plugin):
 * - `check` (./check.ts) validates with zod at preview, one failure per property, before any API call,
 *   tolerating values that are unknown during preview, never echoing a secret or a huge value; it picks
 *   the name of an autonamed resource (naming.ts) and fills what an adopted object (`importId`) already has;
 * - `diff` compares real inputs only (never the provider code), lists replace-only changes in
 *   `replaces`, and asks for delete-before-replace when an explicit unique name stays the same;
 * - `create` waits until ready within a deadline (the engine's customTimeouts under the plugin, else the
 *   `timeouts` input, else the type's default). It converges under faults: a create whose answer was lost is looked up by its
 *   unique name and sent again only when nothing was made; a name conflict with an object that only
 *   this resource can have made (an interrupted run) adopts it (adopt.ts). A resource that exists but
 *   failed to become ready is reported as a partial create, so it is recorded in state and never leaks;
 * - `read` removes a vanished resource from state and reports the API's values, so drift shows up;
 * - `update` waits out an unfinished create first, then makes the resource's minimal calls;
 * - `delete` tolerates 404 and waits until the resource is gone.
 */
import { z } from "zod";
import type { BarrackClient } from "../client";
import { BarrackConflictError, BarrackError, BarrackNotFoundError } from "../client/errors";
import { sharedClient } from "../config";
import { NAME_RULES } from "../platform";
import { conflictMessage, describeMismatches, mismatchesOf, refuseAdoption, type OwnershipFacts } from "./adopt";
import { AUTONAME_KEY, looksAutonamed } from "./naming";
import { defineCheck } from "./check";
import { defaultsFor } from "./inputs";
import { compact, isUnknown, parseDuration, sameValue } from "./values";
import { WaitTimeout, poll, sleep } from "./wait";

export { WaitTimeout } from "./wait";

export {
  PartialCreateError,
  importIdSchema,
  timeoutsSchema,
  type CheckFailure,
  type NameProposal,
  type OperationContext,
  type OperationOptions,
  type OldsKind,
  type CostBasis,
  type ProviderImpl,
  type Readiness,
  type ResourceDefinition,
  type Timeouts,
} from "./definition";
import {
  PROVIDER_KEY,
  PartialCreateError,
  type OldsKind,
  type OperationContext,
  type OperationOptions,
  type ProviderImpl,
  type ResourceDefinition,
  type Timeouts,
} from "./definition";

/** Create requests per resource at most, when answers keep getting lost (each is looked up first). */
const MAX_CREATE_ATTEMPTS = 5;
/** Clock difference allowed between this machine (state times) and the API (creation times). */
const CLOCK_SLACK_MS = 5 * 60_000;

export function defineProvider<S extends z.ZodObject, Api, Outs extends object>(def: ResourceDefinition<S, Api, Outs>): ProviderImpl {
  type Args = z.output<S>;
  const inputKeys = Object.keys(def.schema.shape) as (keyof Args & string)[];
  const neverDiff: readonly string[] = [...(def.noDiff ?? []), "importId"];
  const diffKeys = inputKeys.filter((k) => !neverDiff.includes(k));
  /** Inputs a change of which replaces the object (the name included). */
  const replaceKeys = diffKeys.filter((k) => !def.updatable.includes(k));
  const nameShape = def.nameKind === undefined ? undefined : NAME_RULES[def.nameKind].autoname;

  function context(args: { timeouts?: Timeouts }, op: "create" | "update" | "delete", label: string, autonamed = false, options: OperationOptions = {}): OperationContext {
    const deadline = Date.now() + timeoutMs(args, op, options);
    const log = (message: string) => console.log(`barrack ${def.type} ${label}: ${message}`);
    return {
      client: sharedClient(),
      log,
      deadline,
      autonamed,
      waitFor: (what, get, settled, describe) => poll({ what, get, settled, describe, deadline, log }),
    };
  }
  /** The engine's deadline (customTimeouts, plugin only), else the `timeouts` input, else the type's default. */
  function timeoutMs(args: { timeouts?: Timeouts }, op: "create" | "update" | "delete", options: OperationOptions = {}): number {
    if (options.timeoutSeconds !== undefined && options.timeoutSeconds > 0) return options.timeoutSeconds * 1000;
    return parseDuration(args.timeouts?.[op] ?? def.defaultTimeouts[op]);
  }

  /** Parses stored outputs back into args (outputs are a superset of inputs); tolerant of old state. */
  function argsFromState(props: Record<string, unknown>): Args {
    const parsed = def.schema.safeParse(inputsOnly(props));
    return (parsed.success ? parsed.data : inputsOnly(props)) as Args;
  }
  function inputsOnly(props: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(inputKeys.filter((k) => props[k] !== undefined && props[k] !== null).map((k) => [k, props[k]]));
  }
  function plainOutputs(args: Args, api: Api, previous?: Record<string, unknown>): Record<string, unknown> {
    return compact({ ...def.outputs(args, api, previous as Partial<Outs> | undefined) });
  }
  /** The object as inputs (what the resource's outputs say of each input). */
  function asInputs(args: Record<string, unknown>, api: Api): Record<string, unknown> {
    return inputsOnly(plainOutputs(args as Args, api));
  }

  function withInherited(olds: Record<string, unknown>, news: Record<string, unknown>): Record<string, unknown> {
    const filled = { ...news };
    for (const key of def.inheritedWhenOmitted ?? []) if (filled[key] === undefined && olds[key] !== undefined) filled[key] = olds[key];
    return filled;
  }

  /** Inputs that differ (unknown ones count as different), defaults applied on both sides. */
  function changedKeys(rawOlds: Record<string, unknown>, rawNews: Record<string, unknown>, keys: readonly string[] = diffKeys, oldsAre: OldsKind = "object"): string[] {
    const filledOlds = { ...defaultsFor(def.schema, rawOlds), ...rawOlds };
    const filledNews = withInherited(filledOlds, { ...defaultsFor(def.schema, rawNews), ...rawNews });
    const [olds, news] = def.comparable ? def.comparable(filledOlds, filledNews, oldsAre) : [filledOlds, filledNews];
    return keys.filter((k) => isUnknown(news[k]) || !sameValue(olds[k], news[k]));
  }

  /** Replace-only inputs in `mismatchesOf` form: what the object has that the inputs do not want. */
  function mismatchesWith(args: Args, api: Api, forOwnership: boolean) {
    const keys = [...replaceKeys, ...(forOwnership ? (def.identityKeys ?? []) : [])].filter((k) => k !== def.nameKey);
    const found = asInputs(args, api);
    const [f, w] = def.comparable ? def.comparable(found, { ...args }, "object") : [found, { ...args } as Record<string, unknown>];
    return mismatchesOf(keys, w, f);
  }

  /** The object once it is no longer pending (ready or failed), polled as a `verb` wait of this type. */
  async function settled(ctx: OperationContext, api: Api, verb: string, what = "to be ready"): Promise<Api> {
    if (def.readiness(api) === "ready") return api;
    const id = def.idOf(api);
    return poll({
      what: `${id} ${what}`,
      get: () => def.get(ctx.client, id),
      settled: (a) => def.readiness(a) !== "pending",
      describe: (a) => def.describe(a),
      deadline: ctx.deadline,
      log: ctx.log,
      kind: `${def.type} ${verb}`,
    });
  }

  async function waitReady(ctx: OperationContext, api: Api, verb: string): Promise<Api> {
    const id = def.idOf(api);
    const settledApi = await settled(ctx, api, verb);
    if (def.readiness(settledApi) === "failed") {
      throw new Error(`${def.type} ${id} failed after ${verb}: ${def.describe(settledApi)}`);
    }
    return settledApi;
  }

  /**
   * Sends the create, converging when answers are lost: a lost answer is looked up by name and the
   * create sent again only when nothing was made (bounded); a name conflict with an object that this
   * resource may have made adopts it. Returns the object and whether it was adopted.
   */
  async function createConverging(ctx: OperationContext, args: Args, label: string): Promise<{ api: Api; adopted: boolean }> {
    for (let attempt = 1; ; attempt++) {
      let lost: BarrackError;
      try {
        return { api: await def.create(ctx, args), adopted: false };
      } catch (error) {
        if (!(error instanceof BarrackError)) throw error;
        if (!error.ambiguous) {
          if (!(error instanceof BarrackConflictError) || def.nameKey === undefined) throw error;
          const holder = await def.findExisting(ctx, args);
          if (holder === undefined) throw error; // a conflict about something else (stock, a state)
          return { api: adoptOrRefuse(ctx, args, holder, label, "it holds the name this resource needs", error), adopted: true };
        }
        lost = error;
      }
      ctx.log(`the create request's outcome is unknown (${lost.message}); looking it up by name instead of sending it again`);
      const found = await lookUpAfterLostAnswer(ctx, () => def.findExisting(ctx, args));
      if (found !== undefined) return { api: adoptOrRefuse(ctx, args, found, label, "the lost request may not have made it", lost), adopted: true };
      if (attempt >= MAX_CREATE_ATTEMPTS || Date.now() >= ctx.deadline) {
        throw new Error(`${def.type} "${label}" was not created: ${attempt} create request(s) failed (last: ${lost.message}) and no such resource exists`);
      }
      ctx.log(`nothing named "${label}" exists: sending the create again (attempt ${attempt + 1} of at most ${MAX_CREATE_ATTEMPTS})`);
    }
  }

  /** What decides whether `api` may be this resource's (adopt.ts), `notBefore` being the earliest it may date from. */
  function ownershipFacts(args: Args, api: Api, name: string, autonamed: boolean, notBefore: number): OwnershipFacts {
    const createdAt = plainOutputs(args, api).createdAt;
    const mismatches = mismatchesWith(args, api, !autonamed);
    return { type: def.type, id: def.idOf(api), name, autonamed, mismatches, createdAt: typeof createdAt === "string" ? createdAt : undefined, notBefore };
  }

  function adoptOrRefuse(ctx: OperationContext, args: Args, api: Api, label: string, context: string, cause: Error): Api {
    const id = def.idOf(api);
    const facts = ownershipFacts(args, api, label, ctx.autonamed, Date.now() - timeoutMs(args, "create"));
    const refusal = refuseAdoption(facts);
    if (refusal !== undefined) throw new Error(conflictMessage(facts, `${refusal} (${context})`), { cause });
    ctx.log(
      `adopted ${id}, which ${ctx.autonamed ? "holds this resource's autonamed name" : "matches the inputs"} (an earlier or lost create request made it)` +
        (facts.mismatches.length > 0 ? `; it differs from the inputs (${describeMismatches(facts.mismatches)}), so the next \`pulumi up\` replaces it` : ""),
    );
    return api;
  }

  /** `importId`: the object itself, refused when a replace-only input differs. */
  async function adoptImported(ctx: OperationContext, args: Args, importId: string): Promise<Api> {
    const api = await readImported(ctx.client, importId);
    const mismatches = mismatchesWith(args, api, false);
    if (mismatches.length > 0) throw new Error(importMismatchMessage(importId, mismatches));
    ctx.log(`adopting ${importId} (importId): no create request is sent`);
    return api;
  }
  async function readImported(client: BarrackClient, importId: string): Promise<Api> {
    try {
      return await def.get(client, importId);
    } catch (error) {
      if (error instanceof BarrackNotFoundError) throw new Error(`importId ${importId}: no such ${def.type} in this account`);
      throw error;
    }
  }
  function importMismatchMessage(importId: string, mismatches: ReturnType<typeof mismatchesOf>): string {
    return `importId ${importId} cannot be adopted as written: ${describeMismatches(mismatches)}. Adopting never replaces, so set ${mismatches.map((m) => m.property).join(", ")} to what the object has`;
  }

  /** Applies the in-place inputs that an adopted object does not have yet (a grow, a power state, rules). */
  async function convergeAdopted(ctx: OperationContext, args: Args, api: Api): Promise<Api> {
    api = await waitReady(ctx, api, "create");
    const found = plainOutputs(args, api);
    const changed = (def.updatable as readonly string[]).filter((k) => (args as Record<string, unknown>)[k] !== undefined && !sameValue(found[k], (args as Record<string, unknown>)[k]));
    if (changed.length === 0 || !def.update) return api;
    ctx.log(`applying in place to the adopted ${def.idOf(api)}: ${changed.join(", ")}`);
    return def.update(ctx, def.idOf(api), found as unknown as Outs, args, changed);
  }

  const check = defineCheck(def, { inputKeys, replaceKeys, nameShape, inputsOnly, argsFromState, asInputs, plainOutputs, changedKeys, mismatchesWith, readImported, importMismatchMessage });

  return {
    check,

    async diff(_id, olds, news) {
      // Defaults on both sides: state written before an input existed, or news that skipped check.
      const changed = changedKeys(olds, news);
      const replaces = changed.filter((k) => !def.updatable.includes(k));
      const problem = replaces.length === 0 && changed.length > 0 ? def.changeProblem?.(olds, news) : undefined;
      if (problem !== undefined) console.log(`warning: ${problem}; the update would fail`);
      // State written by the plugin (a stack moved back to the dynamic package) has no provider text: an
      // in-place update, which sends the API nothing, records it, or delete and refresh could not run.
      const providerText = typeof news[PROVIDER_KEY] === "string" && olds[PROVIDER_KEY] === undefined ? [PROVIDER_KEY] : [];
      const nameKept = def.nameKey !== undefined && !changed.includes(def.nameKey);
      const deleteFirst = replaces.length > 0 && (nameKept || def.replaceDeletesFirst?.(olds, news) === true);
      return {
        changes: changed.length + providerText.length > 0,
        ...(replaces.length > 0 ? { replaces } : {}),
        ...(deleteFirst ? { deleteBeforeReplace: true } : {}),
      };
    },

    async create(inputs, options) {
      const args = def.schema.parse(inputsOnly(inputs)) as Args;
      const label = String(def.nameKey ? args[def.nameKey] : def.type);
      const seed = inputs[AUTONAME_KEY];
      const autonamed = typeof seed === "string" && nameShape !== undefined && looksAutonamed(label, seed, nameShape);
      const ctx = context(args, "create", label, autonamed, options);
      const importId = (args as { importId?: string }).importId;
      const { api: made, adopted } = importId !== undefined ? { api: await adoptImported(ctx, args, importId), adopted: true } : await createConverging(ctx, args, label);
      let api = made;
      const id = def.idOf(api);
      try {
        if (adopted) api = await convergeAdopted(ctx, args, api);
        api = await waitReady(ctx, api, "create");
        if (def.afterCreate) api = await waitReady(ctx, await def.afterCreate(ctx, api, args), "create");
        await def.usable?.(ctx, api, args);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const last = error instanceof WaitTimeout ? (error.last as Api) : await def.get(ctx.client, id).catch(() => api);
        // Record it in state (with the provider text, so delete/refresh still work) rather than leak it.
        throw new PartialCreateError(
          `${def.type} ${id} was created but did not finish: ${reason}. It is in the stack's state: fix the cause and run \`pulumi up\` again to finish, or \`pulumi destroy\` to remove it`,
          id,
          { ...plainOutputs(args, last), [PROVIDER_KEY]: inputs[PROVIDER_KEY] },
          [reason],
        );
      }
      return { id, outs: plainOutputs(args, api) };
    },

    async read(id, props) {
      const args = argsFromState(props);
      try {
        const api = await def.get(sharedClient(), id);
        return { id, props: plainOutputs(args, api, props) };
      } catch (error) {
        if (error instanceof BarrackNotFoundError) return {}; // gone: the engine drops it from state
        throw error;
      }
    },

    async update(id, olds, news, options) {
      const args = def.schema.parse(inputsOnly(news)) as Args;
      const label = String(def.nameKey ? args[def.nameKey] : id);
      const ctx = context(args, "update", label, false, options);
      let api = await def.get(ctx.client, id);
      // A resource recorded by a partial create comes back here: finish waiting for it first.
      api = await waitReady(ctx, api, "create");
      const changed = changedKeys(olds, news).filter((k) => !isUnknown(news[k]));
      if (changed.length > 0 && def.update) {
        api = await def.update(ctx, id, olds as unknown as Outs, args, changed);
        api = await waitReady(ctx, api, "update");
      }
      const outs = plainOutputs(args, api, olds);
      try {
        await def.usable?.(ctx, api, args);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        // Record the new outputs (with the provider text) as a resource that did not finish.
        throw new PartialCreateError(
          `${def.type} ${id} was updated but is not ready: ${reason}. Its new state is recorded: run \`pulumi up\` again to wait once more`,
          id,
          { ...outs, [PROVIDER_KEY]: news[PROVIDER_KEY] },
          [reason],
        );
      }
      return { outs };
    },

    changedInputs(olds, news) {
      return changedKeys(olds, news);
    },

    inputsOf(outs) {
      // What an adoption never keeps (importId) or the API cannot report (deadlines) is left out.
      const { importId: _importId, timeouts: _timeouts, ...inputs } = inputsOnly(outs);
      return inputs;
    },

    async delete(id, props, options) {
      const args = argsFromState(props);
      await deleteAndWait(context(args, "delete", id, false, options), id, props);
    },

    async leftover(inputs, writtenAt) {
      const parsed = def.schema.safeParse(inputsOnly(inputs));
      if (!parsed.success || def.nameKey === undefined) return undefined; // nothing to find it by
      const args = parsed.data as Args;
      const name = String(args[def.nameKey]);
      const seed = inputs[AUTONAME_KEY];
      const autonamed = typeof seed === "string" && nameShape !== undefined && looksAutonamed(name, seed, nameShape);
      const ctx = context(args, "delete", name, autonamed);
      // Quietly: what findExisting says is meant for adoption (e.g. a key adopted without its private key).
      const found = await def.findExisting({ ...ctx, log: () => undefined }, args);
      if (found === undefined) return undefined; // the killed run's request never made it
      const id = def.idOf(found);
      return {
        id,
        name,
        refusal: autonamed ? undefined : leftoverRefusal(args, found, writtenAt),
        async remove() {
          // Still being made (the run was killed mid-create): most objects cannot be deleted until it settles.
          const done = await settled(ctx, found, "create", "to finish its create before deleting it");
          await deleteAndWait(ctx, id, plainOutputs(args, done));
        },
      };
    },
  };

  /**
   * Why an object holding an explicit name may not be a killed create's (undefined when it is): it must
   * match the create's replace-only inputs and have been made between the state's last write (when the
   * create began) and that create's deadline.
   */
  function leftoverRefusal(args: Args, api: Api, writtenAt: number | undefined): string | undefined {
    if (writtenAt === undefined) return "the state does not say when that run began";
    const facts = ownershipFacts(args, api, String(def.nameKey ? args[def.nameKey] : ""), false, writtenAt - CLOCK_SLACK_MS);
    const created = Date.parse(facts.createdAt ?? "");
    if (!Number.isFinite(created)) return "its creation time is unknown";
    const refusal = refuseAdoption(facts);
    if (refusal !== undefined) return refusal;
    if (created > writtenAt + timeoutMs(args, "create") + CLOCK_SLACK_MS) return `it was created at ${facts.createdAt}, after that run's create could have made it`;
    return undefined;
  }

  async function deleteAndWait(ctx: OperationContext, id: string, props: Record<string, unknown>): Promise<void> {
    try {
      await def.remove(ctx, id, props as unknown as Outs);
    } catch (error) {
      if (error instanceof BarrackNotFoundError) return;
      throw error;
    }
    await poll({
      what: `${id} to be deleted`,
      get: async () => {
        try {
          return await def.get(ctx.client, id);
        } catch (error) {
          if (error instanceof BarrackNotFoundError) return undefined;
          throw error;
        }
      },
      settled: (api) => api === undefined,
      describe: (api) => (api === undefined ? "deleted" : def.describe(api)),
      deadline: ctx.deadline,
      log: ctx.log,
      kind: `${def.type} delete`,
    });
  }
}

/** A lost create may commit a moment later: look a few times before concluding nothing was made. */
async function lookUpAfterLostAnswer<T>(ctx: OperationContext, find: () => Promise<T | undefined>): Promise<T | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() + 500 * 2 ** attempt > ctx.deadline) break;
    await sleep(250 * 2 ** attempt);
  }
  return undefined;
}
