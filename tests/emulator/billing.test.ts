/**
 * Billing on simulated time: per-minute rates from the catalogue, accrual debited from the balance, free
 * transitional states, hibernation rate, records in the confirmed shapes, and AI chat charges.
 */
import { operations } from "../../provider/contract";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { del, deployActive, ed25519PublicKey, expectError, get, post, sleep, volumeAvailable, waitFor, waitGone, waitVm, type J } from "./helpers";

const FREEZE = 1e12; // a time scale at which simulated time stands still

describe("accrual", () => {
  let emu: RunningEmulator;
  let key: string;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, timeScale: 0.001 });
    key = (await post(emu, "ssh-keys/", { name: "bill-key", public_key: ed25519PublicKey() })).body.ssh_key.key_id;
  });
  afterAll(async () => {
    await emu.stop();
  });

  test("rates follow the catalogue and the balance is the start minus every charge", async () => {
    const t0 = Date.now();
    const vm = await deployActive(emu, key, { vm_name: "billed", gpu_model: "RTX-A6000", gpu_count: 2 });
    await volumeAvailable(emu, { name: "ssd-500", region: "CANADA-1", size_gb: 500, volume_type: "SSD" });
    await volumeAvailable(emu, { name: "nvme-1000", region: "FINLAND-1", size_gb: 1000, volume_type: "NVMe" });
    const snap = (await post(emu, "snapshots/", { vm_id: vm, name: "billed snap" })).body.snapshot;
    await post(emu, "ai/chat/", { model: "llama-3.1-8b-instruct", messages: [{ role: "user", content: "cost me something" }] });
    await sleep(300);
    emu.setTimeScale(FREEZE);
    const elapsedSimMinutes = (Date.now() - t0) / 0.001 / 60000;

    const ib = await get(emu, `vms/${vm}/billing/`);
    const vb = await get(emu, "volumes/billing/");
    const sb = await get(emu, "snapshots/billing/");
    const ai = await get(emu, "ai/usage/summary/");
    const balance = (await get(emu, "balance/")).body.balance;
    expect(operations.getInstanceBilling.response.safeParse(ib.body).success).toBe(true);
    expect(operations.getVolumeBilling.response.safeParse(vb.body).success).toBe(true);
    expect(operations.getSnapshotBilling.response.safeParse(sb.body).success).toBe(true);

    const irec = ib.body.records[0];
    expect(irec).toMatchObject({ instance_id: vm, vm_name: "billed", gpu_type: "RTX-A6000", gpu_count: 2, tier: "legacy", status: "active", end_time: null, currency: "USD" });
    expect(irec.billing_id).toMatch(/^BRK-\d{6}DB$/);
    expect(irec.per_minute_rate).toBeCloseTo((0.69 * 2) / 60, 8);
    expect(irec.description).toMatch(/^Deployment billing - \d+ minutes for RTX-A6000 x2 \(billed\)$/);
    expect(irec.start_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const byName = Object.fromEntries(vb.body.records.map((r: J) => [r.volume_name, r]));
    expect(byName["ssd-500"].per_minute_rate).toBeCloseTo((0.1 * 0.5) / 60, 8);
    expect(byName["nvme-1000"].per_minute_rate).toBeCloseTo(0.3 / 60, 8);
    expect(byName["nvme-1000"].billing_id).toMatch(/^VBILL_[0-9a-f]{10}$/);
    expect(byName["nvme-1000"].start_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/); // no zone, as in the confirmed example
    expect(vb.body.summary.totalSizeGB).toBe(1500);

    const srec = sb.body.records[0];
    expect(srec.snapshot_id).toBe(snap.snapshot_id);
    expect(srec.billing_id).toMatch(/^BRK-\d{6}SB$/);
    expect(srec.per_minute_rate).toBeCloseTo((0.1 * snap.size_gb) / 100 / 60, 8);
    expect(sb.body.tier).toBe("legacy");

    const records = [...ib.body.records, ...vb.body.records, ...sb.body.records];
    for (const r of records) {
      expect(r.total_duration_minutes).toBeGreaterThan(0);
      expect(r.total_duration_minutes).toBeLessThanOrEqual(elapsedSimMinutes);
      expect(r.total_cost).toBeCloseTo(r.total_duration_minutes * r.per_minute_rate, 4);
    }
    const charged = records.reduce((s, r) => s + r.total_cost, 0) + ai.body.total_cost;
    expect(charged).toBeGreaterThan(0);
    expect(balance.amount).toBeCloseTo(1000 - charged, 3);

    // The burn rate is the sum of the open records' rates.
    const perHour = records.reduce((s, r) => s + r.per_minute_rate * 60, 0);
    expect(emu.inventory().costPerHour).toBeCloseTo(perHour, 6);

    // Frozen time: nothing accrues.
    await sleep(50);
    expect((await get(emu, "balance/")).body.balance.amount).toBe(balance.amount);
    emu.setTimeScale(0.001);
    await sleep(50);
    expect((await get(emu, "balance/")).body.balance.amount).toBeLessThan(balance.amount);
  });
});

