/** Snapshot provider: snapshot an instance, wait until it is usable, delete. Every input replaces. */
import type { BarrackClient } from "../../client";
import { BarrackError, BarrackNotFoundError } from "../../client";
import { Instance, Snapshot, sameStatus } from "../../contract";
import { capabilitiesOf, regionsWhere, tierOf } from "../../platform";
import { defineProvider } from "../../engine/crud";
import { SnapshotOutputs, snapshotArgsSchema, snapshotOutputs } from "./args";

async function getSnapshot(client: BarrackClient, id: string): Promise<Snapshot> {
  return (await client.call("getSnapshot", { params: { snapshot_id: id } })).snapshot;
}

/** The tier rule, which preview cannot check: the instance's region is known only to the API. */
function tierProblem(vm: Instance): string | undefined {
  if (capabilitiesOf(vm.region).snapshots) return undefined;
  const where = regionsWhere((c) => c.snapshots).join(", ");
  return `instance ${vm.vm_id} is in ${vm.region} (${tierOf(vm.region)} tier), but snapshots exist only in the legacy tier (${where}); snapshot an instance in ${where} instead`;
}

/** Turns the API's refusal into one that says which rule the instance breaks. */
async function explainRefusal(client: BarrackClient, instanceId: string, error: unknown): Promise<unknown> {
  // Ambiguous failures must stay as they are: the shared create adopts what they may have made.
  if (!(error instanceof BarrackError) || error.ambiguous || ![400, 404, 409, 422].includes(error.status ?? 0)) return error;
  let vm: Instance;
  try {
    vm = (await client.call("getInstance", { params: { vm_id: instanceId } })).vm;
  } catch (lookup) {
    if (lookup instanceof BarrackNotFoundError) return new Error(`cannot snapshot instanceId ${instanceId}: no such instance (the API said: ${error.message})`, { cause: error });
    return error;
  }
  const problem = tierProblem(vm) ?? (sameStatus(vm.status, "ACTIVE") ? undefined : `instance ${instanceId} is ${vm.status}, and snapshots are taken of ACTIVE instances only`);
  return problem ? new Error(`cannot snapshot: ${problem} (the API said: ${error.message})`, { cause: error }) : error;
}

export const snapshotProvider = defineProvider<typeof snapshotArgsSchema, Snapshot, SnapshotOutputs>({
  type: "Snapshot",
  schema: snapshotArgsSchema,
  updatable: [],
  noDiff: ["timeouts"],
  nameKey: "name",
  nameKind: "snapshot",
  // Snapshots take "several minutes" (barrack-api.md §4.9): be generous.
  defaultTimeouts: { create: "60m", update: "60m", delete: "20m" },

  async warnings(news, previous, client) {
    if (previous?.instanceId === news.instanceId) return []; // nothing new is snapshotted
    const { vm } = await client.call("getInstance", { params: { vm_id: news.instanceId } });
    const problem = tierProblem(vm);
    return problem ? [`Snapshot "${news.name}": ${problem}; creating it will fail`] : [];
  },

  async create(ctx, args) {
    try {
      const { snapshot } = await ctx.client.call("createSnapshot", {
        body: { vm_id: args.instanceId, name: args.name, description: args.description },
      });
      return snapshot;
    } catch (error) {
      throw await explainRefusal(ctx.client, args.instanceId, error);
    }
  },

  async findExisting(ctx, args) {
    const snapshots = await ctx.client.listAll("listSnapshots", "snapshots");
    return snapshots.find((s) => s.name === args.name);
  },

  get: getSnapshot,
  idOf: (snapshot) => snapshot.snapshot_id,
  readiness(snapshot) {
    if (sameStatus(snapshot.status, "ERROR")) return "failed";
    return sameStatus(snapshot.status, "SUCCESS") || sameStatus(snapshot.status, "available") ? "ready" : "pending";
  },
  describe: (snapshot) => `status ${snapshot.status}, ${snapshot.size_gb} GB`,

  async remove(ctx, id) {
    await ctx.client.call("deleteSnapshot", { params: { snapshot_id: id } });
  },

  outputs: snapshotOutputs,
});
