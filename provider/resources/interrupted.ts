/**
 * What a killed `pulumi up` left behind, removed by the `pulumi destroy` that follows.
 *
 * A run killed while creating leaves the object in the account and only a pending "creating" operation
 * in the stack's state, with the inputs (the name included). The next `pulumi up` finishes the create by
 * adopting the object (crud.ts); a `pulumi destroy` never calls a provider for it, and the object would
 * go on billing. So before the first delete of a process that checked nothing (a destroy; an `up` whose
 * program dropped every Barrack resource), the stack's state is read once (stackState.ts) and each
 * pending create's object, if it exists and is that create's, is deleted, dependents first. The engine's
 * deletes wait for that (a key an orphaned instance uses cannot be deleted before it). A failure here is
 * logged and never fails the destroy: the engine's own deletes then say what is in the way.
 */
import type { ProviderImpl } from "./shared/definition";
import { checkedAny } from "./shared/crud";
import type { ResourceTypeName } from "./shared/shim";
import { barrackType, readStackState } from "./shared/stackState";

/** Dependents first: an instance holds keys, scripts and volumes; an image holds its snapshot. */
const DELETE_ORDER: readonly ResourceTypeName[] = ["Firewall", "Instance", "Image", "Snapshot", "Volume", "SshKey", "StartupScript"];

let done: Promise<void> | undefined;

/** Runs (once per process) before the engine's deletes; `providerOf` gives a type's implementation. */
export function removeLeftovers(providerOf: (type: ResourceTypeName) => ProviderImpl): Promise<void> {
  if (checkedAny()) return Promise.resolve(); // an `up` with a program: its creates adopt what was left
  done ??= (async () => {
    const state = await readStackState();
    if (!("resources" in state)) return;
    const pending = (state.pendingCreates ?? [])
      .map((p) => ({ ...p, kind: barrackType(p.type) as ResourceTypeName | undefined }))
      .filter((p): p is typeof p & { kind: ResourceTypeName } => p.kind !== undefined && DELETE_ORDER.includes(p.kind))
      .sort((a, b) => DELETE_ORDER.indexOf(a.kind) - DELETE_ORDER.indexOf(b.kind));
    for (const p of pending) {
      try {
        await providerOf(p.kind).removeLeftover(p.inputs, state.writtenAt);
      } catch (error) {
        const name = p.urn.slice(p.urn.lastIndexOf("::") + 2);
        console.log(`barrack ${p.kind} ${name}: could not remove what an interrupted run left (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  })();
  return done;
}
