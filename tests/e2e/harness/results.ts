/**
 * Turning Automation API engine events into results tests can assert on.
 */
import type { EngineEvent, OpMap, OpType, StepEventMetadata } from "@pulumi/pulumi/automation";

export type OperationKind = "preview" | "up" | "refresh" | "destroy";

/** One engine step on one resource (a replacement is several steps: create-replacement, replace, delete-replaced). */
export interface StepRecord {
  op: OpType;
  urn: string;
  /** The resource's logical name (last URN segment). */
  name: string;
  type: string;
  /** Properties that forced a replacement (the engine's `keys`; set on create-replacement/replace steps). */
  replaceKeys: string[];
  /** Properties the engine reported as changed (`diffs`/`detailedDiff`; often empty for dynamic providers). */
  diffs: string[];
  /**
   * Top-level input properties whose value differs between the old state and the new inputs, computed
   * by the harness from the step's old/new inputs (ignores `__provider`). Dynamic providers report no
   * `diffs`, so use this to assert which properties an update touches.
   */
  changedInputs: string[];
  /** Whether the engine emitted the step's outputs event (it does in previews too). */
  completed: boolean;
  failed: boolean;
  /** Old / new state as the engine reported it (inputs and outputs; secrets shown as "[secret]"). */
  old?: { id?: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> };
  new?: { id?: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> };
}

export interface Diagnostic {
  severity: "info" | "info#err" | "warning" | "error";
  message: string;
  urn?: string;
}

/** Change counts with every common op present (0 when absent), straight from the engine's summary. */
export interface ChangeCounts {
  create: number;
  update: number;
  replace: number;
  delete: number;
  same: number;
  read: number;
  refresh: number;
  import: number;
}

export interface OperationResult {
  kind: OperationKind;
  /** False only when `expectFailure` was passed and the operation failed. */
  ok: boolean;
  /** The engine's change summary (e.g. `{ create: 2, same: 1 }`), as reported. */
  summary: OpMap;
  /** `summary` with the common ops always present: `{ create, update, replace, delete, same, read, refresh, import }`. */
  counts: ChangeCounts;
  /** Steps on resources in event order, excluding the stack itself and provider resources. */
  steps: StepRecord[];
  /** All steps including `pulumi:pulumi:Stack` and `pulumi:providers:*`. */
  allSteps: StepRecord[];
  /** Non-debug diagnostics (program/provider errors, warnings, console.log output from providers). */
  diagnostics: Diagnostic[];
  /** The CLI's stdout (the human-readable progress and "Diagnostics:" sections), also on failure. */
  stdout: string;
  /** The CLI's stderr (usually empty; e.g. "error: update failed" lines). */
  stderr: string;
  /** The Automation API's error message when the operation failed (includes the CLI's stdout/stderr). */
  error?: string;
  /** stdout + stderr + diagnostics + error, for `toMatch` assertions on failure messages. */
  text: string;
  /** Stack outputs after `up` (plain values, secrets revealed). Empty for other operations. */
  outputs: Record<string, unknown>;
  /** The ops applied to the resource with this logical name, in order (e.g. ["update"] or ["create-replacement","replace","delete-replaced"]). */
  opsFor(name: string): OpType[];
  /** The single summarizing op for a resource: "replace" if replaced, else its first op; undefined if no step. */
  opFor(name: string): OpType | undefined;
  /** Steps for the resource with this logical name. */
  stepsFor(name: string): StepRecord[];
}

const COUNT_KEYS: (keyof ChangeCounts)[] = ["create", "update", "replace", "delete", "same", "read", "refresh", "import"];

export function countsOf(summary: OpMap): ChangeCounts {
  const counts = {} as ChangeCounts;
  for (const key of COUNT_KEYS) counts[key] = summary[key] ?? 0;
  return counts;
}

function lastSegment(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i >= 0 ? urn.slice(i + 2) : urn;
}

function changedKeys(oldInputs: Record<string, unknown> | undefined, newInputs: Record<string, unknown> | undefined): string[] {
  if (!oldInputs || !newInputs) return [];
  const keys = new Set([...Object.keys(oldInputs), ...Object.keys(newInputs)]);
  keys.delete("__provider");
  return [...keys].filter((k) => JSON.stringify(oldInputs[k]) !== JSON.stringify(newInputs[k])).sort();
}

