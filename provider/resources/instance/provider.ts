/**
 * Instance provider: deploy (or restore a snapshot into a new instance), power state, public IP,
 * security rules and data volumes in place, delete.
 */
import { BarrackClient, BarrackConflictError, BarrackError, BarrackNotFoundError } from "../../client";
import { Instance, RuleRequest, sameStatus } from "../../contract";
import { OperationContext, ProviderImpl, defineProvider } from "../../engine/crud";
import { ruleFromWire, ruleKey, ruleToWire } from "../../engine/schema";
import { parseDuration } from "../../engine/values";
import {
  INSTANCE_NO_DIFF,
  INSTANCE_UPDATABLE,
  InstanceArgs,
  InstanceOutputs,
  PowerState,
  SNAPSHOT_INHERITED_KEYS,
  dataVolumeIds,
  instanceArgsSchema,
  instanceOutputs,
  isFailed,
  powerStateOf,
  stablePowerState,
  stopNeededMessage,
  validateChoices,
  validateInstance,
  validateRegionalTies,
  validateTiedRegion,
} from "./args";
import { acceptedPlacement, choicesOf, describeProblems, describeTaken, orderedChoices } from "./choices";
import { PLACEMENT_NOTE_INPUTS, placementCostBasis, placementInfo, placementWarnings } from "./preview";
import { DEFAULT_SSH_WAIT, SshWaitTimeout, waitForSsh } from "./readiness";
import { GpuRequest, stockProblem, waitForStock } from "./stock";

