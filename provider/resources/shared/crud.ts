/**
 * The CRUD plumbing every Barrack resource shares, so that each resource module only states what is
 * particular to it (its args schema, its API calls, its readiness rule and its outputs).
 *
 * It implements the dynamic-provider contract the way the engine needs it:
 * - `check` validates with zod at preview, one failure per property, before any API call, tolerating
 *   values that are unknown during preview;
 * - `diff` compares real inputs only (never the provider code), lists replace-only changes in
 *   `replaces`, and asks for delete-before-replace when the unique name stays the same;
 * - `create` waits until ready within a deadline that is a resource input (customTimeouts never reach a
 *   dynamic provider). If the create response was lost, it looks the resource up by name and adopts it
 *   rather than creating a second one; a resource that exists but failed to become ready is reported as
 *   a partial create, so it is recorded in state and never leaks;
 * - `read` removes a vanished resource from state and reports the API's values, so drift shows up;
 * - `update` waits out an unfinished create first, then makes the resource's minimal calls;
 * - `delete` tolerates 404 and waits until the resource is gone.
 */
import { z } from "zod";
import type { BarrackClient } from "../../client";
import { BarrackError, BarrackNotFoundError } from "../../client";
import { hasCredentials, sharedClient } from "../../config";
import { Plain, compact, isUnknown, parseDuration, sameValue, toPlain, unknownPaths } from "./values";

export interface CheckFailure {
  property: string;
  reason: string;
}

/** Everything an operation needs besides its inputs. */
export interface OperationContext {
  client: BarrackClient;
  /** A progress line, shown by the engine as a diagnostic of this resource. */
  log(message: string): void;
  /** Epoch milliseconds after which waits give up. */
  deadline: number;
  /** Polls `get` until `settled` says done, logging progress; throws a `WaitTimeout` at the deadline. */
  waitFor<T>(what: string, get: () => Promise<T>, settled: (value: T) => boolean, describe: (value: T) => string): Promise<T>;
}

export type Readiness = "ready" | "pending" | "failed";

/** Deadlines per operation, as resource inputs (e.g. `{ create: "30m" }`). */
export const timeoutsSchema = z
  .strictObject({
    create: z.string().optional(),
    update: z.string().optional(),
    delete: z.string().optional(),
  })
  .superRefine((value, ctx) => {
    for (const [key, text] of Object.entries(value)) {
      if (text === undefined) continue;
      try {
        parseDuration(text);
      } catch {
        ctx.addIssue({ code: "custom", path: [key], message: `must be a duration such as "90s", "20m" or "1h30m", not "${text}"` });
      }
    }
  })
  .optional();
export type Timeouts = z.infer<typeof timeoutsSchema>;

export interface ResourceDefinition<S extends z.ZodObject, Api, Outs extends object> {
  /** Resource type name, as in the type token `pulumi-nodejs:dynamic/barrack:<type>`. */
  type: string;
  /** Inputs (camelCase), with defaults applied; must include `timeouts: timeoutsSchema`. */
  schema: S;
  /** Inputs changed in place by `update`; a change to any other input replaces the resource. */
  updatable: readonly (keyof z.output<S> & string)[];
  /** Inputs that never cause a diff (deadlines, opt-in flags). */
  noDiff?: readonly (keyof z.output<S> & string)[];
  /**
   * Inputs that, when omitted, mean "whatever the API chose" (e.g. what a snapshot restore inherits): an
   * omitted one is compared as its stored value, so the chosen value is not read as a change.
   */
  inheritedWhenOmitted?: readonly (keyof z.output<S> & string)[];
  /** Input holding a name that must stay unique: replacing with the same name deletes first. */
  nameKey?: keyof z.output<S> & string;
  /** Default deadlines, e.g. `{ create: "30m", update: "30m", delete: "20m" }`. */
  defaultTimeouts: { create: string; update: string; delete: string };
  /** Rules zod can't express (cross-field, or against the old inputs). No API calls: this runs at preview. */
  validate?(news: z.output<S>, olds: Partial<z.output<S>> | undefined): CheckFailure[];
  /**
   * Read-only preview warnings (e.g. GPU stock) about what this plan would do: `previous` holds the old
   * inputs (undefined on create), so warn only about what changes. Lookup failures are ignored.
   */
  warnings?(news: z.output<S>, previous: Partial<z.output<S>> | undefined, client: BarrackClient): Promise<string[]>;
  /** Read-only preview information with the same inputs (e.g. what the plan will cost per hour). */
  previewInfo?(news: z.output<S>, previous: Partial<z.output<S>> | undefined, client: BarrackClient): Promise<string[]>;

