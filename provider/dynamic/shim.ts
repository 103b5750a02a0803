/**
 * The serialized half of every dynamic provider.
 *
 * Pulumi serializes the provider object into state (`__provider`) and runs THAT text for delete and
 * refresh, possibly years later. So the shim holds one string (its resource type) and one method:
 * `configure()`, which the provider process always calls once, right after loading the text and before
 * any other method (`getProvider` in @pulumi/pulumi's dynamic-provider, SDK ≥ 3.139). It loads the
 * implementation by package name and attaches its methods to the shim. Hence:
 * - state holds ~0.5 KB per resource, no credential, and no client or schema (which can't be serialized);
 * - the text never changes between package versions, so upgrades cause no `~__provider` diff noise;
 * - old resources are always deleted and refreshed by the installed code, never by a stale copy.
 * A relative require would resolve against the Pulumi program's directory, and an absolute path would
 * bake this machine's layout into state: hence the package name.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Resource type names served by `pulumi-barrack/provider-impl`. */
export type ResourceTypeName = "Volume" | "Instance" | "Firewall" | "Snapshot" | "Image" | "SshKey" | "StartupScript";

interface Shim {
  type: ResourceTypeName;
  configure(req: pulumi.dynamic.ConfigureRequest): Promise<void>;
}

export function makeShim(type: ResourceTypeName): pulumi.dynamic.ResourceProvider {
  const shim: Shim = {
    type,
    // Serialized: keep it free of imports and helpers. Object.assign runs before the first await, so
    // the methods exist by the time the provider process hands the object to any RPC.
    async configure(req) {
      Object.assign(this, require("pulumi-barrack/provider-impl").attach(this.type, req.config));
    },
  };
  // The CRUD methods arrive in configure(); the program side never calls them.
  return shim as unknown as pulumi.dynamic.ResourceProvider;
}
