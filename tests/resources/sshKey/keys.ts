/** Real OpenSSH public keys for the SSH key tests, made with node:crypto. */
import { generateKeyPairSync } from "node:crypto";

function sshString(buf: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length, 0);
  return Buffer.concat([len, buf]);
}

/** A fresh ed25519 public key line: "ssh-ed25519 <base64> <comment>". */
export function ed25519PublicKey(comment = "test@barrack"): string {
  const { publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
  const blob = Buffer.concat([sshString(Buffer.from("ssh-ed25519")), sshString(raw)]);
  return `ssh-ed25519 ${blob.toString("base64")}${comment ? ` ${comment}` : ""}`;
}

/** The key without its comment. */
export function material(line: string): string {
  return line.split(" ").slice(0, 2).join(" ");
}