describe("billing by instance state", () => {
  let emu: RunningEmulator;
  let key: string;
  beforeAll(async () => {
    // Stopping takes "forever" here, to watch a transitional state cost nothing.
    emu = await startEmulator({ port: 0, timeScale: 0.001, delays: { instanceStop: 1e6 } });
    key = (await post(emu, "ssh-keys/", { name: "state-key", public_key: ed25519PublicKey() })).body.ssh_key.key_id;
  });
  afterAll(async () => {
    await emu.stop();
  });

  test("transitional states are free", async () => {
    const vm = await deployActive(emu, key, { vm_name: "stopper", gpu_model: "L40", gpu_count: 8 });
    await sleep(50);
    await post(emu, `vms/${vm}/stop/`);
    const before = (await get(emu, `vms/${vm}/billing/`)).body.records[0];
    const balance = (await get(emu, "balance/")).body.balance.amount;
    expect(before.total_cost).toBeGreaterThan(0);
    await sleep(100);
    const after = (await get(emu, `vms/${vm}/billing/`)).body.records[0];
    expect(after.total_cost).toBe(before.total_cost);
    expect((await get(emu, "balance/")).body.balance.amount).toBe(balance);
    expect(emu.inventory().costPerHour).toBe(0);
  });

  test("hibernation bills $0.01/h on a new record; deletion completes the last one", async () => {
    const vm = await deployActive(emu, key, { vm_name: "sleeper", gpu_model: "H100-PCIe-NVLink-80GB", gpu_count: 1 });
    await post(emu, `vms/${vm}/hibernate/`);
    await waitVm(emu, vm, "HIBERNATED");
    await sleep(50);
    let recs = (await get(emu, `vms/${vm}/billing/`)).body;
    expect(recs.records.map((r: J) => r.status)).toEqual(["completed", "hibernated"]);
    expect(recs.records[0].end_time).not.toBeNull();
    expect(recs.records[0].per_minute_rate).toBeCloseTo(2.29 / 60, 8);
    expect(recs.records[1].per_minute_rate).toBeCloseTo(0.01 / 60, 8);
    expect(recs.summary).toMatchObject({ completedCount: 1, hibernatedCount: 1, activeCount: 0 });
    expect(emu.inventory().costPerHour).toBeCloseTo(0.01, 8);

    await del(emu, `vms/${vm}/`);
    await waitGone(emu, `vms/${vm}/`);
    recs = (await get(emu, `vms/${vm}/billing/`)).body; // records outlive the instance
    expect(recs.records.map((r: J) => r.status)).toEqual(["completed", "completed"]);
    expect(recs.total).toBe(2);
    expectError(await get(emu, "vms/BRK-000000D/billing/"), 404);
  });

  test("a resize starts a new volume record at the new size", async () => {
    const vol = await volumeAvailable(emu, { name: "grow", region: "FINLAND-1", size_gb: 100, volume_type: "HDD" });
    await post(emu, `volumes/${vol}/resize/`, { new_size_gb: 2000 });
    await waitFor(emu, `volumes/${vol}/`, (b) => b.volume.status, "available");
    const recs = (await get(emu, "volumes/billing/")).body.records.filter((r: J) => r.volume_id === vol);
    expect(recs.map((r: J) => [r.size_gb, r.status])).toEqual([[100, "completed"], [2000, "available"]]);
    expect(recs[1].per_minute_rate).toBeCloseTo((0.08 * 2) / 60, 8);
  });
});

describe("AI chat", () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, timeScale: FREEZE });
  });
  afterAll(async () => {
    await emu.stop();
  });

  test("a reply is deterministic, and its cost is debited and recorded", async () => {
    const body = { model: "llama-3.3-70b-instruct", messages: [{ role: "system", content: "be brief" }, { role: "user", content: "What is a GPU?" }] };
    const a = await post(emu, "ai/chat/", body);
    const b = await post(emu, "ai/chat/", body);
    expect(a.status).toBe(200);
    expect(a.body.choices[0].message.content).toBe(b.body.choices[0].message.content);
    expect(a.body.choices[0].message.content).toContain("What is a GPU?");
    expect(a.body.usage.total_tokens).toBe(a.body.usage.prompt_tokens + a.body.usage.completion_tokens);
    expect(a.body.cost).toBeGreaterThan(0);
    const balance = (await get(emu, "balance/")).body.balance.amount;
    expect(balance).toBeCloseTo(1000 - a.body.cost - b.body.cost, 4);
    const summary = (await get(emu, "ai/usage/summary/")).body;
    expect(summary).toMatchObject({ total_requests: 2, total_tokens: a.body.usage.total_tokens * 2 });
    expect(summary.total_cost).toBeCloseTo(a.body.cost * 2, 8);
    const history = (await get(emu, "ai/usage/history/?limit=1")).body;
    expect([history.total, history.transactions.length]).toEqual([2, 1]);
    expect(history.transactions[0].model).toBe("llama-3.3-70b-instruct");
  });

  test("max_tokens truncates; unknown models and bad messages are 400s", async () => {
    const r = await post(emu, "ai/chat/", { model: "llama-3.1-8b-instruct", max_tokens: 2, messages: [{ role: "user", content: "tell me a long story" }] });
    expect(r.body.choices[0].finish_reason).toBe("length");
    expect(r.body.usage.completion_tokens).toBeLessThanOrEqual(2);
    expectError(await post(emu, "ai/chat/", { model: "gpt-9", messages: [{ role: "user", content: "hi" }] }), 400, "model");
    expectError(await post(emu, "ai/chat/", { model: "llama-3.1-8b-instruct", messages: [] }), 400, "messages");
    expectError(await post(emu, "ai/chat/", { model: "llama-3.1-8b-instruct", messages: [{ role: "robot", content: "hi" }] }), 400, "messages[0].role");
  });
});
