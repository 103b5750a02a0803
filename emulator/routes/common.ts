/**
 * What every route group shares: the handler types (one handler per contract operation, checked by the
 * compiler against the operation's response type) and query helpers (pagination, region filter).
 */
import type { z } from "zod";
import {
  DEFAULT_PAGE_LIMIT,
  REGIONS,
  listQuerySchema,
  type ListQuery,
  type OperationName,
  type Operations,
  type Region,
  type ResponseOf,
} from "../../provider/contract";
import { badRequest, parseOrThrow } from "../errors";
import type { Store } from "../store";

export type Query = Record<string, string | string[] | undefined>;

/** The parsed (zod output) body of an operation, `undefined` for body-less ones. */
export type BodyOut<N extends OperationName> = Operations[N]["body"] extends z.ZodType ? z.output<Operations[N]["body"]> : undefined;

/** A response without the envelope fields the server adds. */
export type Payload<N extends OperationName> = Omit<ResponseOf<N>, "success" | "message" | "request_id">;

export interface Ctx<N extends OperationName> {
  params: Record<string, string>;
  query: Query;
  body: BodyOut<N>;
  store: Store;
  /** Whether the request carried a valid key (pricing is public, and says who asked). */
  authenticated: boolean;
}

export interface Reply<N extends OperationName> {
  status?: number;
  message: string;
  data: Payload<N>;
}

export type Handler<N extends OperationName> = (ctx: Ctx<N>) => Reply<N>;
export type Handlers = { [N in OperationName]: Handler<N> };

// ---------------------------------------------------------------------------------------------------
// Query helpers
// ---------------------------------------------------------------------------------------------------

/** A single query value (a repeated parameter is a 400). */
export function queryValue(query: Query, name: string): string | undefined {
  const v = query[name];
  if (Array.isArray(v)) badRequest(name, `${name} must be given at most once`);
  return v === "" ? undefined : v;
}

/** page/limit/region checked with the contract's `listQuerySchema` (numbers coerced from the query text). */
function listQuery(query: Query): ListQuery {
  const raw: Record<string, unknown> = {};
  for (const name of ["page", "limit"] as const) {
    const v = queryValue(query, name);
    if (v !== undefined) raw[name] = /^-?\d+$/.test(v) ? Number(v) : v;
  }
  const region = queryValue(query, "region");
  if (region !== undefined) raw.region = REGIONS.find((r) => r.toLowerCase() === region.toLowerCase()) ?? region;
  return parseOrThrow(listQuerySchema, raw, "query");
}

export function queryBool(query: Query, name: string): boolean {
  const raw = queryValue(query, name);
  if (raw === undefined) return false;
  const v = raw.toLowerCase();
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  return badRequest(name, `${name} must be true or false (got ${JSON.stringify(raw)})`);
}

/** Optional `region` filter, matched case-insensitively against the contract's regions. */
export function queryRegion(query: Query): Region | undefined {
  return listQuery(query).region;
}

export function filterRegion<T extends { region: Region }>(items: T[], query: Query): T[] {
  const region = queryRegion(query);
  return region === undefined ? items : items.filter((i) => i.region === region);
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
  total_pages: number;
}

/** `page` (1-based) and `limit` (default 20, max 100). A page past the end is empty, not an error. */
export function paginate<T>(items: T[], query: Query): Page<T> {
  const q = listQuery(query);
  const page = q.page ?? 1;
  const limit = q.limit ?? DEFAULT_PAGE_LIMIT;
  const total = items.length;
  return { items: items.slice((page - 1) * limit, page * limit), total, page, limit, total_pages: Math.ceil(total / limit) };
}

export function pageFields<T>(p: Page<T>): { total: number; page: number; limit: number; total_pages: number } {
  return { total: p.total, page: p.page, limit: p.limit, total_pages: p.total_pages };
}

/** Uniqueness check of a name among records (exact match; the docs do not say names fold case). */
export function nameTaken<T>(items: Iterable<T>, name: (t: T) => string, wanted: string, except?: T): T | undefined {
  for (const item of items) if (item !== except && name(item) === wanted) return item;
  return undefined;
}
