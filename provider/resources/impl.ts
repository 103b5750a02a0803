/**
 * The implementation behind every serialized provider shim, loaded by package name as
 * `pulumi-barrack/provider-impl` inside the Pulumi provider process.
 */
import { CONFIG_KEYS, ProviderSettings, setProviderSettings } from "../config";
import { firewallProvider } from "./firewall/provider";
import { imageProvider } from "./image/provider";
import { instanceProvider } from "./instance/provider";
import type { ProviderImpl } from "./shared/crud";
import type { ResourceTypeName } from "./shared/shim";
import { snapshotProvider } from "./snapshot/provider";
import { sshKeyProvider } from "./sshKey/provider";
import { startupScriptProvider } from "./startupScript/provider";
import { volumeProvider } from "./volume/provider";

const providers: Record<ResourceTypeName, ProviderImpl> = {
  Volume: volumeProvider,
  Instance: instanceProvider,
  Firewall: firewallProvider,
  Snapshot: snapshotProvider,
  Image: imageProvider,
  SshKey: sshKeyProvider,
  StartupScript: startupScriptProvider,
};

/** Stack config as the provider process passes it to `configure()` (namespaced keys). */
export interface StackConfig {
  get(key: string): string | undefined;
}

/**
 * Called from a shim's `configure()`: records the stack's `barrack:*` settings and returns the methods
 * the shim takes on (check, diff, create, read, update, delete).
 */
export function attach(type: ResourceTypeName, config: StackConfig): ProviderImpl {
  configure({ apiKey: config.get(CONFIG_KEYS.apiKey), endpoint: config.get(CONFIG_KEYS.endpoint), authScheme: config.get(CONFIG_KEYS.authScheme) });
  const impl = provider(type);
  return {
    check: (olds, news) => impl.check(olds, news),
    diff: (id, olds, news) => impl.diff(id, olds, news),
    create: (inputs) => impl.create(inputs),
    read: (id, props) => impl.read(id, props),
    update: (id, olds, news) => impl.update(id, olds, news),
    delete: (id, props) => impl.delete(id, props),
  };
}

export function configure(settings: ProviderSettings): void {
  setProviderSettings(settings);
}

export function provider(type: ResourceTypeName): ProviderImpl {
  const impl = providers[type];
  if (!impl) throw new Error(`pulumi-barrack has no provider for resource type "${type}"; is the installed pulumi-barrack older than the program's?`);
  return impl;
}
