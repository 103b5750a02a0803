/**
 * `barrack doctor`: a read-only conformance check of a live endpoint against provider/contract.ts.
 *
 * It calls every read-only operation of the contract (GET, idempotent) and nothing else; an operation
 * that needs an id takes one from a list call, or is skipped when there is none. Each answer is checked
 * against the operation's zod response schema. It also finds out which auth header the API wants
 * (the configured one; on 401 the other) and whether it takes the contract's trailing slashes (on
 * 404/405/3xx it tries the path without), and prints the settings to use.
 *
 * It speaks HTTP itself (not through BarrackClient, which always sends the contract's exact routes and
 * one auth header), with the same settings (resolveSettings) and without retries. The key is only ever
 * put in the auth header; `--json` gives a report safe to attach to a bug report: ids, statuses and
 * field names, no key, no amounts, no names or other values but short codes.
 */
import type { Command } from "commander";
import type { z } from "zod";
import { operations, type Operation, type OperationName } from "../contract";
import type { AuthScheme } from "../config";
import { redact } from "../client/redact";
import { issuePath, valueAt } from "../client/validation";
import { withConnectionOptions, settingsFrom, CliError, type ConnectionOptions, type Io, type Settings } from "./options";

export type RowStatus = "ok" | "http_error" | "schema_mismatch" | "unreachable" | "skipped";

export interface FieldIssue {
  /** E.g. "volumes[0].size_gb". */
  field: string;
  /** What the contract wants, e.g. "integer", "one of ACTIVE | SHUTOFF". */
  expected: string;
  /** What came back, short (≤ 40 characters) or "missing". */
  seen: string;
  /** Fields present next to a missing one that the contract does not know (a renamed field?). */
  unexpectedSiblings?: string[];
}

export interface DoctorRow {
  operation: OperationName;
  method: string;
  /** Route template, e.g. "vms/{vm_id}/". */
  route: string;
  /** The request path sent (ids filled in; without the trailing slash when that is what worked). */
  requestPath?: string;
  status: RowStatus;
  httpStatus?: number;
  /** Short explanation (error code and message, connection error, why skipped). */
  detail?: string;
  issues?: FieldIssue[];
  /** The contract's own confidence in this operation. */
  contract: "confirmed" | "inferred";
  methodConfirmed: boolean;
  durationMs?: number;
}

export interface DoctorReport {
  tool: "barrack doctor";
  generatedAt: string;
  baseUrl: string;
  settings: {
    authScheme: { configured: AuthScheme; detected?: AuthScheme; evidence: string };
    trailingSlash: { accepted?: boolean; evidence: string };
  };
  summary: Record<RowStatus, number>;
  /** Settings lines to use, e.g. "BARRACK_AUTH_SCHEME=x-api-key". */
  recommendations: string[];
  rows: DoctorRow[];
}

/** The read-only operations: GET and idempotent, in contract order. */
export function readOnlyOperations(): OperationName[] {
  return (Object.keys(operations) as OperationName[]).filter((n) => {
    const op: Operation = operations[n];
    return op.method === "GET" && op.idempotent;
  });
}

/** Where the ids of each path parameter come from: a list operation, its array key, the id field. */
const ID_SOURCES: Record<string, { list: OperationName; key: string; field: string }> = {
  vm_id: { list: "listInstances", key: "vms", field: "vm_id" },
  key_id: { list: "listSshKeys", key: "ssh_keys", field: "key_id" },
  volume_id: { list: "listVolumes", key: "volumes", field: "volume_id" },
  firewall_id: { list: "listFirewalls", key: "firewalls", field: "firewall_id" },
  script_id: { list: "listScripts", key: "scripts", field: "script_id" },
  snapshot_id: { list: "listSnapshots", key: "snapshots", field: "snapshot_id" },
  image_id: { list: "listImages", key: "images", field: "image_id" },
};

/** The operation that detects auth and slashes: needs a key, no id, small answer. */
const PROBE: OperationName = "listRegions";

const placeholders = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

// ---------------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------------

interface Answer {
  kind: "answer" | "unreachable";
  status?: number;
  body?: unknown;
  /** Connection error code or message. */
  error?: string;
  location?: string;
  durationMs: number;
}

export interface DoctorOptions {
  /** Per request. Default 15000. */
  timeoutMs?: number;
}

class Http {
  constructor(private readonly settings: Settings, private readonly timeoutMs: number) {}

