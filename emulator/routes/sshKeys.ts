/** SSH keys: import an OpenSSH public key, or let the server generate a pair (private key returned once). */
import { generateKeyPairSync } from "node:crypto";
import { LIMITS } from "../../provider/platform";
import { conflict } from "../errors";
import { checkName, checkPublicKey, fingerprintOf } from "../rules";
import type { SshKeyRec } from "../store";
import type { Handlers } from "./common";
import { nameTaken, pageFields, paginate } from "./common";

function sshString(buf: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length, 0);
  return Buffer.concat([len, buf]);
}

/** An SSH mpint: big-endian, with a leading zero byte when the top bit is set. */
function sshMpint(buf: Buffer): Buffer {
  let b = buf;
  while (b.length > 1 && b[0] === 0 && (b[1] & 0x80) === 0) b = b.subarray(1);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return sshString(b);
}

/** A 2048-bit RSA pair (as the platform generates, REPO): OpenSSH public key and PEM private key. */
function generateRsaPair(comment: string): { publicKey: string; privateKey: string; blob: Buffer } {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  const blob = Buffer.concat([
    sshString(Buffer.from("ssh-rsa")),
    sshMpint(Buffer.from(jwk.e ?? "", "base64url")),
    sshMpint(Buffer.from(jwk.n ?? "", "base64url")),
  ]);
  return {
    publicKey: `ssh-rsa ${blob.toString("base64")} ${comment}`,
    privateKey: privateKey.export({ format: "pem", type: "pkcs1" }).toString(),
    blob,
  };
}

export const sshKeyHandlers = {
  listSshKeys: ({ store, query }) => {
    const p = paginate(Object.values(store.state.sshKeys), query);
    return { message: "SSH keys retrieved successfully", data: { ssh_keys: p.items.map((k) => store.sshKeyWire(k)), ...pageFields(p) } };
  },

  getSshKey: ({ store, params }) => ({ message: "SSH key retrieved successfully", data: { ssh_key: store.sshKeyWire(store.sshKey(params.key_id)) } }),

  createSshKey: ({ store, body }) => {
    checkName("sshKey", body.name);
    const imported = body.public_key !== undefined ? checkPublicKey(body.public_key) : undefined;
    const all = Object.values(store.state.sshKeys);
    const twin = nameTaken(all, (k) => k.name, body.name);
    if (twin) conflict(`an SSH key named ${JSON.stringify(body.name)} already exists (${twin.key_id}); key names are unique per account`);
    // Keys are distributed to every region, so the per-region limit of 25 is a per-account one.
    if (all.length >= LIMITS.sshKeysPerRegion) conflict(`the account already has ${all.length} SSH keys, the maximum of ${LIMITS.sshKeysPerRegion} per region; delete one first`);
    let privateKey: string | undefined;
    let key: { publicKey: string; fingerprint: string };
    if (imported) key = imported;
    else {
      const pair = generateRsaPair(body.name);
      privateKey = pair.privateKey;
      key = { publicKey: pair.publicKey, fingerprint: fingerprintOf(pair.blob) };
    }
    const rec: SshKeyRec = { key_id: store.newId("sshKey"), name: body.name, public_key: key.publicKey, fingerprint: key.fingerprint, created_at: store.now() };
    store.state.sshKeys[rec.key_id] = rec;
    return {
      status: 201,
      message: privateKey ? "SSH key generated; download the private key now, it is not shown again" : "SSH key imported",
      data: privateKey ? { ssh_key: store.sshKeyWire(rec), private_key: privateKey } : { ssh_key: store.sshKeyWire(rec) },
    };
  },

  deleteSshKey: ({ store, params }) => {
    const key = store.sshKey(params.key_id);
    const users = Object.values(store.state.instances).filter((i) => i.ssh_key_ids.includes(key.key_id)).map((i) => i.vm_id);
    if (users.length > 0) conflict(`SSH key ${key.key_id} is used by instance(s) ${users.join(", ")}; delete them first`);
    delete store.state.sshKeys[key.key_id];
    return { message: "SSH key deleted", data: { key_id: key.key_id } };
  },
} satisfies Partial<Handlers>;
