/**
 * Which inputs change a resource in place and which replace it, as its provider decides: each input is
 * changed alone and handed to the provider's `diff` (defineProvider in engine/crud.ts, which
 * applies the definition's `updatable` and `noDiff`). No API call is made: `diff` compares inputs only.
 */
import { z } from "zod";

export type Change = "inPlace" | "replaces" | "none";

interface Differ {
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ changes: boolean; replaces?: string[] }>;
}

/** The provider object of a resource folder (`<folder>Provider` in provider/resources/<folder>/provider.ts). */
export function providerOf(folder: string): Differ {
  const module = require(`../../resources/${folder}/provider`) as Record<string, unknown>;
  const impl = module[`${folder}Provider`] as Differ | undefined;
  if (typeof impl?.diff !== "function") throw new Error(`provider/resources/${folder}/provider.ts exports no ${folder}Provider`);
  return impl;
}

/** The args schema of a resource folder (`<folder>ArgsSchema` in provider/resources/<folder>/args.ts). */
export function argsSchemaOf(folder: string): z.ZodObject {
  const module = require(`../../resources/${folder}/args`) as Record<string, unknown>;
  const schema = module[`${folder}ArgsSchema`];
  if (!(schema instanceof z.ZodObject)) throw new Error(`provider/resources/${folder}/args.ts exports no ${folder}ArgsSchema`);
  return schema;
}

/** Input name → what a change to it alone does. */
export async function changesOf(folder: string, inputs: readonly string[]): Promise<Map<string, Change>> {
  const provider = providerOf(folder);
  const result = new Map<string, Change>();
  for (const key of inputs) {
    // Two distinct strings: the diff compares values, it does not validate them.
    const { changes, replaces = [] } = await provider.diff("schema-probe", { [key]: "schema-probe-old" }, { [key]: "schema-probe-new" });
    result.set(key, !changes ? "none" : replaces.includes(key) ? "replaces" : "inPlace");
  }
  return result;
}