export const instanceProvider: ProviderImpl = defineProvider<typeof instanceArgsSchema, Instance, InstanceOutputs>({
  type: "Instance",
  schema: instanceArgsSchema,
  updatable: INSTANCE_UPDATABLE,
  noDiff: INSTANCE_NO_DIFF,
  nameKey: "name",
  nameKind: "instance",
  // A snapshot restore inherits these: omitted, they are whatever the snapshot had, not a change.
  inheritedWhenOmitted: SNAPSHOT_INHERITED_KEYS,
  defaultTimeouts: { create: "30m", update: "30m", delete: "20m" },
  async validate(news, olds, lookup) {
    const failures = [...validateInstance(news, olds), ...(await validateChoices(news, lookup))];
    // What the regions hold is looked up only for inputs that are otherwise right.
    return failures.length > 0 ? failures : validateRegionalTies(news, lookup);
  },
  // While an SSH key or volume made in the same plan has no id yet (preview): the choices themselves, and
  // the one region of the volumes, which rules out choices elsewhere whatever their ids.
  async validateUnknown(raw, known, lookup) {
    return [...validateTiedRegion(raw), ...(known !== undefined ? await validateChoices(known as InstanceArgs, lookup) : [])];
  },
  // An instance runs on one of its choices (the outputs say which; the inputs name the primary): while
  // that is still a choice, it is where the inputs want it.
  comparable: (olds, news, oldsAre) => [acceptedPlacement(olds, news, oldsAre), news],

  // An existing instance holds its GPUs: only a new or replaced one needs stock (and costs a choice).
  warnings: (news, previous, client) => placementWarnings(client, news, previous),
  // Where it would run and what that costs do not wait for, e.g., the id of a key made in the same plan.
  previewNoteInputs: PLACEMENT_NOTE_INPUTS,
  // What the plan will cost, before anything is created (GPU time dominates an instance's cost).
  previewInfo: (news, previous, client) => placementInfo(client, news, previous),
  costBasis: (news, previous, client) => placementCostBasis(client, news, previous),

  async create(ctx, args) {
    return args.snapshotId !== undefined ? restoreSnapshot(ctx, args, args.snapshotId) : deployWhenInStock(ctx, args);
  },

  // The deploy call can't carry a power state (nor can a restore carry public IP, rules or volumes):
  // converge the rest through update. A failure here is a partial create, so the instance stays in state.
  async afterCreate(ctx, vm, args) {
    return this.update!(ctx, vm.vm_id, instanceOutputs(args, vm), args, []);
  },

  // A volume attaches to one instance at a time: a replacement that takes the old one's volumes (or boots
  // from its boot volume) can only be created once the old instance is gone.
  replaceDeletesFirst(olds, news) {
    const held = (props: Record<string, unknown>) => [...(Array.isArray(props.volumeIds) ? props.volumeIds : []), props.bootVolumeId].filter((v) => typeof v === "string");
    const wanted = new Set(held(news));
    return held(olds).some((id) => wanted.has(id));
  },

  // With waitFor.ssh, "created" (and "updated" while running) means SSH answers.
  async usable(ctx, vm, args) {
    if (wantsSsh(args)) await waitUntilSshAnswers(ctx, vm, args);
  },

  async findExisting(ctx, args) {
    // Instance names are unique in the account, across regions.
    const vms = await ctx.client.listAll("listInstances", "vms");
    return vms.find((vm) => vm.vm_name === args.name);
  },

  get: getInstance,
  idOf: (vm) => vm.vm_id,
  readiness(vm) {
    if (isFailed(vm)) return "failed";
    return stablePowerState(vm.status) !== undefined ? "ready" : "pending";
  },
  describe,

  async update(ctx, id, _olds, news) {
    // Compare with the instance as it is now (not the stored outputs), so a retried update only does what is left.
    let vm = await settle(ctx, await getInstance(ctx.client, id));
    vm = await applyVolumes(ctx, vm, news);
    const rules = planSecurityRules(vm, news);
    const networkChanges = vm.public_ip !== news.publicIp || rules.add.length > 0 || rules.remove.length > 0;
    if (networkChanges && sameStatus(vm.status, "HIBERNATED")) {
      // The API changes the public IP and rules only while ACTIVE or SHUTOFF.
      ctx.log(`restoring ${id} from hibernation to change its public IP or security rules`);
      vm = await applyPowerState(ctx, vm, news.powerState === "stopped" ? "stopped" : "running");
    }
    vm = await applyPublicIp(ctx, vm, news.publicIp);
    vm = await applySecurityRules(ctx, vm, rules);
    return applyPowerState(ctx, vm, news.powerState);
  },

  async remove(ctx, id) {
    // Actions mid-transition are refused: let a running transition finish before deleting.
    const vm = await settle(ctx, await getInstance(ctx.client, id));
    if (sameStatus(vm.status, "DELETING")) return; // already on its way out; the shared delete waits until gone
    await ctx.client.call("deleteInstance", { params: { vm_id: id } });
  },

  outputs: instanceOutputs,
});

// ---------------------------------------------------------------------------------------------------
// Readiness: SSH
// ---------------------------------------------------------------------------------------------------

function wantsSsh(args: InstanceArgs): boolean {
  return args.waitFor?.ssh === true && args.powerState === "running";
}

/** Waits until port 22 of the public IP answers with an SSH banner, within waitFor.timeout and the operation's deadline. */
async function waitUntilSshAnswers(ctx: Pick<OperationContext, "client" | "log" | "deadline">, vm: Instance, args: InstanceArgs): Promise<void> {
  if (!vm.public_ip) {
    throw new Error(`waitFor.ssh needs a public IP, but ${vm.vm_id} has none (publicIp: false): set publicIp: true, or remove waitFor.ssh`);
  }
  const budget = args.waitFor?.timeout ?? DEFAULT_SSH_WAIT;
  const wanted = Date.now() + parseDuration(budget);
  const deadline = Math.min(wanted, ctx.deadline);
  let first = true;
  try {
    await waitForSsh({
      // The address can arrive after ACTIVE: read it again before each attempt (but the first).
      address: async () => {
        const current = first ? vm : await getInstance(ctx.client, vm.vm_id);
        first = false;
        return current.ip_address ?? undefined;
      },
      deadline,
      log: ctx.log,
      maxDelayMs: pollMaxMs(),
    });
  } catch (error) {
    if (!(error instanceof SshWaitTimeout)) throw error;
    const bound = deadline < wanted ? "the operation's deadline (timeouts) came first" : `waitFor.timeout is "${budget}"`;
    throw new Error(`${vm.vm_id} is ${vm.status}, but ${error.message}; ${bound}`, { cause: error });
  }
}

