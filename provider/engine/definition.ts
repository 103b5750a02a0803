/**
 * What a resource module states to the CRUD engine (./crud.ts): its schema, which inputs update in place,
 * its API calls, readiness rule and outputs; and the shapes the engine and the shim share.
 */
import { z } from "zod";
import type { BarrackClient } from "../client";
import type { NamedKind } from "../platform";
import { parseDuration } from "./values";

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
  /** True when the resource's name came from autonaming (only this stack's resource can hold it). */
  autonamed: boolean;
  /** Polls `get` until `settled` says done, logging progress; throws a `WaitTimeout` at the deadline. */
  waitFor<T>(what: string, get: () => Promise<T>, settled: (value: T) => boolean, describe: (value: T) => string): Promise<T>;
}

export type Readiness = "ready" | "pending" | "failed";

/** Where a dynamic resource's state keeps its serialized provider (the shim's text). */
export const PROVIDER_KEY = "__provider";

/** What old values handed to `comparable` stand for (see there). */
export type OldsKind = "object" | "inputs";

/** The inputs whose hourly cost a plan counts (see `costBasis`). */
export interface CostBasis {
  before?: Record<string, unknown>;
  after: Record<string, unknown>;
}

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

/** `importId`: the id of an existing object to adopt instead of creating one. */
export const importIdSchema = z.string({ error: "must be the id of an existing object, such as BRK-000123V" }).min(1, { error: "must not be empty" }).optional();

export interface ResourceDefinition<S extends z.ZodObject, Api, Outs extends object> {
  /** Resource type name, as in the type token `pulumi-nodejs:dynamic/barrack:<type>`. */
  type: string;
  /** Inputs (camelCase), with defaults applied; must include `timeouts: timeoutsSchema` and `importId: importIdSchema`. */
  schema: S;
  /** Inputs changed in place by `update`; a change to any other input replaces the resource. */
  updatable: readonly (keyof z.output<S> & string)[];
  /** Inputs that never cause a diff (deadlines, opt-in flags). `importId` never does either. */
  noDiff?: readonly (keyof z.output<S> & string)[];
  /**
   * Inputs that, when omitted, mean "whatever the API chose" (e.g. what a snapshot restore inherits): an
   * omitted one is compared as its stored value, so the chosen value is not read as a change.
   */
  inheritedWhenOmitted?: readonly (keyof z.output<S> & string)[];
  /** Input holding the name, unique in the API (NAME_RULES[nameKind]): autonamed when omitted. */
  nameKey?: keyof z.output<S> & string;
  /** Which name rules apply (length, characters, where unique). */
  nameKind?: NamedKind;
  /**
   * In-place inputs that also say whose an existing same-named object is (a script's content): with
   * replace-only inputs, they must match before a name conflict is resolved by adopting the object.
   */
  identityKeys?: readonly (keyof z.output<S> & string)[];
  /** Default deadlines, e.g. `{ create: "30m", update: "30m", delete: "20m" }`. */
  defaultTimeouts: { create: string; update: string; delete: string };
  /**
   * Rules zod can't express (cross-field, or against the old inputs). No API calls but through `lookup`,
   * which gives a client only when credentials are set (read-only calls, e.g. the live GPU catalogue).
   */
  validate?(news: z.output<S>, olds: Partial<z.output<S>> | undefined, lookup: () => BarrackClient | undefined): CheckFailure[] | Promise<CheckFailure[]>;
  /**
   * The rules that can be checked at preview while some inputs are still unknown (ids of objects made in
   * the same plan), which `validate` waits for: `raw` holds the inputs as sent (unknown ones as the
   * UNKNOWN sentinel); `known`, the parsed inputs when none that `previewNoteInputs` names is unknown.
   * Read-only calls through `lookup`, as in `validate`.
   */
  validateUnknown?(raw: Record<string, unknown>, known: Partial<z.output<S>> | undefined, lookup: () => BarrackClient | undefined): CheckFailure[] | Promise<CheckFailure[]>;
  /**
   * Read-only preview warnings (e.g. GPU stock) about what this plan would do: `previous` holds the old
   * inputs (undefined on create), so warn only about what changes. Lookup failures are ignored.
   */
  warnings?(news: z.output<S>, previous: Partial<z.output<S>> | undefined, client: BarrackClient): Promise<string[]>;
  /** Read-only preview information with the same inputs (e.g. what the plan will cost per hour). */
  previewInfo?(news: z.output<S>, previous: Partial<z.output<S>> | undefined, client: BarrackClient): Promise<string[]>;
  /**
   * The inputs `warnings` and `previewInfo` need known. When set, the notes are given while other inputs
   * are still unknown at preview (e.g. the id of an SSH key made in the same plan), with the known inputs
   * only (an unknown one is absent); otherwise they wait until every input is known.
   */
  previewNoteInputs?: readonly (keyof z.output<S> & string)[];
  /**
   * Why an in-place change cannot be applied to the object as it is now (its stored outputs, as the last
   * refresh saw them), e.g. a volume that grew outside Pulumi: printed as a warning by diff, so preview
   * says it (diff must not fail: refresh runs it too). `update` refuses such a change itself.
   */
  changeProblem?(olds: Record<string, unknown>, news: Record<string, unknown>): string | undefined;
  /**
   * True when a replacement cannot exist beside the object it replaces (it needs something the old one
   * holds, e.g. volumes attached to it): the engine then deletes the old one first, as for a kept name.
   */
  replaceDeletesFirst?(olds: Record<string, unknown>, news: Record<string, unknown>): boolean;
  /**
   * Puts old values and new inputs in comparable form (e.g. an SSH key by its key data only). `oldsAre`
   * says what the olds are: "object", what the object is (its stored outputs, or the object read as
   * inputs); "inputs", only the inputs it was last deployed with, which may not say everything it is
   * (e.g. which of several acceptable placements an instance took).
   */
  comparable?(olds: Record<string, unknown>, news: Record<string, unknown>, oldsAre: OldsKind): [Record<string, unknown>, Record<string, unknown>];
  /**
   * What the plan's hourly cost counts for this resource, when that is not its inputs (an instance that
   * takes one of several choices at create costs the one it would take): `before` what the existing
   * object bills as (absent on create), `after` what it will. Read-only lookups; undefined, or a
   * failure, counts `previous` and `news` themselves.
   */
  costBasis?(news: Record<string, unknown>, previous: Record<string, unknown> | undefined, client: BarrackClient): Promise<CostBasis | undefined>;

