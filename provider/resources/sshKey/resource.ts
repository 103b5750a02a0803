import * as pulumi from "@pulumi/pulumi";
import { MODULE, ResourceArgs, resourceProps, withName } from "../shared/resource";
import { makeShim } from "../shared/shim";
import { SSH_KEY_OUTPUT_KEYS, SshKeyArgs as SshKeyInputs, sshKeyArgsSchema } from "./args";

/** Arguments of an {@link SshKey}; all optional: `name` defaults to the resource name, no `publicKey` generates a pair. */
// (`Partial<…>` because ResourceArgs' mapped type does not keep optional keys optional.)
export type SshKeyArgs = ResourceArgs<Pick<SshKeyInputs, "name">, "name"> & Partial<ResourceArgs<Pick<SshKeyInputs, "publicKey" | "timeouts">>>;

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
export class SshKey extends pulumi.dynamic.Resource {
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
    super(provider, name, resourceProps(withName(name, args), sshKeyArgsSchema, SSH_KEY_OUTPUT_KEYS), { ...opts, additionalSecretOutputs: secrets }, MODULE, "SshKey");
  }
}