function pollMaxMs(): number {
  const configured = Number(process.env.BARRACK_POLL_MAX_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : 5000;
}

// ---------------------------------------------------------------------------------------------------
// Create
// ---------------------------------------------------------------------------------------------------

/**
 * Deploys on the first choice in stock (in `fallbackOrder`). With `waitForStock`, waits (within that
 * budget and the create deadline) for the first one that comes into stock; without, fails at once when
 * none is. If the GPUs are taken between the lookup and the deploy, chooses again. One choice and no
 * wait: deploys without a lookup, and the API's answer says what is missing.
 */
async function deployWhenInStock(ctx: OperationContext, args: InstanceArgs): Promise<Instance> {
  // check() requires gpuModel and gpuCount without snapshotId: else the API's answer says they are missing.
  const choices = choicesOf(args) ?? [{ region: args.region, gpuModel: args.gpuModel ?? "", gpuCount: args.gpuCount ?? 0, position: 0 }];
  if (choices.length === 1 && args.waitForStock === undefined) return deploy(ctx, args, choices[0]);
  const ordered = await orderedChoices(ctx.client, choices, args.fallbackOrder);
  const deadline = args.waitForStock === undefined ? Date.now() : Math.min(Date.now() + parseDuration(args.waitForStock), ctx.deadline);
  const several = ordered.length > 1;
  const options = { deadline, log: ctx.log, label: `instance "${args.name}"`, budget: args.waitForStock, describeProblems };
  // Without a wait, each choice can be taken from under us once at most.
  for (let attempt = 1; ; attempt++) {
    const taken = await waitForStock(ctx.client, ordered, options);
    if (several) ctx.log(`deploying ${describeTaken(taken, ordered.length)}`);
    try {
      return await deploy(ctx, args, taken.choice);
    } catch (error) {
      const outOfTime = args.waitForStock === undefined ? attempt >= ordered.length : Date.now() >= deadline;
      if (!(error instanceof BarrackConflictError) || outOfTime) throw error;
      const problem = await stockProblem(ctx.client, taken.choice).catch(() => undefined);
      if (problem === undefined) throw error; // a conflict that is not about stock (e.g. the name)
      ctx.log(`the GPUs were taken before the deploy (${problem}); ${args.waitForStock === undefined ? "choosing again" : "waiting again"}`);
    }
  }
}

/** Deploys `choice`; an out-of-stock answer (409) says what is available instead. */
async function deploy(ctx: OperationContext, args: InstanceArgs, choice: GpuRequest): Promise<Instance> {
  try {
    const { vm } = await ctx.client.call("deployInstance", {
      body: {
        vm_name: args.name,
        region: choice.region as Instance["region"],
        gpu_model: choice.gpuModel,
        gpu_count: choice.gpuCount,
        ...(args.osImageId !== undefined ? { os_image_id: args.osImageId } : {}),
        ...(args.bootVolumeId !== undefined ? { boot_volume_id: args.bootVolumeId } : {}),
        ...(args.imageId !== undefined ? { image_id: args.imageId } : {}),
        ssh_key_ids: args.sshKeyIds ?? [],
        ...(args.startupScriptId !== undefined ? { startup_script_id: args.startupScriptId } : {}),
        ...(args.cloudInit !== undefined ? { cloud_init: args.cloudInit } : {}),
        public_ip: args.publicIp,
        security_rules: args.securityRules.map(ruleToWire),
        volume_ids: args.volumeIds,
      },
    });
    return vm;
  } catch (error) {
    throw error instanceof BarrackConflictError ? await explainConflict(ctx.client, args.name, choice, error) : error;
  }
}

async function restoreSnapshot(ctx: OperationContext, args: InstanceArgs, snapshotId: string): Promise<Instance> {
  const { snapshot } = await ctx.client.call("getSnapshot", { params: { snapshot_id: snapshotId } });
  if (snapshot.region !== args.region) {
    throw new Error(`snapshot ${snapshotId} is in ${snapshot.region}; a restore stays in its snapshot's region, so set region: "${snapshot.region}"`);
  }
  // Inherited settings can't be chosen: refuse a mismatch before creating anything.
  const source = await getInstance(ctx.client, snapshot.vm_id).catch((error: unknown) => {
    if (error instanceof BarrackNotFoundError) return undefined; // the snapshot outlives its instance
    throw error;
  });
  if (source) {
    const mismatches = [
      args.gpuModel !== undefined && args.gpuModel !== source.gpu_model ? `gpuModel ${source.gpu_model}` : undefined,
      args.gpuCount !== undefined && args.gpuCount !== source.gpu_count ? `gpuCount ${source.gpu_count}` : undefined,
      args.sshKeyIds !== undefined && [...args.sshKeyIds].sort().join() !== [...source.ssh_key_ids].sort().join() ? `sshKeyIds [${source.ssh_key_ids.join(", ")}]` : undefined,
    ].filter((m): m is string => m !== undefined);
    if (mismatches.length > 0) {
      throw new Error(`a restore of snapshot ${snapshotId} inherits ${mismatches.join(", ")} from instance ${source.vm_id}; remove those inputs or set them to match`);
    }
  }
  ctx.log(`restoring snapshot ${snapshotId} into a new instance`);
  const { vm } = await ctx.client.call("restoreSnapshot", { params: { snapshot_id: snapshotId }, body: { vm_name: args.name } });
  return vm;
}

/** A 409 on create: out of stock gets a message saying what is available; anything else keeps its own. */
async function explainConflict(client: BarrackClient, name: string, choice: GpuRequest, error: BarrackConflictError): Promise<BarrackError> {
  const problem = await stockProblem(client, choice).catch(() => undefined);
  if (problem === undefined) return error;
  return new BarrackConflictError({
    operation: error.operation,
    method: error.method,
    path: error.path,
    requestPath: error.requestPath,
    status: error.status,
    code: error.code,
    requestId: error.requestId,
    attempts: error.attempts,
    message: `cannot create instance "${name}": ${problem}. Change gpuModel, gpuCount or region (or add fallbacks), or try again later (API: ${error.message})`,
  });
}

// ---------------------------------------------------------------------------------------------------
// Update
// ---------------------------------------------------------------------------------------------------

async function applyVolumes(ctx: OperationContext, vm: Instance, news: InstanceArgs): Promise<Instance> {
  const attached = dataVolumeIds(vm);
  const detach = attached.filter((id) => !news.volumeIds.includes(id));
  const attach = news.volumeIds.filter((id) => !attached.includes(id));
  if (detach.length === 0 && attach.length === 0) return vm;

  const change = [attach.length > 0 ? `attach ${attach.join(", ")}` : "", detach.length > 0 ? `detach ${detach.join(", ")}` : ""].filter(Boolean).join(" and ");
  if (!sameStatus(vm.status, "SHUTOFF")) {
    if (news.powerState !== "stopped" && !news.allowStopForUpdate) {
      throw new Error(stopNeededMessage(`${vm.vm_id} is ${vm.status} and volumeIds needs to ${change}`));
    }
    ctx.log(`stopping ${vm.vm_id} to ${change}${news.powerState === "stopped" ? "" : " (allowStopForUpdate); it is started again afterwards"}`);
    vm = await applyPowerState(ctx, vm, "stopped");
  }
  if (detach.length > 0) vm = (await ctx.client.call("detachVolumes", { params: { vm_id: vm.vm_id }, body: { volume_ids: detach } })).vm;
  if (attach.length > 0) vm = (await ctx.client.call("attachVolumes", { params: { vm_id: vm.vm_id }, body: { volume_ids: attach } })).vm;
  return settle(ctx, vm);
}

async function applyPublicIp(ctx: OperationContext, vm: Instance, enable: boolean): Promise<Instance> {
  if (vm.public_ip === enable) return vm;
  ctx.log(`${enable ? "enabling" : "disabling"} the public IP of ${vm.vm_id}`);
  return (await ctx.client.call("setInstancePublicIp", { params: { vm_id: vm.vm_id }, body: { enable } })).vm;
}

interface SecurityRulePlan {
  add: RuleRequest[];
  /** Rule ids. */
  remove: string[];
}

/** The difference between the instance's rules and the inputs, by rule content (ids are the server's). */
function planSecurityRules(vm: Instance, news: InstanceArgs): SecurityRulePlan {
  const wanted = new Map(news.securityRules.map((rule) => [ruleKey(rule), rule]));
  const kept = new Set<string>();
  const remove: string[] = [];
  for (const rule of vm.security_rules) {
    const key = ruleKey(ruleFromWire(rule));
    if (wanted.has(key) && !kept.has(key)) kept.add(key);
    else remove.push(rule.rule_id); // unwanted, or a duplicate of one kept
  }
  const add = [...wanted].filter(([key]) => !kept.has(key)).map(([, rule]) => ruleToWire(rule));
  return { add, remove };
}

async function applySecurityRules(ctx: OperationContext, vm: Instance, { add, remove }: SecurityRulePlan): Promise<Instance> {
  if (remove.length === 0 && add.length === 0) return vm;
  ctx.log(`security rules of ${vm.vm_id}: adding ${add.length}, removing ${remove.length}`);
  for (const ruleId of remove) {
    try {
      await ctx.client.call("removeInstanceSecurityRule", { params: { vm_id: vm.vm_id, rule_id: ruleId } });
    } catch (error) {
      if (!(error instanceof BarrackNotFoundError)) throw error; // already gone is what we wanted
    }
  }
  for (const rule of add) await addSecurityRule(ctx, vm.vm_id, rule);
  return getInstance(ctx.client, vm.vm_id);
}

/** Tries of one rule add whose outcome stays unknown (the call is not idempotent, so never blindly re-sent). */
const RULE_ADD_TRIES = 3;

/**
 * Adds one rule. After an ambiguous failure (the answer was lost), looks at the instance's rules by content
 * (ids are the server's): there, done; missing, adds it again, at most RULE_ADD_TRIES times in all.
 */
async function addSecurityRule(ctx: OperationContext, vmId: string, rule: RuleRequest): Promise<void> {
  const key = ruleKey(ruleFromWire(rule));
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.client.call("addInstanceSecurityRule", { params: { vm_id: vmId }, body: rule });
      return;
    } catch (error) {
      const ambiguous = error instanceof BarrackError && error.ambiguous;
      // After a lost answer, "an identical rule exists" may be that request's rule, committed late.
      const duplicate = attempt > 1 && error instanceof BarrackConflictError;
      if (!ambiguous && !duplicate) throw error;
      const present = (await getInstance(ctx.client, vmId)).security_rules.some((r) => ruleKey(ruleFromWire(r)) === key);
      if (present) {
        ctx.log(`rule ${describeRuleRequest(rule)} is on ${vmId}: the add whose answer was lost had gone through`);
        return;
      }
      if (attempt >= RULE_ADD_TRIES) {
        throw new Error(`could not add rule ${describeRuleRequest(rule)} to ${vmId}: ${attempt} tries failed without an answer, and the rule is not there (last: ${(error as Error).message})`, { cause: error });
      }
      ctx.log(`adding rule ${describeRuleRequest(rule)} to ${vmId} again: the previous request's answer was lost (${(error as Error).message}) and the rule is not there`);
    }
  }
}

