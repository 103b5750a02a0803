/**
 * The three billing lists, in the CONFIRMED shapes (P-IBILL, P-VBILL, P-SBILL): records plus a camelCase
 * `summary`, pagination and currency. A record covers one stretch at one rate; `total_duration_minutes`
 * counts billed minutes, so `total_cost = total_duration_minutes × per_minute_rate`.
 */
import { tierOf } from "../../provider/platform";

import { isoNoZone, isoZ, round, type BillingRec } from "../store";
import type { Handlers } from "./common";
import { pageFields, paginate } from "./common";

const minutesText = (b: BillingRec): string => `${Math.round(b.minutes)} minutes`;

function totals(records: BillingRec[]): { totalMinutes: number; totalCost: number; averageUsage: number } {
  const totalMinutes = records.reduce((s, b) => s + b.minutes, 0);
  const totalCost = records.reduce((s, b) => s + b.cost, 0);
  return { totalMinutes: round(totalMinutes, 4), totalCost: round(totalCost, 6), averageUsage: records.length ? round(totalMinutes / records.length, 4) : 0 };
}

const common = (b: BillingRec) => ({
  total_duration_minutes: round(b.minutes, 4),
  per_minute_rate: round(b.rate, 8),
  total_cost: round(b.cost, 6),
});

export const billingHandlers = {
  getInstanceBilling: ({ store, params, query }) => {
    const records = store.billingRecords("instance").filter((b) => b.resource_id === params.vm_id);
    // Records outlive the instance; an id never seen is a 404.
    if (records.length === 0) store.instance(params.vm_id);
    const currency = store.state.currency;
    const p = paginate(records, query);
    const status = (b: BillingRec): string => (b.end !== null ? "completed" : b.mode === "hibernated" ? "hibernated" : "active");
    return {
      message: "Instance billing retrieved successfully",
      data: {
        records: p.items.map((b) => ({
          billing_id: b.billing_id, instance_id: b.resource_id, vm_name: b.name, gpu_type: b.gpu_type ?? "", gpu_count: b.gpu_count ?? 0,
          tier: tierOf(b.region), start_time: isoZ(b.start), end_time: b.end === null ? null : isoZ(b.end), ...common(b), currency, status: status(b),
          description: b.mode === "hibernated"
            ? `Hibernation billing - ${minutesText(b)} for ${b.gpu_type} x${b.gpu_count} (${b.name})`
            : `Deployment billing - ${minutesText(b)} for ${b.gpu_type} x${b.gpu_count} (${b.name})`,
        })),
        summary: {
          ...totals(records),
          activeCount: records.filter((b) => status(b) === "active").length,
          completedCount: records.filter((b) => status(b) === "completed").length,
          hibernatedCount: records.filter((b) => status(b) === "hibernated").length,
        },
        ...pageFields(p),
        currency,
      },
    };
  },

  getVolumeBilling: ({ store, query }) => {
    const records = store.billingRecords("volume");
    const currency = store.state.currency;
    const p = paginate(records, query);
    const status = (b: BillingRec): string => (b.end !== null ? "completed" : store.state.volumes[b.resource_id]?.status ?? "available");
    return {
      message: "Volume billing retrieved successfully",
      data: {
        records: p.items.map((b) => ({
          billing_id: b.billing_id, volume_id: b.resource_id, volume_name: b.name, size_gb: b.size_gb ?? 0, tier: tierOf(b.region),
          // The confirmed example has no zone on these timestamps (P-VBILL); they are UTC.
          start_time: isoNoZone(b.start), end_time: b.end === null ? null : isoNoZone(b.end), ...common(b), currency, status: status(b),
          description: `Volume billing - ${minutesText(b)} at ${b.size_gb}GB (${b.name})`,
        })),
        summary: {
          ...totals(records),
          activeCount: records.filter((b) => b.end === null).length,
          totalSizeGB: records.filter((b) => b.end === null).reduce((s, b) => s + (b.size_gb ?? 0), 0),
        },
        ...pageFields(p),
        currency,
      },
    };
  },

  getSnapshotBilling: ({ store, query }) => {
    const records = store.billingRecords("snapshot");
    const currency = store.state.currency;
    const p = paginate(records, query);
    return {
      message: "Snapshot billing retrieved successfully",
      data: {
        records: p.items.map((b) => ({
          billing_id: b.billing_id, snapshot_id: b.resource_id, snapshot_name: b.name, size_gb: b.size_gb ?? 0, tier: tierOf(b.region),
          start_time: isoZ(b.start), end_time: b.end === null ? null : isoZ(b.end), ...common(b), currency, status: b.end === null ? "active" : "completed",
          description: `Snapshot usage - ${minutesText(b)} for ${b.size_gb}GB snapshot (${b.name})`,
        })),
        summary: {
          ...totals(records),
          activeCount: records.filter((b) => b.end === null).length,
          totalSizeGB: records.filter((b) => b.end === null).reduce((s, b) => s + (b.size_gb ?? 0), 0),
        },
        ...pageFields(p),
        currency,
        // CONFIRMED (P-SBILL): the snapshot list carries the tier at the top level.
        tier: "legacy",
      },
    };
  },
} satisfies Partial<Handlers>;