  async get(path: string, scheme: AuthScheme): Promise<Answer> {
    const started = Date.now();
    const headers: Record<string, string> = { Accept: "application/json", "User-Agent": "pulumi-barrack-doctor" };
    if (scheme === "x-api-key") headers["X-API-Key"] = this.settings.apiKey;
    else headers.Authorization = `Bearer ${this.settings.apiKey}`;
    try {
      const res = await fetch(new URL(path, this.settings.baseUrl), {
        method: "GET",
        headers,
        // Never follow a redirect: it could carry the key to another host. A 3xx is reported.
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      return { kind: "answer", status: res.status, body, location: res.headers.get("location") ?? undefined, durationMs: Date.now() - started };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const code = err.name === "TimeoutError" ? `timed out after ${this.timeoutMs}ms` : err.cause?.code ?? err.cause?.message ?? err.message;
      return { kind: "unreachable", error: redact(String(code), [this.settings.apiKey]), durationMs: Date.now() - started };
    }
  }
}

const isRouteMiss = (a: Answer): boolean => a.kind === "answer" && (a.status === 404 || a.status === 405 || (a.status! >= 300 && a.status! < 400));
const isOk = (a: Answer): boolean => a.kind === "answer" && a.status! >= 200 && a.status! < 300;
const withoutSlash = (p: string): string => p.replace(/\/+$/, "");

// ---------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------

/** A short rendering of a value: never more than 40 characters. */
export function shortValue(value: unknown): string {
  const text = value === undefined ? "undefined" : JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The keys a zod object schema knows at `path` (undefined when the schema there is not an object). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let cur: unknown = schema;
  const unwrap = (s: unknown): unknown => {
    let x = s as { def?: { type?: string; innerType?: unknown; element?: unknown } } | undefined;
    for (let i = 0; i < 10 && x?.def && ["optional", "nullable", "default", "readonly"].includes(x.def.type ?? ""); i++) x = x.def.innerType as typeof x;
    return x;
  };
  for (const key of path) {
    const s = unwrap(cur) as { def?: { type?: string; element?: unknown }; shape?: Record<string, unknown> } | undefined;
    if (typeof key === "number") {
      if (s?.def?.type !== "array") return undefined;
      cur = s.def.element;
    } else {
      if (!s?.shape) return undefined;
      cur = s.shape[String(key)];
    }
  }
  const s = unwrap(cur) as { shape?: Record<string, unknown> } | undefined;
  return s?.shape ? Object.keys(s.shape) : undefined;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "int" ? "integer" : String(issue.expected);
    case "invalid_value":
      return `one of ${issue.values.map((v) => shortValue(v)).join(" | ")}`.slice(0, 80);
    default:
      return issue.message.slice(0, 80);
  }
}

/** Field issues of a body that does not match `schema`; undefined when it matches. */
export function checkBody(schema: z.ZodType, body: unknown): FieldIssue[] | undefined {
  const parsed = schema.safeParse(body);
  if (parsed.success) return undefined;
  return parsed.error.issues.slice(0, 10).map((issue) => {
    const at = valueAt(body, issue.path);
    const out: FieldIssue = { field: issuePath(issue.path), expected: expectedOf(issue), seen: at.found ? shortValue(at.value) : "missing" };
    if (!at.found && issue.path.length > 0) {
      const parentPath = issue.path.slice(0, -1);
      const parent = valueAt(body, parentPath);
      const known = knownKeys(schema, parentPath);
      if (known && parent.found && parent.value !== null && typeof parent.value === "object" && !Array.isArray(parent.value)) {
        const extra = Object.keys(parent.value).filter((k) => !known.includes(k));
        if (extra.length > 0) out.unexpectedSiblings = extra.slice(0, 5);
      }
    }
    return out;
  });
}

/** Leaf field names whose values are safe to show in a shared report (ids and short codes). */
const SHAREABLE_FIELD = /(^|_)(id|ids|status|region|regions|tier|currency|type|direction|protocol|ethertype|boot_source|volume_type|unit|success|page|limit|total|total_pages|count)$/;

/** The report's issue with values that might be personal or financial replaced by their type. */
function shareableIssue(i: FieldIssue): FieldIssue {
  const leaf = i.field.replace(/\[\d+\]/g, "").split(".").pop() ?? "";
  if (i.seen === "missing" || SHAREABLE_FIELD.test(leaf)) return i;
  let type = "value";
  try {
    const v: unknown = JSON.parse(i.seen);
    type = v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
  } catch {
    type = "string (truncated)";
  }
  return { ...i, seen: `[redacted ${type}]` };
}

// ---------------------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------------------

function errorDetail(a: Answer): string {
  if (a.kind === "unreachable") return a.error ?? "connection failed";
  const body = a.body as { error?: unknown; message?: unknown } | undefined;
  const code = typeof body?.error === "string" ? body.error : undefined;
  const message = typeof body?.message === "string" ? body.message : typeof a.body === "string" ? a.body.replace(/\s+/g, " ") : undefined;
  const parts = [code, message?.slice(0, 120)].filter(Boolean);
  if (a.status! >= 300 && a.status! < 400) parts.push(`redirect${a.location ? ` to ${a.location}` : ""}`);
  return parts.join(": ") || "no error body";
}

export async function runDoctorCheck(settings: Settings, opts: DoctorOptions = {}): Promise<DoctorReport> {
  const http = new Http(settings, opts.timeoutMs ?? 15_000);
  const configured = settings.authScheme;
  const other: AuthScheme = configured === "bearer" ? "x-api-key" : "bearer";
  const header = (s: AuthScheme): string => (s === "bearer" ? "Authorization: Bearer" : "X-API-Key");
  const probePath = operations[PROBE].path;

  // 1. Trailing slashes and auth, on the probe.
  let scheme = configured;
  let slash = true;
  let slashEvidence = "";
  let authEvidence = "";
  let detected: AuthScheme | undefined;
  let first = await http.get(probePath, scheme);
  if (first.kind === "unreachable") {
    const rows = readOnlyOperations().map((name): DoctorRow => row(name, { status: "unreachable", detail: first.error }));
    return report(settings, rows, { configured, evidence: `${settings.baseUrl} is unreachable (${first.error})` }, { evidence: "not checked (unreachable)" }, [
      `The endpoint did not answer (${first.error}): check BARRACK_API_URL / --endpoint and your network.`,
    ]);
  }
  if (isRouteMiss(first)) {
    const bare = await http.get(withoutSlash(probePath), scheme);
    if (!isRouteMiss(bare) && bare.kind === "answer") {
      slash = false;
      const found = bare.status === 401 || bare.status === 403 ? " (the route exists; auth below)" : "";
      slashEvidence = `GET ${probePath} → ${first.status}, GET ${withoutSlash(probePath)} → ${bare.status}${found}`;
      first = bare;
    } else {
      slashEvidence = `GET ${probePath} → ${first.status}, and without the slash → ${bare.status ?? bare.error}`;
    }
  }
  if (first.kind === "answer" && first.status === 401) {
    const alt = await http.get(slash ? probePath : withoutSlash(probePath), other);
    if (isOk(alt)) {
      scheme = other;
      detected = other;
      authEvidence = `${header(configured)} → 401, ${header(other)} → ${alt.status}`;
    } else {
      authEvidence = `the key was refused with both headers (${header(configured)} → 401, ${header(other)} → ${alt.status ?? alt.error}): check the key`;
    }
  } else if (isOk(first)) {
    detected = configured;
    authEvidence = `${header(configured)} → ${first.status}`;
  } else {
    authEvidence = `not determined (GET ${probePath} → ${first.status})`;
  }
  if (slash && !slashEvidence) slashEvidence = isOk(first) ? `GET ${probePath} → ${first.status}` : `not determined (GET ${probePath} → ${first.status})`;

  // 2. Every read-only operation: lists first (they supply ids), then those that need an id.
  const names = readOnlyOperations();
  const answers = new Map<OperationName, DoctorRow>();
  const bodies = new Map<OperationName, unknown>();
  const send = async (name: OperationName, params: Record<string, string>): Promise<DoctorRow> => {
    const op: Operation = operations[name];
    const path = op.path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k] ?? ""));
    let used = slash ? path : withoutSlash(path);
    let a = await http.get(used, scheme);
    if (isRouteMiss(a)) {
      const alt = slash ? withoutSlash(path) : path;
      const b = await http.get(alt, scheme);
      if (!isRouteMiss(b) && b.kind === "answer") {
        a = b;
        used = alt;
      }
    }
    const base = { requestPath: used, durationMs: a.durationMs, httpStatus: a.status };
    if (a.kind === "unreachable") return row(name, { ...base, status: "unreachable", detail: a.error });
    if (!isOk(a)) return row(name, { ...base, status: "http_error", detail: errorDetail(a) });
    bodies.set(name, a.body);
    const issues = checkBody(op.response, a.body);
    if (issues) return row(name, { ...base, status: "schema_mismatch", issues, detail: describeIssue(issues) });
    return row(name, { ...base, status: "ok" });
  };
  const needsId = (n: OperationName): boolean => placeholders(operations[n].path).length > 0;
  for (const name of names.filter((n) => !needsId(n))) answers.set(name, await send(name, {}));
  for (const name of names.filter(needsId)) {
    const params: Record<string, string> = {};
    let missing: string | undefined;
    for (const p of placeholders(operations[name].path)) {
      const source = ID_SOURCES[p];
      const list = source ? (bodies.get(source.list) as Record<string, unknown> | undefined) : undefined;
      const items = list && Array.isArray(list[source!.key]) ? (list[source!.key] as unknown[]) : [];
      const id = items.map((i) => (i !== null && typeof i === "object" ? (i as Record<string, unknown>)[source!.field] : undefined)).find((v): v is string => typeof v === "string" && v !== "");
      const listed = source ? answers.get(source.list) : undefined;
      if (id === undefined) {
        missing = !source ? `skipped (no source for {${p}})`
          : listed && listed.status !== "ok" && listed.status !== "schema_mismatch" ? `skipped (${source.list} failed, no id to read)`
          : "skipped (no object to read)";
      } else {
        params[p] = id;
      }
    }
    answers.set(name, missing ? row(name, { status: "skipped", detail: missing }) : await send(name, params));
  }
  const rows = names.map((n) => answers.get(n)!);

  const recommendations: string[] = [];
  if (detected && detected !== configured) {
    recommendations.push(`BARRACK_AUTH_SCHEME=${detected}   (or pulumi config set barrack:authScheme ${detected}): the API refused ${header(configured)} and accepted ${header(detected)}`);
  } else if (detected) {
    recommendations.push(`BARRACK_AUTH_SCHEME=${detected}   (as configured)`);
  }
  if (!slash) {
    recommendations.push(
      "Trailing slashes are refused: the API answers the routes only without the final '/'. The client sends the contract's routes, " +
        "which all end in '/': provider/contract.ts (and so the client) needs a change; please report this with `barrack doctor --json`.",
    );
  }
  return report(settings, rows, { configured, detected, evidence: authEvidence }, { accepted: slash ? (isOk(first) ? true : undefined) : false, evidence: slashEvidence }, recommendations);
}

