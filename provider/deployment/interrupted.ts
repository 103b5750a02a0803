/**
 * What a killed `pulumi up` left behind: objects its creates made that never reached the stack's state.
 *
 * A run killed while creating leaves the object in the account and only a pending "creating" operation
 * in the state, with the inputs (the name included). The engine calls no provider about it, and the
 * deployment after it forgets it. So this module reads the state (stackState.ts, once per process) and:
 * - when the program still declares the resource, does nothing: its create adopts the object (crud.ts);
 * - in a process that checked nothing (a `pulumi destroy`; an `up` whose program dropped every Barrack
 *   resource), deletes each such object that is that create's, dependents first, beside the engine's
 *   deletes: those do not wait for the state to be read (most stacks have nothing pending), but one that
 *   fails is tried again once the clean-up removed something (a key an orphaned instance used);
 * - otherwise (an `up` whose program dropped that one resource), says at close which object goes on
 *   billing and how to delete it: deleting from a preview, or within the engine's 5 s close, is not ours.
 * A failure here is logged and never fails the run.
 */
import { atClose } from "./closing";
import type { ProviderImpl } from "../engine/definition";
import type { ResourceTypeName } from "../dynamic/shim";
import { anyChecked, wasChecked } from "./run";
import { barrackType, readStackState, type PendingCreate } from "./stackState";

/** Dependents first: an instance holds keys, scripts and volumes; an image holds its snapshot. */
const DELETE_ORDER: readonly ResourceTypeName[] = ["Firewall", "Instance", "Image", "Snapshot", "Volume", "SshKey", "StartupScript"];

type ProviderOf = (type: ResourceTypeName) => ProviderImpl;

let removal: Promise<number> | undefined;
let note: (() => Promise<string[]>) | undefined;

/** After each check (which run.ts's `noteChecked` records): arranges the close-time note, once. */
export function checked(providerOf: ProviderOf): void {
  note ??= () => abandonedNote(providerOf);
  atClose(note);
}

/**
 * Starts (once per process) the clean-up in a process that checked nothing, and resolves to how many
 * objects it removed (0 in a process that checked something, or had nothing to remove).
 */
export function removeLeftovers(providerOf: ProviderOf): Promise<number> {
  if (anyChecked()) return Promise.resolve(0);
  removal ??= (async () => {
    let removed = 0;
    for (const { kind, pending, writtenAt } of await pendingCreates()) {
      const name = pending.urn.slice(pending.urn.lastIndexOf("::") + 2);
      try {
        const leftover = await providerOf(kind).leftover(pending.inputs, writtenAt);
        if (leftover === undefined) continue;
        if (leftover.refusal !== undefined) {
          console.log(
            `barrack ${kind} ${leftover.name}: not deleting ${leftover.id}: an interrupted run left a create of "${leftover.name}" unfinished, ` +
              `but ${leftover.refusal}. If it is that run's, delete it yourself (\`npx barrack sweep --prefix ${leftover.name}\`)`,
          );
          continue;
        }
        console.log(`barrack ${kind} ${leftover.name}: deleting ${leftover.id}: an interrupted run created it and never recorded it in the stack's state`);
        await leftover.remove();
        removed++;
      } catch (error) {
        console.log(`barrack ${kind} ${name}: could not remove what an interrupted run left (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    return removed;
  })();
  return removal;
}

/** The engine's delete, tried again once if it failed while the clean-up removed what was in its way. */
export async function deleteBesideLeftovers(del: () => Promise<void>, providerOf: ProviderOf): Promise<void> {
  const cleanUp = removeLeftovers(providerOf);
  try {
    await del();
  } catch (error) {
    if ((await cleanUp) === 0) throw error;
    await del();
  }
}

/** At close of a run with a program: the pending creates it no longer declares whose objects exist. */
async function abandonedNote(providerOf: ProviderOf): Promise<string[]> {
  const lines: string[] = [];
  for (const { kind, pending, writtenAt } of await pendingCreates()) {
    if (wasChecked(kind, pending.inputs)) continue; // declared: its create adopts the object
    const leftover = await providerOf(kind).leftover(pending.inputs, writtenAt).catch(() => undefined);
    if (leftover === undefined || leftover.refusal !== undefined) continue;
    lines.push(
      `warning: barrack ${kind} ${leftover.id} (${leftover.name}) was made by an interrupted run's create, which this program no longer ` +
        `declares; it is in no stack's state and goes on billing. Delete it: npx barrack sweep --prefix ${leftover.name} --yes`,
    );
  }
  return lines;
}

interface Unfinished {
  kind: ResourceTypeName;
  pending: PendingCreate;
  writtenAt: number | undefined;
}

async function pendingCreates(): Promise<Unfinished[]> {
  const state = await readStackState();
  if (!("resources" in state)) return [];
  const out: Unfinished[] = [];
  for (const pending of state.pendingCreates ?? []) {
    const kind = barrackType(pending.type) as ResourceTypeName | undefined;
    if (kind !== undefined && DELETE_ORDER.includes(kind)) out.push({ kind, pending, writtenAt: state.writtenAt });
  }
  return out.sort((a, b) => DELETE_ORDER.indexOf(a.kind) - DELETE_ORDER.indexOf(b.kind));
}
