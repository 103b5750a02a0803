/** Startup scripts: CRUD and bulk delete. Names unique per account, content at most SCRIPT_MAX_BYTES (16 KB). */
import { idPattern } from "../../provider/contract";
import { SCRIPT_MAX_BYTES } from "../../provider/platform";
import { badRequest, conflict } from "../errors";
import { checkDescription, checkName, checkTextSize } from "../rules";
import type { ScriptRec, Store } from "../store";
import type { Handlers } from "./common";
import { nameTaken, pageFields, paginate } from "./common";

function checkContent(content: string): void {
  if (content.trim() === "") badRequest("content", `content must not be empty: give the script text (at most ${SCRIPT_MAX_BYTES / 1024} KB)`);
  checkTextSize(content, "content");
}

function requireUniqueName(store: Store, name: string, self?: ScriptRec): void {
  const twin = nameTaken(Object.values(store.state.scripts), (s) => s.name, name, self);
  if (twin) conflict(`a script named ${JSON.stringify(name)} already exists (${twin.script_id}); script names are unique per account`);
}

export const scriptHandlers = {
  listScripts: ({ store, query }) => {
    const p = paginate(Object.values(store.state.scripts), query);
    return { message: "Scripts retrieved successfully", data: { scripts: p.items.map((s) => store.scriptWire(s)), ...pageFields(p) } };
  },

  getScript: ({ store, params }) => ({ message: "Script retrieved successfully", data: { script: store.scriptWire(store.script(params.script_id)) } }),

  createScript: ({ store, body }) => {
    checkName("script", body.name);
    checkDescription(body.description);
    checkContent(body.content);
    requireUniqueName(store, body.name);
    const now = store.now();
    const rec: ScriptRec = { script_id: store.newId("script"), name: body.name, description: body.description ?? "", content: body.content, created_at: now, updated_at: now };
    store.state.scripts[rec.script_id] = rec;
    return { status: 201, message: "Script created", data: { script: store.scriptWire(rec) } };
  },

  updateScript: ({ store, params, body }) => {
    const rec = store.script(params.script_id);
    if (body.name !== undefined) checkName("script", body.name);
    checkDescription(body.description);
    if (body.content !== undefined) checkContent(body.content);
    if (body.name !== undefined) requireUniqueName(store, body.name, rec);
    if (body.name !== undefined) rec.name = body.name;
    if (body.description !== undefined) rec.description = body.description;
    if (body.content !== undefined) rec.content = body.content;
    rec.updated_at = store.now();
    return { message: "Script updated", data: { script: store.scriptWire(rec) } };
  },

  deleteScript: ({ store, params }) => {
    const rec = store.script(params.script_id);
    delete store.state.scripts[rec.script_id];
    return { message: "Script deleted", data: { script_id: rec.script_id } };
  },

  /** Ids that do not exist (any more) are skipped, so a retry succeeds; malformed ids are a 400. */
  bulkDeleteScripts: ({ store, body }) => {
    body.script_ids.forEach((id, i) => {
      if (!idPattern("script").test(id)) badRequest(`script_ids[${i}]`, `script_ids[${i}] must be a script id like BRK-123456C (got ${JSON.stringify(id)})`);
    });
    const deleted: string[] = [];
    for (const id of new Set(body.script_ids)) {
      if (store.state.scripts[id]) {
        delete store.state.scripts[id];
        deleted.push(id);
      }
    }
    return { message: `${deleted.length} script(s) deleted`, data: { deleted } };
  },
} satisfies Partial<Handlers>;
