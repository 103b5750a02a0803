/** Startup script provider: create, update everything in place (one PUT), delete. */
import type { BarrackClient } from "../../client";
import { BarrackConflictError } from "../../client";
import { Script } from "../../contract";
import { defineProvider } from "../../engine/crud";
import { StartupScriptOutputs, startupScriptArgsSchema, startupScriptOutputs } from "./args";

export const startupScriptProvider = defineProvider<typeof startupScriptArgsSchema, Script, StartupScriptOutputs>({
  type: "StartupScript",
  schema: startupScriptArgsSchema,
  updatable: ["name", "content", "description"],
  noDiff: ["timeouts"],
  nameKey: "name",
  nameKind: "script",
  // A same-named script is ours only if it holds what we sent (everything else updates in place).
  identityKeys: ["content", "description"],
  defaultTimeouts: { create: "5m", update: "5m", delete: "5m" },

  async create(ctx, args) {
    const { script } = await ctx.client.call("createScript", {
      body: { name: args.name, description: args.description, content: args.content },
    });
    return script;
  },

  async findExisting(ctx, args) {
    const scripts = await ctx.client.listAll("listScripts", "scripts");
    return scripts.find((s) => s.name === args.name);
  },

  async get(client, id) {
    return (await client.call("getScript", { params: { script_id: id } })).script;
  },
  idOf: (script) => script.script_id,
  readiness: () => "ready",
  describe: (script) => `script ${script.name} (${Buffer.byteLength(script.content, "utf8")} bytes, updated ${script.updated_at})`,

  async update(ctx, id, _olds, news, changed) {
    // One PUT with just the changed fields.
    const body: { name?: string; description?: string; content?: string } = {};
    if (changed.includes("name")) body.name = news.name;
    if (changed.includes("description")) body.description = news.description;
    if (changed.includes("content")) body.content = news.content;
    const { script } = await ctx.client.call("updateScript", { params: { script_id: id }, body });
    return script;
  },

  async remove(ctx, id) {
    try {
      await ctx.client.call("deleteScript", { params: { script_id: id } });
    } catch (error) {
      if (error instanceof BarrackConflictError) throw new Error(await inUseMessage(ctx.client, id, error));
      throw error;
    }
  },

  outputs: startupScriptOutputs,
});

async function inUseMessage(client: BarrackClient, id: string, error: BarrackConflictError): Promise<string> {
  let users = "";
  try {
    const vms = await client.listAll("listInstances", "vms");
    const using = vms.filter((vm) => vm.startup_script_id === id).map((vm) => `${vm.vm_name} (${vm.vm_id})`);
    if (using.length > 0) users = ` (used by instance${using.length > 1 ? "s" : ""} ${using.join(", ")})`;
  } catch {
    // Best effort: the API's message below still explains the refusal.
  }
  return `StartupScript ${id} cannot be deleted${users}: ${error.message}`;
}
