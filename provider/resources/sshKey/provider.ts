/** SSH key provider: import or generate, never updated (every input change replaces), delete. */
import type { BarrackClient } from "../../client";
import { BarrackConflictError, BarrackError } from "../../client";
import { OperationContext, ProviderImpl, defineProvider } from "../../engine/crud";
import { SshKeyApi, SshKeyArgs, SshKeyOutputs, keyMaterial, sshKeyArgsSchema, sshKeyOutputs } from "./args";

/** How far back (server clock) a key may have been made by our own lost create request. */
const LOST_CREATE_WINDOW_MS = 10 * 60_000;

/**
 * The SSH key provider. Public keys are compared by their key data (type and base64, not the comment,
 * which the API may not keep); a generated key's public key (an output only) is no change while
 * `publicKey` stays unset.
 */
export const sshKeyProvider: ProviderImpl = defineProvider<typeof sshKeyArgsSchema, SshKeyApi, SshKeyOutputs>({
  type: "SshKey",
  schema: sshKeyArgsSchema,
  updatable: [],
  noDiff: ["timeouts"],
  nameKey: "name",
  nameKind: "sshKey",
  defaultTimeouts: { create: "5m", update: "5m", delete: "5m" },

  comparable(olds, news) {
    const wasGenerated = olds.generated === true || (olds.generated === undefined && olds.privateKey != null);
    const stillGenerated = news.publicKey === undefined || news.publicKey === null;
    return [
      { ...olds, publicKey: wasGenerated && stillGenerated ? undefined : keyMaterial(olds.publicKey) },
      { ...news, publicKey: keyMaterial(news.publicKey) },
    ];
  },

  async create(ctx, args) {
    if (args.publicKey !== undefined) return post(ctx.client, args);
    // A generated pair's private key exists only in the create response. If that response is lost, or an
    // interrupted run made the key, adopting it would leave a key nobody can use: remove the orphan and
    // generate again.
    const startedAt = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await post(ctx.client, args);
      } catch (error) {
        const lost = error instanceof BarrackError && error.ambiguous;
        const taken = error instanceof BarrackConflictError;
        if ((!lost && !taken) || attempt >= 4) throw error;
        ctx.log(lost
          ? `the response carrying the generated private key was lost (${(error as Error).message}); generating a new pair instead`
          : `an SSH key named "${args.name}" already exists; if an earlier run of this resource made it, its private key is lost: replacing it`);
        await removeOrphan(ctx, args.name, startedAt, taken);
      }
    }
  },

  async findExisting(ctx, args) {
    const found = await findByName(ctx.client, args.name);
    if (found && args.publicKey === undefined) {
      ctx.log(`the key ${found.key_id} was adopted without its private key (the API returns it only once); replace the resource (pulumi up --replace) to generate a usable pair`);
    }
    return found;
  },

  async get(client, id) {
    return (await client.call("getSshKey", { params: { key_id: id } })).ssh_key;
  },
  idOf: (key) => key.key_id,
  readiness: () => "ready",
  describe: (key) => `key ${key.name} (${key.fingerprint})`,

  async remove(ctx, id) {
    try {
      await ctx.client.call("deleteSshKey", { params: { key_id: id } });
    } catch (error) {
      if (error instanceof BarrackConflictError) throw new Error(await inUseMessage(ctx.client, id, error));
      throw error;
    }
  },

  outputs: sshKeyOutputs,
});

async function post(client: BarrackClient, args: SshKeyArgs): Promise<SshKeyApi> {
  const body = args.publicKey !== undefined ? { name: args.name, public_key: args.publicKey } : { name: args.name };
  const { ssh_key, private_key } = await client.call("createSshKey", { body });
  return private_key !== undefined ? { ...ssh_key, private_key } : ssh_key;
}

async function findByName(client: BarrackClient, name: string): Promise<SshKeyApi | undefined> {
  const keys = await client.listAll("listSshKeys", "ssh_keys");
  return keys.find((k) => k.name === name);
}

/**
 * Deletes the key a lost (or interrupted) generate request made, if there is one. A key this resource
 * cannot have made is left alone: one created before this create (`conflict`: by an earlier run, so
 * only an autonamed key, whose name no one else has, or a key younger than the window).
 */
async function removeOrphan(ctx: OperationContext, name: string, startedAt: number, conflict: boolean): Promise<void> {
  const orphan = await findByName(ctx.client, name);
  if (!orphan) return;
  const created = Date.parse(orphan.created_at);
  const old = Number.isFinite(created) && created < startedAt - LOST_CREATE_WINDOW_MS;
  if (old && !(conflict && ctx.autonamed)) {
    throw new Error(`an SSH key named "${name}" already exists (${orphan.key_id}, created ${orphan.created_at}): choose another name, or delete that key, or adopt it with importId: "${orphan.key_id}" and its publicKey`);
  }
  if (!ctx.autonamed && conflict && !old) {
    // An explicit name: only a key with no users is taken for ours.
    const vms = await ctx.client.listAll("listInstances", "vms");
    if (vms.some((vm) => vm.ssh_key_ids.includes(orphan.key_id))) {
      throw new Error(`an SSH key named "${name}" already exists (${orphan.key_id}) and instances use it: choose another name, or adopt it with importId: "${orphan.key_id}" and its publicKey`);
    }
  }
  ctx.log(`deleting ${orphan.key_id}, which an interrupted or lost request generated (its private key is unrecoverable)`);
  try {
    await ctx.client.call("deleteSshKey", { params: { key_id: orphan.key_id } });
  } catch (error) {
    if (!(error instanceof BarrackError && error.status === 404)) throw error;
  }
}

/** The error for a key the API refuses to delete because instances use it, naming them when possible. */
async function inUseMessage(client: BarrackClient, id: string, error: BarrackConflictError): Promise<string> {
  let users = "";
  try {
    const vms = await client.listAll("listInstances", "vms");
    const using = vms.filter((vm) => vm.ssh_key_ids.includes(id)).map((vm) => `${vm.vm_name} (${vm.vm_id})`);
    if (using.length > 0) users = ` by instance${using.length > 1 ? "s" : ""} ${using.join(", ")}`;
  } catch {
    // Best effort: the API's own message below still explains the refusal.
  }
  return `SshKey ${id} cannot be deleted: it is in use${users}. Delete or replace the instance(s) using it first (the API refuses to delete a key in use). ${error.message}`;
}
