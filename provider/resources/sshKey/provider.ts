/** SSH key provider: import or generate, never updated (every input change replaces), delete. */
import type { BarrackClient } from "../../client";
import { BarrackConflictError, BarrackError } from "../../client";
import { OperationContext, ProviderImpl, defineProvider } from "../shared/crud";
import { SshKeyApi, SshKeyArgs, SshKeyOutputs, keyMaterial, sshKeyArgsSchema, sshKeyOutputs } from "./args";

/** How far back (server clock) a key may have been made by our own lost create request. */
const LOST_CREATE_WINDOW_MS = 10 * 60_000;

const crud = defineProvider<typeof sshKeyArgsSchema, SshKeyApi, SshKeyOutputs>({
  type: "SshKey",
  schema: sshKeyArgsSchema,
  updatable: [],
  noDiff: ["timeouts"],
  nameKey: "name",
  defaultTimeouts: { create: "5m", update: "5m", delete: "5m" },

  async create(ctx, args) {
    if (args.publicKey !== undefined) return post(ctx.client, args);
    // A generated pair's private key exists only in the create response. If that response is lost,
    // adopting the key would leave a key nobody can use: remove the orphan and generate again (once).
    const startedAt = Date.now();
    try {
      return await post(ctx.client, args);
    } catch (error) {
      if (!(error instanceof BarrackError) || !error.ambiguous) throw error;
      ctx.log(`the response carrying the generated private key was lost (${error.message}); generating a new pair instead`);
      await removeOrphan(ctx, args.name, startedAt);
      try {
        return await post(ctx.client, args);
      } catch (retryError) {
        if (!(retryError instanceof BarrackConflictError)) throw retryError;
        // The lost request committed after we looked: that key is ours too, and just as unusable.
        await removeOrphan(ctx, args.name, startedAt);
        return post(ctx.client, args);
      }
    }
  },

  async findExisting(ctx, args) {
    const found = await findByName(ctx.client, args.name);
    if (!found) return undefined;
    if (args.publicKey !== undefined) {
      // Ours only if it holds the key we sent (same name, other key: someone else's, keep away from it).
      return keyMaterial(found.public_key) === keyMaterial(args.publicKey) ? found : undefined;
    }
    ctx.log(`the key ${found.key_id} was adopted without its private key (the API returns it only once); replace the resource (pulumi up --replace) to generate a usable pair`);
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

/**
 * The SSH key provider. Its diff compares public keys by their key data (type and base64, not the
 * comment, which the API may not keep), and treats a generated key's public key (an output only) as
 * unchanged while `publicKey` stays unset.
 */
export const sshKeyProvider: ProviderImpl = {
  ...crud,
  diff(id, olds, news) {
    const wasGenerated = olds.generated === true || (olds.generated === undefined && olds.privateKey != null);
    const stillGenerated = news.publicKey === undefined || news.publicKey === null;
    return crud.diff(
      id,
      { ...olds, publicKey: wasGenerated && stillGenerated ? undefined : keyMaterial(olds.publicKey) },
      { ...news, publicKey: keyMaterial(news.publicKey) },
    );
  },
};

async function post(client: BarrackClient, args: SshKeyArgs): Promise<SshKeyApi> {
  const body = args.publicKey !== undefined ? { name: args.name, public_key: args.publicKey } : { name: args.name };
  const { ssh_key, private_key } = await client.call("createSshKey", { body });
  return private_key !== undefined ? { ...ssh_key, private_key } : ssh_key;
}

async function findByName(client: BarrackClient, name: string): Promise<SshKeyApi | undefined> {
  const keys = await client.listAll("listSshKeys", "ssh_keys");
  return keys.find((k) => k.name === name);
}

/** Deletes the key a lost generate request made, if there is one; refuses to touch an older key. */
async function removeOrphan(ctx: OperationContext, name: string, startedAt: number): Promise<void> {
  const orphan = await findByName(ctx.client, name);
  if (!orphan) return;
  const created = Date.parse(orphan.created_at);
  if (Number.isFinite(created) && created < startedAt - LOST_CREATE_WINDOW_MS) {
    throw new Error(`an SSH key named "${name}" already exists (${orphan.key_id}, created ${orphan.created_at}): choose another name, or delete that key`);
  }
  ctx.log(`deleting ${orphan.key_id}, which the lost request generated (its private key is unrecoverable)`);
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
