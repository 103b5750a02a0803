/**
 * Program-side pieces shared by the resource classes: the types every resource's args use, the props a
 * resource registers, and the class they all extend. Plain TypeScript: a program that declares resources
 * loads no zod, no contract and no HTTP client (the provider process loads those, see ./shim.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import type { Direction, Ethertype, Protocol } from "../constants";
import { programInputs } from "../engine/naming";

/** Module of every type token: `pulumi-nodejs:dynamic/barrack:<Type>`. */
const MODULE = "barrack";

/**
 * Deadlines of a resource's operations, as durations such as "90s", "20m" or "1h30m". (Pulumi's
 * `customTimeouts` never reach a dynamic provider, so deadlines are inputs.)
 */
export interface Timeouts {
  /** How long a create may take, waiting until the object is ready. */
  create?: pulumi.Input<string>;
  /** How long an update may take. */
  update?: pulumi.Input<string>;
  /** How long a delete may take, waiting until the object is gone. */
  delete?: pulumi.Input<string>;
}

/** A firewall rule or instance security rule as a program writes it: an allow rule. */
export interface FirewallRuleArgs {
  /** "ingress" (traffic to the instance) or "egress" (from it). */
  direction: pulumi.Input<Direction>;
  /** E.g. "tcp", "udp", "icmp", or "any". */
  protocol: pulumi.Input<Protocol>;
  /** "IPv4" (default) or "IPv6". */
  ethertype?: pulumi.Input<Ethertype>;
  /** The remote side as a CIDR; default everywhere (0.0.0.0/0, or ::/0 for IPv6). */
  remoteIpPrefix?: pulumi.Input<string>;
  /** First port (1–65535) of a tcp/udp/udplite/sctp/dccp rule; set with `portRangeMax` (equal for one port). */
  portRangeMin?: pulumi.Input<number>;
  /** Last port of the range, ≥ `portRangeMin`. */
  portRangeMax?: pulumi.Input<number>;
}

/** A rule as the API reports it (the `rules` and `securityRules` outputs): defaults filled in. */
export interface FirewallRule {
  direction: Direction;
  protocol: Protocol;
  ethertype: Ethertype;
  /** CIDR of the remote side. */
  remoteIpPrefix: string;
  portRangeMin?: number;
  portRangeMax?: number;
}

/** The property names a resource registers: its inputs and the outputs that only the API sets. */
export interface ResourceKeys {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/**
 * The props object a dynamic resource registers: the inputs, plus every other input and output declared
 * as `undefined` (an undeclared output never appears on the resource object). A fresh object each
 * time, because the dynamic Resource constructor mutates it.
 */
function resourceProps(inputs: object, keys: ResourceKeys): Record<string, unknown> {
  const props: Record<string, unknown> = { ...inputs };
  // Inputs are outputs too (as the API reports them), including optional ones the program left out.
  for (const key of [...keys.inputs, ...keys.outputs]) if (!(key in props)) props[key] = undefined;
  return props;
}

/**
 * What a resource class registers. Declared (`new Volume(name, args)`): the args, autonamed when `name`
 * is omitted (see ./naming.ts). Looked up (`Volume.get(name, id)`, i.e. `opts.id` set): no inputs, so
 * the engine reads the object by id and every output comes from the API.
 */
function registration(name: string, args: object | undefined, opts: pulumi.CustomResourceOptions | undefined, keys: ResourceKeys): Record<string, unknown> {
  return resourceProps(opts?.id !== undefined ? {} : programInputs(pulumi, name, args ?? {}), keys);
}

/**
 * What every Barrack resource class extends: a dynamic resource of type `barrack:<type>` served by
 * `provider` (the type's shim, one per class), registering `registration(...)` without the SDK's debug
 * stack captures (`withoutDebugStacks`).
 */
export abstract class BarrackResource extends pulumi.dynamic.Resource {
  protected constructor(
    provider: pulumi.dynamic.ResourceProvider,
    type: string,
    keys: ResourceKeys,
    name: string,
    args: object | undefined,
    opts: pulumi.CustomResourceOptions | undefined,
  ) {
    const limit = withoutDebugStacks();
    try {
      super(provider, name, registration(name, args, opts, keys), withPluginAlias(opts, type), MODULE, type);
    } catch (error) {
      restoreStacks(limit, error, new.target);
      throw error;
    }
    restoreStacks(limit);
  }
}

/**
 * The same resource served by the native plugin has the type `barrack:index:<Type>`: aliased, a stack
 * moved to the plugin's SDK can move back to this package without replacing anything (the plugin's
 * types carry the opposite alias).
 */
function withPluginAlias(opts: pulumi.CustomResourceOptions | undefined, type: string): pulumi.CustomResourceOptions {
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type: `barrack:index:${type}` }] };
}

/**
 * Registering a resource makes @pulumi/pulumi capture `new Error().stack` four times per property (its
 * `debuggablePromise`s keep it for leaked-promise reports only), and under ts-node every capture is
 * source-mapped frame by frame: for a Volume (18 properties) that was most of a preview's program time.
 * The resource constructors therefore register with `Error.stackTraceLimit` at 0 (synchronously, and
 * restored right after; the SDK sets it itself for the source position it records). With
 * PULUMI_DEBUG_PROMISE_LEAKS set, when those stacks are read, the limit is left alone.
 * Returns the limit to restore.
 */
function withoutDebugStacks(): number {
  const limit = Error.stackTraceLimit;
  if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) Error.stackTraceLimit = 0;
  return limit;
}

/**
 * Restores the limit after a registration; an error thrown by it gets its stack (from the `new` in
 * the program) captured again, since it was made without one.
 */
function restoreStacks(limit: number, error?: unknown, constructor?: Function): void {
  const captured = Error.stackTraceLimit;
  Error.stackTraceLimit = limit;
  if (captured === 0 && limit !== 0 && error instanceof Error) Error.captureStackTrace(error, constructor);
}