function describeIssue(issues: FieldIssue[]): string {
  const [i] = issues;
  if (!i) return "";
  const renamed = i.unexpectedSiblings?.length ? `; unknown field(s) there: ${i.unexpectedSiblings.join(", ")}` : "";
  const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : "";
  const what = i.seen === "missing" ? `is missing (expected ${i.expected})` : `expected ${i.expected}, got ${i.seen}`;
  return `field "${i.field}" ${what}${renamed}${more}`;
}

function row(name: OperationName, fields: Omit<DoctorRow, "operation" | "method" | "route" | "contract" | "methodConfirmed">): DoctorRow {
  const op: Operation = operations[name];
  return { operation: name, method: op.method, route: op.path, contract: op.status, methodConfirmed: op.methodConfirmed, ...fields };
}

function report(
  settings: Settings,
  rows: DoctorRow[],
  authScheme: DoctorReport["settings"]["authScheme"],
  trailingSlash: DoctorReport["settings"]["trailingSlash"],
  recommendations: string[],
): DoctorReport {
  const summary: Record<RowStatus, number> = { ok: 0, http_error: 0, schema_mismatch: 0, unreachable: 0, skipped: 0 };
  for (const r of rows) summary[r.status]++;
  // Whatever a server echoes back (an error message, a value seen), the key is never reported.
  const secret = [settings.apiKey];
  rows = rows.map((r) => ({
    ...r,
    ...(r.detail !== undefined ? { detail: redact(r.detail, secret) } : {}),
    ...(r.issues ? { issues: r.issues.map((i) => ({ ...i, seen: redact(i.seen, secret) })) } : {}),
  }));
  return {
    tool: "barrack doctor",
    generatedAt: new Date().toISOString(),
    baseUrl: settings.baseUrl,
    settings: { authScheme, trailingSlash },
    summary,
    recommendations,
    rows,
  };
}

