/**
 * Emulator VARIANTS: deliberate departures from the contract, so that `barrack doctor` (and anything else
 * that checks an endpoint) can be tested against an API that differs from what provider/contract.ts
 * says, the way the real one might.
 *
 *   startEmulator({ variants: { renameFields: [{ key: "volumes", field: "size_gb", to: "size" }], noTrailingSlash: true } })
 *   barrack-emulator --variant rename-field=volumes.size_gb:size --variant no-trailing-slash
 *
 * - rename-field=KEY.FIELD:NEW: in every /api/ response, the objects under the top-level key KEY (one
 *   object, or each element of an array) have FIELD renamed to NEW. Repeatable.
 * - no-trailing-slash: /api/ routes answer only without the final "/" (with it: 404), where the
 *   emulator normally accepts both.
 * The third detection `barrack doctor` makes, the auth header, needs no variant: `authScheme:
 * "x-api-key"` (`--auth-scheme x-api-key`) accepts only X-API-Key, `"bearer"` only Authorization: Bearer.
 *
 * Hooked into the fastify app (server.ts `buildApp`); the store and the handlers know nothing of it.
 */
import type { FastifyInstance } from "fastify";

export interface FieldRename {
  /** Top-level response key, e.g. "volumes" (listVolumes) or "volume" (getVolume). */
  key: string;
  /** Field of the object(s) under it, e.g. "size_gb". */
  field: string;
  /** New name, e.g. "size". */
  to: string;
}

export interface EmulatorVariants {
  renameFields?: FieldRename[];
  noTrailingSlash?: boolean;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses one `--variant` value and merges it into `prev` (commander's repeatable-option reducer). */
export function parseVariant(raw: string, prev: EmulatorVariants = {}): EmulatorVariants {
  const spec = raw.trim();
  if (spec === "no-trailing-slash") return { ...prev, noTrailingSlash: true };
  const m = /^rename-field=([^.]+)\.([^:]+):(.+)$/.exec(spec);
  if (m && IDENT.test(m[1]!) && IDENT.test(m[2]!) && IDENT.test(m[3]!)) {
    return { ...prev, renameFields: [...(prev.renameFields ?? []), { key: m[1]!, field: m[2]!, to: m[3]! }] };
  }
  throw new Error(`variant must be "rename-field=KEY.FIELD:NEW" (e.g. rename-field=volumes.size_gb:size) or "no-trailing-slash", not ${JSON.stringify(raw)}`);
}

function renameIn(obj: unknown, r: FieldRename): void {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return;
  const o = obj as Record<string, unknown>;
  if (!(r.field in o)) return;
  o[r.to] = o[r.field];
  delete o[r.field];
}

/** Adds the variants' hooks to the app (call before routes are added). No variants: no hooks. */
export function installVariants(app: FastifyInstance, variants: EmulatorVariants | undefined): void {
  if (!variants) return;
  if (variants.noTrailingSlash) {
    app.addHook("onRequest", async (req, reply) => {
      const path = req.url.split("?")[0] ?? "";
      if (path.startsWith("/api/") && path.length > "/api/".length && path.endsWith("/")) {
        const bare = path.replace(/\/+$/, "");
        return reply.code(404).send({
          success: false,
          error: "not_found",
          message: `no route ${req.method} ${path} (this emulator refuses trailing slashes: ${bare})`,
        });
      }
      return undefined;
    });
  }
  const renames = variants.renameFields ?? [];
  if (renames.length > 0) {
    app.addHook("onSend", async (req, _reply, payload) => {
      if (!req.url.startsWith("/api/") || typeof payload !== "string") return payload;
      let body: unknown;
      try {
        body = JSON.parse(payload);
      } catch {
        return payload;
      }
      if (body === null || typeof body !== "object" || (body as { success?: unknown }).success !== true) return payload;
      for (const r of renames) {
        const at = (body as Record<string, unknown>)[r.key];
        if (Array.isArray(at)) at.forEach((x) => renameIn(x, r));
        else renameIn(at, r);
      }
      return JSON.stringify(body);
    });
  }
}
