/** Plain-value helpers shared by every resource: unknowns, plain-JSON outputs, comparison, durations. */

/** What the engine sends for a value not known yet during preview (any type: strings, numbers, objects). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

/** The string, unless absent or only whitespace (an unset setting). */
export function nonBlank(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value : undefined;
}

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** Paths (as dotted strings) of every unknown value inside `value`. */
export function unknownPaths(value: unknown, prefix: (string | number)[] = []): string[] {
  if (isUnknown(value)) return [prefix.join(".")];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownPaths(v, [...prefix, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => unknownPaths(v, [...prefix, k]));
  }
  return [];
}

/**
 * Outputs must be plain JSON: the dynamic provider turns `undefined` into a hard error AFTER the cloud
 * resource exists (leaking it), and a `Date` into `{}`. Drops undefined, turns Dates into ISO text.
 */
export function toPlain(value: unknown): Plain {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => toPlain(v));
  switch (typeof value) {
    case "boolean":
    case "string":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return Number(value);
    case "object": {
      const out: { [key: string]: Plain } = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v !== undefined && typeof v !== "function") out[k] = toPlain(v);
      }
      return out;
    }
    default:
      return null;
  }
}

/** Like `toPlain` for an object, dropping null and undefined members at the top level. */
export function compact<T extends object>(value: T): { [key: string]: Plain } {
  const plain = toPlain(value) as { [key: string]: Plain };
  return Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== null));
}

/**
 * Canonical form for comparing an input with its stored value: null ≡ undefined ≡ absent, object keys
 * sorted, and arrays treated as sets (ids, rules) so the API's ordering never shows up as a diff.
 */
export function canonical(value: unknown): string {
  return JSON.stringify(normalise(value));
}
function normalise(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(normalise).map((v) => JSON.stringify(v)).sort();
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined && v !== null)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, normalise(v)]),
    );
  }
  return value;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** "90s", "20m", "1h30m", or a number of seconds → milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === "number") return value * 1000;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(h|m|s)/g;
  let total = 0;
  let consumed = "";
  for (let match = re.exec(text); match; match = re.exec(text)) {
    total += Number(match[1]) * { h: 3_600_000, m: 60_000, s: 1000 }[match[2] as "h" | "m" | "s"];
    consumed += match[0];
  }
  if (consumed !== text || total <= 0) throw new Error(`invalid duration "${value}": use e.g. "90s", "20m" or "1h30m"`);
  return total;
}

/** Hourly cost from the API's per-minute rate (what instances and volumes expose as `costPerHour`). */
export function hourlyCost(perMinuteRate: number | undefined): number | undefined {
  return perMinuteRate === undefined ? undefined : Math.round(perMinuteRate * 60 * 1e6) / 1e6;
}