  /** Issues the create call(s) and returns the object as the API answered (it may not be ready yet). */
  create(ctx: OperationContext, args: z.output<S>): Promise<Api>;
  /**
   * Steps after the resource exists and is ready (rules, attachments, power state). A failure here is a
   * partial create: the resource is recorded in state and the next `pulumi up` finishes via `update`.
   */
  afterCreate?(ctx: OperationContext, api: Api, args: z.output<S>): Promise<Api>;
  /** After an ambiguous create failure: the resource the create may have made, found by its unique name. */
  findExisting(ctx: OperationContext, args: z.output<S>): Promise<Api | undefined>;
  /** Fetches the object; throws `BarrackNotFoundError` when it is gone. */
  get(client: BarrackClient, id: string): Promise<Api>;
  idOf(api: Api): string;
  readiness(api: Api): Readiness;
  /** Human words for the object's state, for progress lines and errors (e.g. "status BUILD"). */
  describe(api: Api): string;
  /** Applies in-place changes (only `updatable` inputs differ). Returns the object afterwards. */
  update?(ctx: OperationContext, id: string, olds: Outs, news: z.output<S>, changed: string[]): Promise<Api>;
  /** Issues the delete call(s). A 404 is fine (already gone). */
  remove(ctx: OperationContext, id: string, olds: Outs): Promise<void>;
  /**
   * Outputs from the API object. Input-named outputs must carry what the API reports (so drift shows in
   * the next preview); inputs the API does not echo come from `args`; values the API returns only once
   * (a generated private key) come from `previous`, the stored outputs (absent on create).
   */
  outputs(args: z.output<S>, api: Api, previous?: Partial<Outs>): Outs;
}

/** The provider interface the shim forwards to (the dynamic ResourceProvider, with typed results). */
export interface ProviderImpl {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs?: Record<string, unknown>; failures?: CheckFailure[] }>;
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ changes: boolean; replaces?: string[]; deleteBeforeReplace?: boolean }>;
  create(inputs: Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }>;
  read(id: string, props: Record<string, unknown>): Promise<{ id?: string; props?: Record<string, unknown> }>;
  update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ outs: Record<string, unknown> }>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
}

/** Thrown by `waitFor` at the deadline; carries the last object seen. */
export class WaitTimeout<T> extends Error {
  constructor(message: string, readonly last: T) {
    super(message);
    this.name = "WaitTimeout";
  }
}

/** The engine records a resource that exists but failed to initialise when create/update throws this shape. */
export class PartialCreateError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
    readonly reasons: string[],
  ) {
    super(message);
    this.name = "PartialCreateError";
  }
}

const PROVIDER_KEY = "__provider";