function describeRuleRequest(rule: RuleRequest): string {
  const ports = rule.port_range_min == null ? "" : rule.port_range_max == null || rule.port_range_max === rule.port_range_min ? ` port ${rule.port_range_min}` : ` ports ${rule.port_range_min}-${rule.port_range_max}`;
  return `${rule.direction} ${rule.protocol}${ports} from ${rule.remote_ip_prefix}`;
}

type PowerOperation = "startInstance" | "stopInstance" | "hibernateInstance" | "restoreInstance";
interface PowerStep {
  operation: PowerOperation;
  verb: string;
  /** The status the step ends in. */
  reaches: "ACTIVE" | "SHUTOFF" | "HIBERNATED";
}
const START: PowerStep = { operation: "startInstance", verb: "starting", reaches: "ACTIVE" };
const STOP: PowerStep = { operation: "stopInstance", verb: "stopping", reaches: "SHUTOFF" };
const HIBERNATE: PowerStep = { operation: "hibernateInstance", verb: "hibernating", reaches: "HIBERNATED" };
const RESTORE: PowerStep = { operation: "restoreInstance", verb: "restoring", reaches: "ACTIVE" };

/** Stop and hibernate start from running; a stopped or hibernated instance goes through running first. */
function nextPowerStep(current: PowerState, target: PowerState): PowerStep {
  if (current === "hibernated") return RESTORE;
  if (current === "stopped") return START;
  return target === "stopped" ? STOP : HIBERNATE;
}

