/**
 * Turns zod issues on a response into short messages that name the field, e.g.
 * `response field "vm.status": expected string, got number`. Only types and short enum values are quoted
 * from the body, never whole values.
 */
import type { z } from "zod";
import type { ResponseIssue } from "./errors";

type Issue = z.core.$ZodIssue;

/** The value at `path` inside `data`, and whether it is there at all. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let cur: unknown = data;
  for (const key of path) {
    if (cur === null || typeof cur !== "object" || !(key in (cur as object))) return { found: false, value: undefined };
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: cur };
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && !Number.isInteger(value)) return "non-integer number";
  return typeof value;
}

function shortValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** `vm.status`, `volumes[3].size_gb` (the emulator's notation for `field`). */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(root)" : out;
}

function describe(issue: Issue, data: unknown): string {
  const at = valueAt(data, issue.path);
  switch (issue.code) {
    case "invalid_type": {
      const expected = issue.expected === "int" ? "integer" : issue.expected;
      return at.found ? `expected ${expected}, got ${typeName(at.value)}` : `expected ${expected} (missing)`;
    }
    case "invalid_value": {
      const values = issue.values.map((v) => shortValue(v)).join(" | ");
      return `expected ${values}, got ${at.found ? typeName(at.value) === "string" ? shortValue(at.value) : typeName(at.value) : "nothing (missing)"}`;
    }
    default:
      return issue.message;
  }
}

export function describeIssues(issues: readonly Issue[], data: unknown): ResponseIssue[] {
  return issues.map((issue) => ({ path: issuePath(issue.path), message: describe(issue, data) }));
}