export function defineProvider<S extends z.ZodObject, Api, Outs extends object>(def: ResourceDefinition<S, Api, Outs>): ProviderImpl {
  type Args = z.output<S>;
  const inputKeys = Object.keys(def.schema.shape) as (keyof Args & string)[];
  const diffKeys = inputKeys.filter((k) => !(def.noDiff ?? []).includes(k));

  function context(args: { timeouts?: Timeouts }, op: "create" | "update" | "delete", label: string): OperationContext {
    const deadline = Date.now() + parseDuration(args.timeouts?.[op] ?? def.defaultTimeouts[op]);
    const log = (message: string) => console.log(`barrack ${def.type} ${label}: ${message}`);
    return {
      client: sharedClient(),
      log,
      deadline,
      waitFor: (what, get, settled, describe) => poll(what, get, settled, describe, deadline, log),
    };
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

  function withInherited(olds: Record<string, unknown>, news: Record<string, unknown>): Record<string, unknown> {
    const filled = { ...news };
    for (const key of def.inheritedWhenOmitted ?? []) if (filled[key] === undefined && olds[key] !== undefined) filled[key] = olds[key];
    return filled;
  }

  async function waitReady(ctx: OperationContext, api: Api, verb: string): Promise<Api> {
    const id = def.idOf(api);
    if (def.readiness(api) === "ready") return api;
    const settledApi = await ctx.waitFor(
      `${id} to be ready`,
      () => def.get(ctx.client, id),
      (a) => def.readiness(a) !== "pending",
      (a) => def.describe(a),
    );
    if (def.readiness(settledApi) === "failed") {
      throw new Error(`${def.type} ${id} failed after ${verb}: ${def.describe(settledApi)}`);
    }
    return settledApi;
  }

  return {
    async check(olds, news) {
      const raw = Object.fromEntries(Object.entries(news).filter(([k, v]) => k !== PROVIDER_KEY && v !== undefined && v !== null));
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
          failures.push({ property: path || "(inputs)", reason: issue.message + shownValue(known, issue.path) });
        }
      }
      const previous = Object.keys(olds).length > 0 ? (argsFromState(olds) as Partial<Args>) : undefined;
      if (parsed.success && unknown.length === 0 && def.validate) failures.push(...def.validate(parsed.data, previous));
      if (failures.length > 0) return { failures };
      // Only unknown-related issues: let preview continue. Fields without unknowns still get their
      // defaults (nested ones too), so diff does not read an omitted default as a change.
      if (!parsed.success) return { inputs: { ...knownFieldsWithDefaults(def.schema, raw, unknown), ...pick(raw, unknown) } };
      if (unknown.length === 0 && hasCredentials()) {
        const notes = [
          ["warning: ", def.warnings],
          ["", def.previewInfo],
        ] as const;
        for (const [prefix, hook] of notes) {
          try {
            for (const line of (await hook?.call(def, parsed.data, previous, sharedClient())) ?? []) console.log(`${prefix}${line}`);
          } catch {
            // Preview notes are best-effort: never block a plan on them.
          }
        }
      }
      // Keep unknowns as sent (the engine resolves them later); apply defaults to the rest.
      return { inputs: { ...(toPlain(parsed.data) as Record<string, unknown>), ...pick(raw, unknown) } };
    },

    async diff(_id, rawOlds, rawNews) {
      // Defaults on both sides: state written before an input existed, or news that skipped check.
      const olds = { ...defaultsFor(def.schema, rawOlds), ...rawOlds };
      const news = withInherited(olds, { ...defaultsFor(def.schema, rawNews), ...rawNews });
      const changed = diffKeys.filter((k) => isUnknown(news[k]) || !sameValue(olds[k], news[k]));
      const replaces = changed.filter((k) => !def.updatable.includes(k));
      const nameKept = def.nameKey !== undefined && !changed.includes(def.nameKey);
      return {
        changes: changed.length > 0,
        ...(replaces.length > 0 ? { replaces } : {}),
        ...(replaces.length > 0 && nameKept ? { deleteBeforeReplace: true } : {}),
      };
    },

    async create(inputs) {
      const args = def.schema.parse(inputsOnly(inputs)) as Args;
      const label = String(def.nameKey ? args[def.nameKey] : def.type);
      const ctx = context(args, "create", label);
      let api: Api;
      try {
        api = await def.create(ctx, args);
      } catch (error) {
        if (!(error instanceof BarrackError) || !error.ambiguous) throw error;
        ctx.log(`the create request's outcome is unknown (${error.message}); looking it up by name instead of sending it again`);
        const found = await findAfterAmbiguousCreate(ctx, () => def.findExisting(ctx, args));
        if (!found) {
          throw new Error(`${def.type} "${label}" was not created: the request failed (${error.message}) and no such resource exists`);
        }
        ctx.log(`adopted ${def.idOf(found)}, which the lost request had created`);
        api = found;
      }
      const id = def.idOf(api);
      try {
        api = await waitReady(ctx, api, "create");
        if (def.afterCreate) api = await waitReady(ctx, await def.afterCreate(ctx, api, args), "create");
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

    async update(id, olds, news) {
      const args = def.schema.parse(inputsOnly(news)) as Args;
      const label = String(def.nameKey ? args[def.nameKey] : id);
      const ctx = context(args, "update", label);
      let api = await def.get(ctx.client, id);
      // A resource recorded by a partial create comes back here: finish waiting for it first.
      api = await waitReady(ctx, api, "create");
      const wanted = withInherited(olds, news);
      const changed = diffKeys.filter((k) => !sameValue(olds[k], wanted[k]));
      if (changed.length > 0 && def.update) {
        api = await def.update(ctx, id, olds as unknown as Outs, args, changed);
        api = await waitReady(ctx, api, "update");
      }
      return { outs: plainOutputs(args, api, olds) };
    },

    async delete(id, props) {
      const args = argsFromState(props);
      const ctx = context(args, "delete", id);
      try {
        await def.remove(ctx, id, props as unknown as Outs);
      } catch (error) {
        if (error instanceof BarrackNotFoundError) return;
        throw error;
      }
      await ctx.waitFor(
        `${id} to be deleted`,
        async () => {
          try {
            return await def.get(ctx.client, id);
          } catch (error) {
            if (error instanceof BarrackNotFoundError) return undefined;
            throw error;
          }
        },
        (api) => api === undefined,
        (api) => (api === undefined ? "deleted" : def.describe(api)),
      );
    },
  };
}

/** A lost create may commit a moment later: look a few times before concluding nothing was made. */
async function findAfterAmbiguousCreate<T>(ctx: OperationContext, find: () => Promise<T | undefined>): Promise<T | undefined> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() + 1000 * 2 ** attempt > ctx.deadline) break;
    await sleep(500 * 2 ** attempt);
  }
  return undefined;
}

