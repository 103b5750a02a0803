import * as pulumi from "@pulumi/pulumi";
import { BarrackResource, Timeouts } from "../../dynamic/resource";
import { makeShim } from "../../dynamic/shim";
import { SSH_KEY_KEYS } from "./keys";

/** The arguments of an {@link SshKey}; all optional (no `publicKey`: Barrack generates a key pair). */
export interface SshKeyArgs {
  /**
   * The Barrack name, unique within the account. Omitted: the resource name plus a suffix (e.g.
   * `deployer-1a2b3c4`) that stays the same for the life of the resource. A change replaces the key.
   */
  name?: pulumi.Input<string>;
  /**
   * An OpenSSH public key to import, on one line (e.g. the contents of ~/.ssh/id_ed25519.pub; a final
   * newline is trimmed). Omitted: Barrack generates an RSA key pair and the private key is the secret
   * output `privateKey`. A different key replaces the resource; a changed comment alone does not.
   */
  publicKey?: pulumi.Input<string>;
  /**
   * Id of an existing SSH key to adopt instead of creating one (e.g. "BRK-000123K"); see docs/importing.md.
   */
  importId?: pulumi.Input<string>;
  /** Deadlines, e.g. `{ create: "5m" }`. */
  timeouts?: pulumi.Input<Timeouts>;
}

const provider = makeShim("SshKey");

/** The output that holds a generated private key; always marked secret. */
const SECRET_OUTPUTS = ["privateKey"];

/**
 * An SSH key of the Barrack account (keys are account-wide and reach every region).
 *
 * Give `publicKey` to import your own OpenSSH public key, or omit it to have Barrack generate an RSA key
 * pair: the private key is then the secret output `privateKey` (the API returns it only once, at
 * creation; it stays in the stack's state, encrypted, until the key is replaced or deleted).
 *
 * In place: nothing (the API has no update). Replaces: `name`, `publicKey` (a different key; the comment
 * alone is not a change). A key still used by an instance cannot be deleted.
 */
export class SshKey extends BarrackResource {
  /**
   * A read-only reference to an existing SSH key, e.g. `SshKey.get("deployer", "BRK-000001K")`: its
   * outputs are read from the API; `pulumi destroy` never deletes it.
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): SshKey {
    return new SshKey(name, undefined as unknown as SshKeyArgs, { ...opts, id });
  }

  declare readonly name: pulumi.Output<string>;
  /** The public key as the API reports it (the generated one when `publicKey` was not given). */
  declare readonly publicKey: pulumi.Output<string>;
  /** The Barrack id (`BRK-……K`), also the resource's `id`. */
  declare readonly keyId: pulumi.Output<string>;
  declare readonly fingerprint: pulumi.Output<string>;
  /** Generated keys only (secret); undefined for an imported key. */
  declare readonly privateKey: pulumi.Output<string | undefined>;
  /** True when Barrack generated the key pair. */
  declare readonly generated: pulumi.Output<boolean>;
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: SshKeyArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const secrets = [...new Set([...(opts?.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS])];
    super(provider, "SshKey", SSH_KEY_KEYS, name, args, { ...opts, additionalSecretOutputs: secrets });
  }
}