  /** Issues the create call(s) and returns the object as the API answered (it may not be ready yet). */
  create(ctx: OperationContext, args: z.output<S>): Promise<Api>;
  /**
   * Steps after the resource exists and is ready (rules, attachments, power state). A failure here is a
   * partial create: the resource is recorded in state and the next `pulumi up` finishes via `update`.
   */
  afterCreate?(ctx: OperationContext, api: Api, args: z.output<S>): Promise<Api>;
  /**
   * Readiness the API's status does not show (e.g. SSH answers), checked after every create and every
   * update, the update that finishes a partial create included. A failure is recorded as a resource
   * that did not finish (partial), so the next `pulumi up` checks again.
   */
  usable?(ctx: OperationContext, api: Api, args: z.output<S>): Promise<void>;
  /** The object that holds this resource's unique name (in its uniqueness scope), if any. */
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

/**
 * A name the engine proposes for a resource whose name was omitted (the plugin's front end: the stack's
 * `pulumi:autonaming` setting). "propose" is used for a new object only (an existing one keeps its name
 * until it is replaced), "enforce" always, "disable" means a name must be given.
 */
export interface NameProposal {
  mode: "propose" | "enforce" | "disable";
  name?: string;
}

/** What a front end may add to an operation beyond its inputs. */
export interface OperationOptions {
  /** The deadline the engine gives (`customTimeouts`), in seconds; before the `timeouts` input. */
  timeoutSeconds?: number;
}

/** The provider interface the front ends call (the dynamic ResourceProvider, with typed results). */
export interface ProviderImpl {
  check(olds: Record<string, unknown>, news: Record<string, unknown>, naming?: NameProposal): Promise<{ inputs?: Record<string, unknown>; failures?: CheckFailure[] }>;
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ changes: boolean; replaces?: string[]; deleteBeforeReplace?: boolean }>;
  /** Every input that differs, as `diff` compares them (the plugin's detailed diff). */
  changedInputs(olds: Record<string, unknown>, news: Record<string, unknown>): string[];
  create(inputs: Record<string, unknown>, options?: OperationOptions): Promise<{ id: string; outs: Record<string, unknown> }>;
  read(id: string, props: Record<string, unknown>): Promise<{ id?: string; props?: Record<string, unknown> }>;
  /** The inputs that describe `outs`, an object's outputs (what `pulumi import` records as its inputs). */
  inputsOf(outs: Record<string, unknown>): Record<string, unknown>;
  update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, options?: OperationOptions): Promise<{ outs: Record<string, unknown> }>;
  delete(id: string, props: Record<string, unknown>, options?: OperationOptions): Promise<void>;
  /**
   * The object a killed run's pending create (`inputs`, from the state written at `writtenAt`) made, if
   * one holds its name (read-only); not part of the engine's protocol (deployment/interrupted.ts).
   */
  leftover(inputs: Record<string, unknown>, writtenAt: number | undefined): Promise<Leftover | undefined>;
}

/** An object holding the name a killed run's pending create used. */
export interface Leftover {
  id: string;
  /** Its Barrack name. */
  name: string;
  /** Why it may not be that create's work (it is then left alone); undefined when it is. */
  refusal?: string;
  /** Deletes it, once its create has settled, and waits until it is gone (logging as it goes). */
  remove(): Promise<void>;
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
