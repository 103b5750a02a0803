/**
 * The one error type of the emulator. Handlers throw `ApiError`; the server turns it into the contract's
 * error body `{ success: false, error, message, field?, request_id }` (decision 4).
 */
import type { z } from "zod";
import { ERROR_CODES } from "../provider/contract";

export interface ApiErrorExtra {
  /** For 409s about state: the object's status at the time (additive field, not in the contract). */
  currentStatus?: string;
  /** Sets a `Retry-After` header (seconds). */
  retryAfterSeconds?: number;
  /** Overrides the `error` code derived from the status. */
  code?: string;
}

export class ApiError extends Error {
  readonly code: string;
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly extra: ApiErrorExtra = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.code = extra.code ?? (ERROR_CODES as Record<number, string>)[status] ?? (status >= 500 ? "internal_error" : "invalid_request");
  }

  body(requestId: string): Record<string, unknown> {
    const body: Record<string, unknown> = { success: false, error: this.code, message: this.message };
    if (this.field !== undefined) body.field = this.field;
    if (this.extra.currentStatus !== undefined) body.current_status = this.extra.currentStatus;
    body.request_id = requestId;
    return body;
  }
}

/** 400 naming the wire field (in `field`, and in the message, which is prefixed with it if it lacks it). */
export function badRequest(field: string, message: string): never {
  throw new ApiError(400, message.includes(field) ? message : `${field}: ${message}`, field);
}

export function notFound(message: string): never {
  throw new ApiError(404, message);
}

export function conflict(message: string, currentStatus?: string): never {
  throw new ApiError(409, message, undefined, currentStatus === undefined ? {} : { currentStatus });
}

/** 409 for an action attempted in the wrong state; the message names the current status. */
export function wrongState(what: string, id: string, status: string, action: string, allowed: readonly string[]): never {
  return conflict(`cannot ${action} ${what} ${id}: it is ${status}; ${action} needs ${allowed.join(" or ")}`, status);
}

// ---------------------------------------------------------------------------------------------------
// zod issues → 400 naming the field and what is allowed
// ---------------------------------------------------------------------------------------------------

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

const EXPECTED: Record<string, string> = {
  int: "an integer",
  number: "a number",
  string: "a string",
  boolean: "a boolean (true or false)",
  array: "an array",
  object: "an object",
};

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "number" && !Number.isInteger(v)) return `the number ${v}`;
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

interface SchemaNode {
  _zod?: { def?: { type?: string; innerType?: SchemaNode; shape?: Record<string, SchemaNode>; element?: SchemaNode } };
  isInt?: boolean;
}

/** The sub-schema at a path (through optional/nullable wrappers), to say "an integer" rather than "a number". */
function schemaAt(schema: SchemaNode | undefined, path: readonly PropertyKey[]): SchemaNode | undefined {
  let cur = schema;
  const unwrap = (): void => {
    while (cur?._zod?.def?.innerType) cur = cur._zod.def.innerType;
  };
  unwrap();
  for (const part of path) {
    const def = cur?._zod?.def;
    cur = typeof part === "number" ? def?.element : def?.shape?.[String(part)];
    unwrap();
  }
  return cur;
}

/** The first zod issue as a 400. `root` names the whole input (e.g. "body") when the path is empty. */
export function zodError(error: z.ZodError, input: unknown, root = "body", schema?: z.ZodType): ApiError {
  const issue = error.issues[0];
  const path = issue.path as PropertyKey[];
  const field = fieldPath(path) || root;
  const value = valueAt(input, path);
  switch (issue.code) {
    case "invalid_type": {
      const wantsInt = issue.expected === "number" && schemaAt(schema as SchemaNode | undefined, path)?.isInt === true;
      const expected = wantsInt ? EXPECTED.int : EXPECTED[issue.expected] ?? issue.expected;
      if (path.length === 0) return new ApiError(400, `request ${root} must be a JSON object`, field);
      if (value === undefined) return new ApiError(400, `${field} is required: ${expected}`, field);
      return new ApiError(400, `${field} must be ${expected}, not ${describeValue(value)}`, field);
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => String(v)).join(", ");
      if (value === undefined) return new ApiError(400, `${field} is required: one of ${allowed}`, field);
      return new ApiError(400, `${field} must be one of ${allowed}, not ${describeValue(value)}`, field);
    }
    case "too_small": {
      const min = String(issue.minimum);
      if (issue.origin === "array") return new ApiError(400, `${field} must have at least ${min} item(s)`, field);
      if (issue.origin === "string") return new ApiError(400, `${field} must be at least ${min} character(s) long`, field);
      return new ApiError(400, `${field} must be ${issue.inclusive ? "at least" : "greater than"} ${min}`, field);
    }
    case "too_big": {
      const max = String(issue.maximum);
      if (issue.origin === "array") return new ApiError(400, `${field} must have at most ${max} item(s)`, field);
      if (issue.origin === "string") return new ApiError(400, `${field} must be at most ${max} character(s) long`, field);
      return new ApiError(400, `${field} must be ${issue.inclusive ? "at most" : "less than"} ${max}`, field);
    }
    default:
      return new ApiError(400, `${field}: ${issue.message}`, field);
  }
}

/** Parses with a zod schema or throws the first issue as a 400. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, root = "body"): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw zodError(result.error, input, root, schema);
  return result.data;
}