/** The report with values that could be personal or financial redacted, for `--json`. */
export function shareableReport(r: DoctorReport): DoctorReport {
  return {
    ...r,
    rows: r.rows.map((x) => {
      const out: DoctorRow = { ...x };
      if (x.issues) {
        out.issues = x.issues.map(shareableIssue);
        out.detail = describeIssue(out.issues);
      } else if (x.status === "http_error" && x.detail) {
        // Only the error code: a server's message may quote names.
        out.detail = x.detail.split(":")[0];
      }
      return out;
    }),
  };
}

// ---------------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------------

function statusText(r: DoctorRow): string {
  switch (r.status) {
    case "ok":
      return "ok";
    case "skipped":
      return r.detail ?? "skipped";
    case "unreachable":
      return `unreachable (${r.detail ?? ""})`;
    case "http_error":
      return `HTTP ${r.httpStatus} ${r.detail ?? ""}`.trim();
    case "schema_mismatch":
      return `schema mismatch: ${r.detail ?? ""}`;
  }
}

function contractText(r: DoctorRow): string {
  return r.contract === "confirmed" ? "confirmed" : r.methodConfirmed ? "inferred (verb documented)" : "inferred";
}

export function formatTable(r: DoctorReport): string {
  const header = ["OPERATION", "ROUTE", "CONTRACT", "STATUS"];
  // The route as sent: without its final slash when that is what the API took.
  const route = (x: DoctorRow): string => (x.requestPath && !x.requestPath.endsWith("/") ? x.route.replace(/\/+$/, "") : x.route);
  const lines = r.rows.map((x) => [x.operation, `${x.method} ${route(x)}`, contractText(x), statusText(x)]);
  const width = [0, 1, 2].map((c) => Math.max(header[c]!.length, ...lines.map((l) => l[c]!.length)));
  const fmt = (l: string[]): string => `${l[0]!.padEnd(width[0]!)}  ${l[1]!.padEnd(width[1]!)}  ${l[2]!.padEnd(width[2]!)}  ${l[3]}`.trimEnd();
  const s = r.summary;
  const out = [
    `barrack doctor: ${r.baseUrl}`,
    "",
    fmt(header),
    ...lines.map(fmt),
    "",
    `${r.rows.length} read-only operations: ${s.ok} ok, ${s.schema_mismatch} schema mismatch, ${s.http_error} HTTP error, ${s.unreachable} unreachable, ${s.skipped} skipped`,
    `Auth: ${r.settings.authScheme.evidence}`,
    `Trailing slashes: ${r.settings.trailingSlash.accepted === false ? "refused" : r.settings.trailingSlash.accepted ? "accepted" : "unknown"} (${r.settings.trailingSlash.evidence})`,
  ];
  if (r.recommendations.length) out.push("", "Settings to use:", ...r.recommendations.map((x) => `  ${x}`));
  return `${out.join("\n")}\n`;
}

