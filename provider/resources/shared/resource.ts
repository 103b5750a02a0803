/** Program-side helpers shared by the resource classes. */
import type * as pulumi from "@pulumi/pulumi";
import type { ZodObject } from "zod";

/** Module of every type token: `pulumi-nodejs:dynamic/barrack:<Type>`. */
export const MODULE = "barrack";

/** Turns a plain args type into Pulumi inputs, all the way down (so arrays may hold Outputs). */
export type DeepInput<T> = T extends (infer U)[]
  ? pulumi.Input<DeepInput<U>[]>
  : T extends object
    ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
    : pulumi.Input<T>;

/** Resource args: every field a Pulumi input; `Defaulted` keys optional (e.g. a name from the resource name). */
export type ResourceArgs<T, Defaulted extends keyof T = never> = {
  // Key remapping keeps the mapped type homomorphic, so optional inputs stay optional.
  [K in keyof T as K extends Defaulted ? never : K]: DeepInput<T[K]>;
} & { [K in Defaulted]?: DeepInput<T[K]> };

/**
 * The props object a dynamic resource registers: the args, plus every output declared as `undefined`
 * (an undeclared output never appears on the resource object). A fresh object each time, because the
 * dynamic Resource constructor mutates it.
 */
export function resourceProps(args: object, schema: ZodObject, outputKeys: readonly string[]): Record<string, unknown> {
  const props: Record<string, unknown> = { ...args };
  // Inputs are outputs too (as the API reports them), including optional ones the program left out.
  for (const key of [...Object.keys(schema.shape), ...outputKeys]) if (!(key in props)) props[key] = undefined;
  return props;
}

/** The resource's own name unless the args name it (an explicit `undefined` also means "default"). */
export function withName<T extends { name?: unknown }>(name: string, args: T): T & { name: NonNullable<T["name"]> | string } {
  return { ...args, name: args.name ?? name };
}