/** Steps the instance to `target` (at most two steps, e.g. stopped → running → hibernated), waiting out each. */
async function applyPowerState(ctx: OperationContext, vm: Instance, target: PowerState): Promise<Instance> {
  for (let steps = 0; steps < 3; steps++) {
    vm = await settle(ctx, vm);
    const current = stablePowerState(vm.status);
    if (current === undefined) throw new Error(`${vm.vm_id} cannot be brought to ${target}: ${describe(vm)}`);
    if (current === target) return vm;
    const step = nextPowerStep(current, target);
    ctx.log(`${step.verb} ${vm.vm_id} (${current} → ${target})`);
    try {
      await ctx.client.call(step.operation, { params: { vm_id: vm.vm_id } });
    } catch (error) {
      if (step === START || step === RESTORE) throw await explainStartFailure(ctx.client, vm, step === START ? "start" : "restore", error);
      throw error;
    }
    vm = await ctx.waitFor(
      `${vm.vm_id} to be ${step.reaches}`,
      () => getInstance(ctx.client, vm.vm_id),
      (v) => sameStatus(v.status, step.reaches) || isFailed(v),
      describe,
    );
    if (isFailed(vm)) throw new Error(`${vm.vm_id} failed while ${step.verb}: ${describe(vm)}`);
  }
  throw new Error(`${vm.vm_id} did not reach ${target}: ${describe(vm)}`);
}