function stateOf(s: StepEventMetadata["old"]): StepRecord["old"] {
  if (!s) return undefined;
  return { id: s.id || undefined, inputs: s.inputs ?? {}, outputs: s.outputs ?? {} };
}

/** Collects the engine events of one operation. */
export class EventCollector {
  readonly allSteps: StepRecord[] = [];
  readonly diagnostics: Diagnostic[] = [];
  summary: OpMap | undefined;

  readonly onEvent = (event: EngineEvent): void => {
    if (event.resourcePreEvent) this.pre(event.resourcePreEvent.metadata);
    else if (event.resOutputsEvent) this.outputs(event.resOutputsEvent.metadata);
    else if (event.resOpFailedEvent) this.find(event.resOpFailedEvent.metadata).failed = true;
    else if (event.diagnosticEvent) {
      const d = event.diagnosticEvent;
      if ((d.severity as string) === "debug" || d.ephemeral) return;
      this.diagnostics.push({ severity: d.severity, message: d.message.trimEnd(), ...(d.urn ? { urn: d.urn } : {}) });
    } else if (event.summaryEvent) this.summary = event.summaryEvent.resourceChanges;
  };

  private pre(m: StepEventMetadata): StepRecord {
    const diffs = new Set([...(m.diffs ?? []), ...Object.keys(m.detailedDiff ?? {})]);
    const step: StepRecord = {
      op: m.op,
      urn: m.urn,
      name: lastSegment(m.urn),
      type: m.type,
      replaceKeys: [...(m.keys ?? [])],
      diffs: [...diffs].sort(),
      changedInputs: changedKeys(m.old?.inputs, m.new?.inputs),
      completed: false,
      failed: false,
      old: stateOf(m.old),
      new: stateOf(m.new),
    };
    this.allSteps.push(step);
    return step;
  }

  /** The latest step for this urn and op, or a new one (refresh reports `refresh` before and `same`/`update` after). */
  private find(m: StepEventMetadata): StepRecord {
    for (let i = this.allSteps.length - 1; i >= 0; i--) {
      const s = this.allSteps[i]!;
      if (s.urn === m.urn && (s.op === m.op || (s.op === "refresh" && !s.completed))) return s;
    }
    return this.pre(m);
  }

  private outputs(m: StepEventMetadata): void {
    const step = this.find(m);
    step.completed = true;
    if (step.op === "refresh" && m.op !== "refresh") step.op = m.op; // what refresh found: same/update/delete
    for (const k of [...(m.diffs ?? []), ...Object.keys(m.detailedDiff ?? {})]) if (!step.diffs.includes(k)) step.diffs.push(k);
    for (const k of m.keys ?? []) if (!step.replaceKeys.includes(k)) step.replaceKeys.push(k);
    if (m.new) step.new = stateOf(m.new);
    if (step.changedInputs.length === 0) step.changedInputs = changedKeys(m.old?.inputs, m.new?.inputs);
  }
}

function isInfrastructure(step: StepRecord): boolean {
  return step.type === "pulumi:pulumi:Stack" || step.type.startsWith("pulumi:providers:");
}

export function buildResult(
  kind: OperationKind,
  collector: EventCollector,
  fields: { ok: boolean; summary?: OpMap; stdout: string; stderr: string; error?: string; outputs?: Record<string, unknown> },
): OperationResult {
  const summary = fields.summary ?? collector.summary ?? {};
  const steps = collector.allSteps.filter((s) => !isInfrastructure(s));
  const stepsFor = (name: string) => steps.filter((s) => s.name === name);
  const text = [
    fields.stdout,
    fields.stderr,
    ...collector.diagnostics.map((d) => `${d.severity}: ${d.message}`),
    fields.error ?? "",
  ].join("\n");
  return {
    kind,
    ok: fields.ok,
    summary,
    counts: countsOf(summary),
    steps,
    allSteps: collector.allSteps,
    diagnostics: collector.diagnostics,
    stdout: fields.stdout,
    stderr: fields.stderr,
    ...(fields.error !== undefined ? { error: fields.error } : {}),
    text,
    outputs: fields.outputs ?? {},
    stepsFor,
    opsFor: (name) => stepsFor(name).map((s) => s.op),
    opFor: (name) => {
      const ops = stepsFor(name).map((s) => s.op);
      return ops.includes("replace") ? "replace" : ops[0];
    },
  };
}
