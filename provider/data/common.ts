/**
 * What every data function shares, program side. Data functions run in the Pulumi PROGRAM process
 * (dynamic providers have no invokes), so credentials come from the stack's config (`barrack:apiKey`,
 * `barrack:endpoint`, `barrack:authScheme`), read as plain values (the key is never logged nor turned into
 * an Output), then from the environment (BARRACK_API_KEY, BARRACK_API_URL, BARRACK_AUTH_SCHEME). `opts`
 * override both.
 *
 * This file and the public data modules load nothing but @pulumi/pulumi: the implementations (argument
 * checks with zod, the HTTP client) live in ./calls.ts, required on a data function's first call.
 */
import * as pulumi from "@pulumi/pulumi";

/** Per-call overrides of where and how to reach the API (default: stack config, then environment). */
export interface DataOptions {
  /** The API key (default: `barrack:apiKey` stack config, then BARRACK_API_KEY). */
  apiKey?: string;
  /** The API base URL (default: `barrack:endpoint` stack config, then BARRACK_API_URL, then https://barrack.ai/api/). */
  endpoint?: string;
}

/** Args whose fields may be Pulumi inputs, for the `get…Output()` forms. */
export type InputArgs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** The `get…Output()` form of a data function: resolves its inputs, then calls it. */
export function outputForm<A extends object, R>(
  fn: (args: A, opts?: DataOptions) => Promise<R>,
  args: InputArgs<A> | undefined,
  opts: DataOptions | undefined,
): pulumi.Output<R> {
  return pulumi.output(args ?? {}).apply((resolved) => fn(resolved as unknown as A, opts)) as unknown as pulumi.Output<R>;
}
