/**
 * Type-level tools for checking that a hand-written public type and a zod schema's type agree: same
 * keys, same optionality, the same value types (Pulumi inputs unwrapped), all the way down.
 *
 *   export const volume: Agreement<VolumeArgs, z.input<typeof volumeArgsSchema>> = "agree";
 *
 * compiles only when they agree; otherwise the error names the keys that differ, e.g.
 * `Type '"agree"' is not assignable to type '{ disagree: "sizeGb" }'`.
 */
import type * as pulumi from "@pulumi/pulumi";

/** The plain value a type stands for: Pulumi Inputs/Outputs and Promises unwrapped, all the way down. */
export type Norm<T> = T extends pulumi.OutputInstance<infer U>
  ? Norm<U>
  : T extends Promise<infer U>
    ? Norm<U>
    : T extends readonly (infer E)[]
      ? Norm<E>[]
      : T extends object
        ? { [K in keyof T]: Norm<T[K]> }
        : T;

/** Exact type identity (not mere assignability). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];

/** The object members of a (possibly `| undefined`) type, unwrapped; never for a non-object. */
type ObjectPart<T> = Extract<Exclude<Norm<T>, undefined>, object>;
type IsPlainObject<T> = [ObjectPart<T>] extends [never] ? false : ObjectPart<T> extends readonly unknown[] ? false : true;

/**
 * The dotted paths where A and B differ: a key on one side only, a key optional on one side only, or
 * different value types (unwrapped). Nested objects are compared key by key, so the path is precise.
 */
export type Disagreements<A, B, Prefix extends string = ""> =
  | `${Prefix}${Exclude<keyof A, keyof B> & string}`
  | `${Prefix}${Exclude<keyof B, keyof A> & string}`
  | {
      [K in keyof A & keyof B & string]: (K extends OptionalKeys<A> ? true : false) extends (K extends OptionalKeys<B> ? true : false)
        ? IsPlainObject<A[K]> extends true
          ? IsPlainObject<B[K]> extends true
            ? Disagreements<ObjectPart<A[K]>, ObjectPart<B[K]>, `${Prefix}${K}.`> | EqualModuloObjects<A[K], B[K], `${Prefix}${K}`>
            : `${Prefix}${K}`
          : Equal<Norm<A[K]>, Norm<B[K]>> extends true
            ? never
            : `${Prefix}${K}`
        : `${Prefix}${K} (optional on one side only)`;
    }[keyof A & keyof B & string];

/** For object-valued members (their objects compared key by key): whether the rest (e.g. `| string`) agrees. */
type EqualModuloObjects<A, B, Path extends string> = Equal<Exclude<Norm<A>, object>, Exclude<Norm<B>, object>> extends true ? never : Path;

/** "agree" when A and B agree; else an object naming where they differ. */
export type Agreement<A, B> = [Disagreements<A, B>] extends [never] ? "agree" : { disagree: Disagreements<A, B> };

/** The schema side of a resource whose `name` the provider fills in when omitted (autonaming). */
export type Autonamed<T> = T extends { name: infer N } ? Omit<T, "name"> & { name?: N } : T;

/** "agree" when two unions of keys are the same set. */
export type SameKeys<A extends PropertyKey, B extends PropertyKey> = [Exclude<A, B> | Exclude<B, A>] extends [never]
  ? "agree"
  : { onlyInFirst: Exclude<A, B>; onlyInSecond: Exclude<B, A> };

/** The outputs a resource class declares (`declare readonly x: pulumi.Output<T>`), as plain values. */
export type DeclaredOutputs<C> = {
  [K in keyof C as K extends "id" | "urn" ? never : C[K] extends pulumi.OutputInstance<unknown> ? K : never]: C[K] extends pulumi.OutputInstance<infer T> ? T : never;
};

/** Same value types once `undefined` is set aside (outputs are often absent), in both directions. */
type SameDefined<A, B> = [Exclude<A, undefined>] extends [Exclude<B, undefined>] ? ([Exclude<B, undefined>] extends [Exclude<A, undefined>] ? true : false) : false;

/**
 * "agree" when every output class C declares exists in the provider's outputs O with the same type
 * (C may declare fewer: inputs such as `timeouts` are not re-declared as outputs); else the keys.
 */
export type OutputAgreement<C, O> = {
  [K in keyof DeclaredOutputs<C>]: K extends keyof O ? (SameDefined<DeclaredOutputs<C>[K], O[K]> extends true ? never : K) : K;
}[keyof DeclaredOutputs<C>] extends infer D
  ? [D] extends [never]
    ? "agree"
    : { disagree: D }
  : never;