/** Why the check failed, in one line; undefined when everything works with the configured settings. */
export function failureReason(r: DoctorReport): string | undefined {
  const s = r.summary;
  if (s.unreachable === r.rows.length) return `${r.baseUrl} is unreachable`;
  const reasons: string[] = [];
  const auth = r.settings.authScheme;
  if (auth.detected && auth.detected !== auth.configured) reasons.push(`the API wants BARRACK_AUTH_SCHEME=${auth.detected} (configured: ${auth.configured})`);
  if (r.settings.trailingSlash.accepted === false) reasons.push("the API refuses trailing slashes: the contract's routes need a change");
  const failed = r.rows.filter((x) => x.status !== "ok" && x.status !== "skipped").map((x) => x.operation);
  if (failed.length > 0) {
    reasons.push(`${failed.length} operation(s) do not match the contract: ${failed.slice(0, 6).join(", ")}${failed.length > 6 ? ", …" : ""}`);
  }
  return reasons.length ? reasons.join("; ") : undefined;
}

interface DoctorCliOptions extends ConnectionOptions {
  json?: boolean;
  timeout?: string;
}

export async function runDoctor(opts: DoctorCliOptions, io: Io): Promise<DoctorReport> {
  const settings = settingsFrom(opts, (line) => io.err(line));
  const timeoutMs = opts.timeout !== undefined ? Number(opts.timeout) : undefined;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new CliError("--timeout must be a positive number of milliseconds");
  const r = await runDoctorCheck(settings, { timeoutMs });
  if (opts.json) io.out(`${JSON.stringify(shareableReport(r), null, 2)}\n`);
  else io.out(formatTable(r));
  const reason = failureReason(r);
  if (reason) throw new CliError(reason);
  return r;
}

export function registerDoctor(program: Command, io: Io, run: (action: () => Promise<unknown>, opts: ConnectionOptions) => Promise<void>): void {
  withConnectionOptions(
    program
      .command("doctor")
      .description("read-only check of the endpoint against the contract: every GET operation, auth scheme, trailing slashes")
      .option("--json", "print a machine-readable report (no key, amounts and names redacted) to attach to a bug report")
      .option("--timeout <ms>", "per request (default 15000)"),
  ).action(async (opts: DoctorCliOptions) => run(() => runDoctor(opts, io), opts));
}
