/**
 * The implementation behind every serialized provider shim, loaded by package name as
 * `pulumi-barrack/provider-impl` inside the Pulumi provider process.
 */
import { ProviderSettings, setProviderSettings, settingsFromConfig } from "../config";
import { checked, deleteBesideLeftovers } from "../deployment/interrupted";
import type { ProviderImpl } from "../engine/crud";
import type { ResourceTypeName } from "../dynamic/shim";
import { noteChecked, noteOperation } from "../deployment/run";

/**
 * Each type's implementation, required on its first use: the provider process loads only the types its
 * stack's resources have (a stack of volumes never loads the instance implementation, nor its stock and
 * readiness checks).
 */
const loaders: Record<ResourceTypeName, () => ProviderImpl> = {
  Volume: () => (require("./volume/provider") as typeof import("./volume/provider")).volumeProvider,
  Instance: () => (require("./instance/provider") as typeof import("./instance/provider")).instanceProvider,
  Firewall: () => (require("./firewall/provider") as typeof import("./firewall/provider")).firewallProvider,
  Snapshot: () => (require("./snapshot/provider") as typeof import("./snapshot/provider")).snapshotProvider,
  Image: () => (require("./image/provider") as typeof import("./image/provider")).imageProvider,
  SshKey: () => (require("./sshKey/provider") as typeof import("./sshKey/provider")).sshKeyProvider,
  StartupScript: () => (require("./startupScript/provider") as typeof import("./startupScript/provider")).startupScriptProvider,
};
const loaded = new Map<ResourceTypeName, ProviderImpl>();

/** Stack config as the provider process passes it to `configure()` (namespaced keys). */
export interface StackConfig {
  get(key: string): string | undefined;
}

/**
 * Called from a shim's `configure()`: records the stack's `barrack:*` settings and returns the methods
 * the shim takes on (check, diff, create, read, update, delete). Checks and deletes also tell
 * interrupted.ts, which deals with what a killed run left.
 */
export function attach(type: ResourceTypeName, config: StackConfig): Omit<ProviderImpl, "leftover"> {
  configure(settingsFromConfig(config));
  const impl = provider(type);
  return {
    check: async (olds, news, naming) => {
      const result = await impl.check(olds, news, naming);
      // The objects it was about, by old name and new, for what reads the state (burn line, leftovers).
      noteChecked(type, olds);
      noteChecked(type, result.inputs);
      checked(provider);
      return result;
    },
    diff: (id, olds, news) => impl.diff(id, olds, news),
    changedInputs: (olds, news) => impl.changedInputs(olds, news),
    // Mutations tell run.ts what this update applied (the burn line's deletions, and whether it failed).
    create: (inputs, options) => noted("create", type, inputs, () => impl.create(inputs, options)),
    read: (id, props) => impl.read(id, props),
    inputsOf: (outs) => impl.inputsOf(outs),
    update: (id, olds, news, options) => noted("update", type, olds, () => impl.update(id, olds, news, options)),
    delete: (id, props, options) => noted("delete", type, props, () => deleteBesideLeftovers(() => impl.delete(id, props, options), provider)),
  };
}

async function noted<T>(op: "create" | "update" | "delete", type: ResourceTypeName, props: Record<string, unknown>, call: () => Promise<T>): Promise<T> {
  try {
    const result = await call();
    noteOperation(op, type, props, true);
    return result;
  } catch (error) {
    noteOperation(op, type, props, false);
    throw error;
  }
}

export function configure(settings: ProviderSettings): void {
  setProviderSettings(settings);
}

export function provider(type: ResourceTypeName): ProviderImpl {
  let impl = loaded.get(type);
  if (!impl) {
    if (!Object.hasOwn(loaders, type)) {
      throw new Error(`pulumi-barrack has no provider for resource type "${type}"; is the installed pulumi-barrack older than the program's?`);
    }
    impl = loaders[type]();
    loaded.set(type, impl);
  }
  return impl;
}
