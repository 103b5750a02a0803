/**
 * What every data function shares. Data functions run in the Pulumi PROGRAM process (dynamic providers
 * have no invokes), so credentials come from the stack's config (`barrack:apiKey`, `barrack:endpoint`,
 * `barrack:authScheme`), read as plain values (the key is never logged nor turned into an Output), then
 * from the environment (BARRACK_API_KEY, BARRACK_API_URL, BARRACK_AUTH_SCHEME). `opts` override both.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { BarrackClient } from "../client";
import { CONFIG_KEYS, sharedClient } from "../config";

/** Per-call overrides of where and how to reach the API (default: stack config, then environment). */
export interface DataOptions {
  apiKey?: string;
  endpoint?: string;
}

/** Args whose fields may be Pulumi inputs, for the `get…Output()` forms. */
export type InputArgs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** The shared client for a data call: options, then stack config, then the environment. */
export function dataClient(opts: DataOptions = {}): BarrackClient {
  return sharedClient({
    apiKey: opts.apiKey ?? stackConfig(CONFIG_KEYS.apiKey),
    endpoint: opts.endpoint ?? stackConfig(CONFIG_KEYS.endpoint),
    authScheme: stackConfig(CONFIG_KEYS.authScheme),
  });
}

/**
 * A stack config value as plain text. `pulumi.runtime.getConfig` reads it without marking it secret
 * (so results derived from it stay plain) and without a warning; outside a program it is undefined.
 */
function stackConfig(key: string): string | undefined {
  const value = pulumi.runtime.getConfig(key);
  return value !== undefined && value.trim() !== "" ? value : undefined;
}

/** Validates a data function's args, failing with every problem named (`getGpuStock: region must be …`). */
export function parseArgs<S extends z.ZodType>(fn: string, schema: S, args: unknown): z.output<S> {
  const parsed = schema.safeParse(args ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return path ? `${path} ${issue.message}` : issue.message;
  });
  throw new Error(`${fn}: ${problems.join("; ")}`);
}

/** The `get…Output()` form of a data function: resolves its inputs, then calls it. */
export function outputForm<A extends object, R>(
  fn: (args: A, opts?: DataOptions) => Promise<R>,
  args: InputArgs<A> | undefined,
  opts: DataOptions | undefined,
): pulumi.Output<R> {
  return pulumi.output(args ?? {}).apply((resolved) => fn(resolved as unknown as A, opts)) as unknown as pulumi.Output<R>;
}
