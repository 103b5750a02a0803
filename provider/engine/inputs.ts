/**
 * Input plumbing for `check` and `diff`: preview unknowns, defaults, and failures that never echo a
 * secret or a huge value.
 */
import { z } from "zod";
import type { CheckFailure } from "./crud";
import { valueAt } from "../client/validation";
import { Plain, isUnknown, toPlain } from "./values";

export function stripUnknown(value: unknown): unknown {
  if (isUnknown(value)) return undefined;
  if (Array.isArray(value)) return value.map(stripUnknown);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripUnknown(v)]).filter(([, v]) => v !== undefined));
  }
  return value;
}

export function showValue(value: unknown): string {
  const text = JSON.stringify(value) ?? "unset";
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Values longer than this, or that look like key material, are never echoed by the engine. */
const ECHO_MAX_CHARS = 200;

/**
 * A check failure for `path`. The engine prints a failure's top-level property value with it
 * (`property x value {…} has a problem`): for key material or a long value, the property is named in the
 * reason instead, so the engine has no value to print. Short plain nested values are shown as "(got …)".
 */
export function failureFor(inputs: Record<string, unknown>, path: readonly PropertyKey[], message: string): CheckFailure {
  const property = path.map(String).join(".") || "(inputs)";
  if (path.length > 0 && isSensitive(valueAt(inputs, path).value)) return { property: "", reason: `property ${property}: ${message} (value not shown)` };
  return { property, reason: message + (path.length > 1 ? shownValue(inputs, path) : "") };
}

export function isSensitive(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > ECHO_MAX_CHARS || /PRIVATE KEY|BEGIN [A-Z ]*KEY|\n/.test(text);
}

/** " (got …)" for a short, plain nested value (the engine shows nested values as `{<nil>}`). */
export function shownValue(inputs: Record<string, unknown>, path: readonly PropertyKey[]): string {
  const { value } = valueAt(inputs, path);
  const plain = typeof value === "number" || typeof value === "boolean" || (typeof value === "string" && value.length <= 40 && !isSensitive(value));
  return plain ? ` (got ${JSON.stringify(value)})` : "";
}

/** Each top-level field that holds no unknown, parsed alone (defaults applied); absent ones defaulted. */
export function knownFieldsWithDefaults(schema: z.ZodObject, raw: Record<string, unknown>, unknown: string[]): Record<string, unknown> {
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

export function defaultsFor(schema: z.ZodObject, present: Record<string, unknown>): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    if (present[key] !== undefined) continue;
    const parsed = (field as z.ZodType).safeParse(undefined);
    if (parsed.success && parsed.data !== undefined) defaults[key] = toPlain(parsed.data);
  }
  return defaults;
}

export function pick(source: Record<string, unknown>, paths: string[]): Record<string, Plain> {
  const tops = new Set(paths.map((p) => p.split(".")[0]));
  return Object.fromEntries([...tops].map((k) => [k, source[k] as Plain]));
}
