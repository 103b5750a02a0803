/**
 * Prints what a running emulator holds, with the cost per hour (used by `npm run demo`).
 * Usage: node dist/scripts/inventory.js <emulator API base URL> (key from BARRACK_API_KEY)
 */
import axios from "axios";
import type { Inventory } from "../emulator";

async function main(): Promise<void> {
  const [baseUrl] = process.argv.slice(2);
  const apiKey = process.env.BARRACK_API_KEY;
  if (!baseUrl || !apiKey) throw new Error("usage: BARRACK_API_KEY=<key> node dist/scripts/inventory.js <emulator API URL>");
  const admin = new URL("../_emulator/inventory", baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
  const { data } = await axios.get<Inventory>(admin.toString(), { headers: { Authorization: `Bearer ${apiKey}` } });
  const money = (n: number | undefined) => (n === undefined ? "-" : `${data.balance.currency} ${(n * 60).toFixed(4)}/h`);
  const rows: string[][] = [
    ...data.instances.map((i) => ["instance", i.vm_id, i.vm_name, `${i.status} ${i.gpu_count}× ${i.gpu_model} ${i.region} ip ${i.ip_address ?? "-"}`, money(i.per_minute_rate)]),
    ...data.volumes.map((v) => ["volume", v.volume_id, v.name, `${v.status} ${v.size_gb} GB ${v.volume_type} ${v.region}${v.attached_to ? ` → ${v.attached_to}` : ""}`, money(v.per_minute_rate)]),
    ...data.firewalls.map((f) => ["firewall", f.firewall_id, f.name, `${f.status} ${f.rules.length} rules, attached to ${f.attachments.map((a) => a.vm_id).join(", ") || "nothing"}`, ""]),
    ...data.snapshots.map((s) => ["snapshot", s.snapshot_id, s.name, `${s.status} of ${s.vm_id}`, ""]),
    ...data.images.map((i) => ["image", i.image_id, i.name, `${i.status} from ${i.snapshot_id}`, ""]),
    ...data.sshKeys.map((k) => ["ssh key", k.key_id, k.name, k.fingerprint, ""]),
    ...data.scripts.map((s) => ["script", s.script_id, s.name, `${Buffer.byteLength(s.content)} bytes`, ""]),
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(0, ...rows.map((r) => r[c]!.length)));
  console.log(`The emulator now holds ${rows.length} resource(s):`);
  for (const row of rows) console.log(`  ${row.slice(0, 4).map((cell, c) => cell.padEnd(widths[c]!)).join("  ")}  ${row[4]}`);
  console.log(`Burning ${data.balance.currency} ${data.costPerHour.toFixed(4)} per hour; balance ${data.balance.currency} ${data.balance.amount.toFixed(2)}.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
