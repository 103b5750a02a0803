/** SSH key inputs and outputs, and the public-key checks run at preview. */
import { z } from "zod";
import { SshKey as WireSshKey } from "../../contract";
import { SSH_KEY_TYPES, SSH_PUBLIC_KEY_PATTERN } from "../../platform";
import { importIdSchema, timeoutsSchema } from "../../engine/crud";
import { nameSchema } from "../../engine/schema";
import { isUnknown } from "../../engine/values";

/**
 * Why `text` is not an acceptable OpenSSH public key, or undefined when it is. Never quotes the value
 * itself (someone may paste a private key by mistake), only its key type when that is recognisable.
 */
export function publicKeyProblem(text: string): string | undefined {
  const format = `an OpenSSH public key on one line: "<type> <base64 key data> [comment]" with type ${SSH_KEY_TYPES.join(", ")} (e.g. the contents of ~/.ssh/id_ed25519.pub)`;
  if (/PRIVATE KEY/.test(text) || /^-----BEGIN /.test(text)) {
    return `looks like a private key; give the PUBLIC key instead: ${format}`;
  }
  if (text === "") return `must be ${format}, not empty (omit publicKey to have Barrack generate a key pair)`;
  const lines = text.split(/\r\n|\r|\n/).length;
  if (lines > 1) return `must be a single line (${lines} lines given): ${format}`;
  const type = text.split(" ")[0] ?? "";
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) {
    const shown = /^[A-Za-z0-9@._-]{1,40}$/.test(type) ? ` ("${type}" is not one of them)` : "";
    return `must start with one of the key types ${SSH_KEY_TYPES.join(", ")}${shown}: ${format}`;
  }
  if (!SSH_PUBLIC_KEY_PATTERN.test(text)) return `must be ${format}`;
  // The key data is a sequence of length-prefixed fields, the first being the key type: a truncated or
  // mangled paste fails here.
  const fields = sshFields(Buffer.from(text.split(" ")[1] ?? "", "base64"));
  if (fields?.[0]?.toString("latin1") !== type || fields.length !== KEY_FIELDS[type as SshKeyType]) {
    return `has key data that is not a valid ${type} key (it does not decode to one; was it truncated or edited?): ${format}`;
  }
  return undefined;
}

type SshKeyType = (typeof SSH_KEY_TYPES)[number];
/** Fields of each key type's blob (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4), the type name included. */
const KEY_FIELDS: Record<SshKeyType, number> = {
  "ssh-rsa": 3, // type, e, n
  "ssh-dss": 5, // type, p, q, g, y
  "ssh-ed25519": 2, // type, key
  "ecdsa-sha2-nistp256": 3, // type, curve, point
  "ecdsa-sha2-nistp384": 3,
  "ecdsa-sha2-nistp521": 3,
};

/** Splits an SSH wire blob into its length-prefixed fields; undefined unless they use it up exactly. */
function sshFields(blob: Buffer): Buffer[] | undefined {
  const fields: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) return undefined;
    const length = blob.readUInt32BE(at);
    if (at + 4 + length > blob.length) return undefined;
    fields.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return fields;
}

/** "<type> <base64>": the key itself, without the comment (which does not change the key). */
export function keyMaterial(value: unknown): unknown {
  if (typeof value !== "string" || isUnknown(value)) return value;
  return value.trim().split(/\s+/).slice(0, 2).join(" ");
}

export const sshKeyArgsSchema = z.strictObject({
  /** Unique within the account. Defaults to the Pulumi resource name. */
  name: nameSchema("sshKey"),
  /**
   * An OpenSSH public key to import (single line; surrounding whitespace such as a file's final newline
   * is trimmed). Omit it to have Barrack generate an RSA key pair: the private key is then the secret
   * output `privateKey`.
   */
  publicKey: z
    .string({ error: "must be a string: an OpenSSH public key, or omitted to generate a key pair" })
    .trim()
    .superRefine((text, ctx) => {
      const problem = publicKeyProblem(text);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  timeouts: timeoutsSchema,
  /** The id of an existing object to adopt instead of creating one. */
  importId: importIdSchema,
});
export type SshKeyArgs = z.output<typeof sshKeyArgsSchema>;

/** Outputs: the inputs as the API reports them, plus what the API computes. */
export interface SshKeyOutputs extends SshKeyArgs {
  /** The Barrack id (`BRK-……K`), also the resource's id. */
  keyId: string;
  fingerprint: string;
  /** The public key as the API reports it (the generated one when `publicKey` was not given). */
  publicKey: string;
  /** Generated keys only, and secret: the API returns it once, at creation; it is kept from then on. */
  privateKey?: string;
  /** True when Barrack generated the pair (no `publicKey` input). */
  generated: boolean;
  createdAt: string;
}
export const SSH_KEY_OUTPUT_KEYS = ["keyId", "fingerprint", "publicKey", "privateKey", "generated", "createdAt"] as const;

/** The key as the create call answers it: the object plus, for a generated pair, the private key. */
export type SshKeyApi = WireSshKey & { private_key?: string };

export function sshKeyOutputs(args: SshKeyArgs, key: SshKeyApi, previous?: Partial<SshKeyOutputs>): SshKeyOutputs {
  return {
    ...args,
    name: key.name,
    publicKey: key.public_key,
    keyId: key.key_id,
    fingerprint: key.fingerprint,
    // On create (no previous) a key without a publicKey input is generated; afterwards the stored flag
    // decides, because refresh rebuilds `args` from outputs, where publicKey is always set.
    generated: typeof previous?.generated === "boolean" ? previous.generated : args.publicKey === undefined,
    // The API returns the private key only in the create response: keep it from the stored outputs.
    privateKey: key.private_key ?? previous?.privateKey,
    createdAt: key.created_at,
  };
}