const POLL_MIN_MS = 100;
function pollMaxMs(): number {
  const configured = Number(process.env.BARRACK_POLL_MAX_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : 5000;
}
const PROGRESS_EVERY_MS = 30_000;

async function poll<T>(
  what: string,
  get: () => Promise<T>,
  settled: (value: T) => boolean,
  describe: (value: T) => string,
  deadline: number,
  log: (message: string) => void,
): Promise<T> {
  const started = Date.now();
  let delay = POLL_MIN_MS;
  let lastState = "";
  let lastProgress = started;
  for (;;) {
    const value = await get();
    if (settled(value)) return value;
    const state = describe(value);
    const now = Date.now();
    if (state !== lastState || now - lastProgress >= PROGRESS_EVERY_MS) {
      log(`waiting for ${what}: ${state} (${Math.round((now - started) / 1000)}s elapsed)`);
      lastState = state;
      lastProgress = now;
    }
    if (now >= deadline) {
      throw new WaitTimeout(`gave up waiting for ${what} after ${Math.round((now - started) / 1000)}s (last seen: ${state}); raise the resource's \`timeouts\` input to wait longer`, value);
    }
    await sleep(Math.min(delay, Math.max(0, deadline - now)));
    delay = Math.min(delay * 2, pollMaxMs());
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function stripUnknown(value: unknown): unknown {
  if (isUnknown(value)) return undefined;
  if (Array.isArray(value)) return value.map(stripUnknown);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripUnknown(v)]).filter(([, v]) => v !== undefined));
  }
  return value;
}

/**
 * " (got …)" for a short, plain offending value: the engine prints nested values as `{<nil>}`. Long or
 * multi-line text (keys, scripts) is never echoed into logs.
 */
function shownValue(inputs: Record<string, unknown>, path: readonly PropertyKey[]): string {
  let value: unknown = inputs;
  for (const key of path) value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  const plain = typeof value === "number" || typeof value === "boolean" || (typeof value === "string" && value.length <= 40 && !/\s{2}|\n|PRIVATE/.test(value));
  return plain ? ` (got ${JSON.stringify(value)})` : "";
}

/** Each top-level field that holds no unknown, parsed alone (defaults applied); absent ones defaulted. */
function knownFieldsWithDefaults(schema: z.ZodObject, raw: Record<string, unknown>, unknown: string[]): Record<string, unknown> {
  const tops = new Set(unknown.map((p) => p.split(".")[0]));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    if (tops.has(key)) continue;
    const parsed = (field as z.ZodType).safeParse(raw[key]);
    const value = parsed.success ? parsed.data : raw[key];
    if (value !== undefined) out[key] = toPlain(value);
  }
  return out;
}

function defaultsFor(schema: z.ZodObject, present: Record<string, unknown>): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    if (present[key] !== undefined) continue;
    const parsed = (field as z.ZodType).safeParse(undefined);
    if (parsed.success && parsed.data !== undefined) defaults[key] = toPlain(parsed.data);
  }
  return defaults;
}

function pick(source: Record<string, unknown>, paths: string[]): Record<string, Plain> {
  const tops = new Set(paths.map((p) => p.split(".")[0]));
  return Object.fromEntries([...tops].map((k) => [k, source[k] as Plain]));
}