/** A stopped or hibernated GPU instance may not start again if its GPUs were taken meanwhile: say so. */
async function explainStartFailure(client: BarrackClient, vm: Instance, verb: "start" | "restore", error: unknown): Promise<unknown> {
  if (!(error instanceof BarrackConflictError)) return error;
  const problem = await stockProblem(client, { region: vm.region, gpuModel: vm.gpu_model, gpuCount: vm.gpu_count }).catch(() => undefined);
  return problem === undefined ? error : new Error(`cannot ${verb} ${vm.vm_id}: ${problem}; it stays ${vm.status} (API: ${error.message})`);
}

// ---------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------

async function getInstance(client: BarrackClient, id: string): Promise<Instance> {
  return (await client.call("getInstance", { params: { vm_id: id } })).vm;
}

function describe(vm: Instance): string {
  return `status ${vm.status}, ${vm.gpu_count}× ${vm.gpu_model} in ${vm.region}`;
}

/** A status on its way to a power state (BUILD, STOPPING, STARTING, …); not ERROR or DELETING. */
function isTransitional(vm: Instance): boolean {
  return powerStateOf(vm.status) !== undefined && stablePowerState(vm.status) === undefined;
}

/** Waits out a transitional status; returns at once otherwise. */
async function settle(ctx: OperationContext, vm: Instance): Promise<Instance> {
  if (!isTransitional(vm)) return vm;
  return ctx.waitFor(`${vm.vm_id} to settle`, () => getInstance(ctx.client, vm.vm_id), (v) => !isTransitional(v), describe);
}
