/**
 * What this provider process's deployment did, as far as the state's readers need it (the burn line in
 * spend.ts, a killed run's leftovers in interrupted.ts): the objects its checks were about and the
 * engine's mutating calls. Objects are matched by type, region and name, as the state's resources and
 * pending creates carry them. impl.ts records every call.
 */

/** The objects this process's checks were about: what the state holds and is not among them is deleted. */
const checkedObjects = new Set<string>();
/** Whether any check ran (a create's old inputs name no object, yet the process serves a program). */
let checkedAny = false;

/** An object by type, region and name: how a check's inputs and the state's resources are matched. */
function objectKey(type: string, inputs: Record<string, unknown>): string {
  return `${type}\u0000${String(inputs.region)}\u0000${String(inputs.name)}`;
}

/**
 * Records that a check of this process was about the object `inputs` name. Called with a check's old
 * inputs (the state's) and its new ones: in an update, a resource this run created may already be in the
 * state when it is read.
 */
export function noteChecked(type: string, inputs: Record<string, unknown> | undefined): void {
  checkedAny = true;
  if (inputs?.name !== undefined) checkedObjects.add(objectKey(type, inputs));
}

/** Whether a check of this process was about the object of the state (or pending create) with `inputs`. */
export function wasChecked(type: string, inputs: Record<string, unknown>): boolean {
  return checkedObjects.has(objectKey(type, inputs));
}

/** Whether this process checked anything: a `pulumi destroy` (no program) checks nothing. */
export function anyChecked(): boolean {
  return checkedAny;
}

/**
 * The engine's mutating calls in this process. A preview makes none, so its deletions can only be
 * inferred (in state, checked by no one); an update makes them, so its deletions are also among the
 * deletes it called: a failed update stops registering the program's resources, and the ones it never
 * reached are not being deleted.
 */
const run = { applying: false, failed: false, deleted: new Set<string>() };

/** Records a create, update or delete the engine called (the deleted object by its state's properties). */
export function noteOperation(op: "create" | "update" | "delete", type: string, props: Record<string, unknown> | undefined, ok: boolean): void {
  run.applying = true;
  if (!ok) run.failed = true;
  if (op === "delete" && ok && props?.name !== undefined) run.deleted.add(objectKey(type, props));
}

/** Whether the state's object with `inputs` leaves the stack in this run (see `run`). */
export function isDeletedByRun(type: string, inputs: Record<string, unknown>): boolean {
  // Checked: still declared (a replacement's old half is deleted too, and its cost is the check's to count).
  if (wasChecked(type, inputs)) return false;
  return !run.applying || run.deleted.has(objectKey(type, inputs));
}

/** Whether an operation of this process failed: the update stopped short of its plan. */
export function runFailed(): boolean {
  return run.failed;
}

/** Forgets what was noted (tests). */
export function forgetRun(): void {
  checkedObjects.clear();
  checkedAny = false;
  Object.assign(run, { applying: false, failed: false, deleted: new Set<string>() });
}
