/**
 * `barrack sweep`: against an emulator holding two seeded accounts' worth of objects, one named "ci-…"
 * and one "keep-…" (every type, references, an attached firewall, a stopped instance, a clone, an image
 * of a snapshot). The dry run changes nothing (no request but GETs); the real run leaves no "ci-" object
 * and every other object as it was.
 */
import { startEmulator, type RunningEmulator } from "../../emulator";
import { runCli } from "../../provider/cli";
import { planSweep } from "../../provider/cli/sweep";
import { seedAccount, seedClient } from "./seed";

jest.setTimeout(180_000);

type Inv = ReturnType<RunningEmulator["inventory"]>;

function names(inv: Inv): string[] {
  return [
    ...inv.instances.map((x) => `instance ${x.vm_name}`), ...inv.volumes.map((x) => `volume ${x.name}`),
    ...inv.firewalls.map((x) => `firewall ${x.name}`), ...inv.snapshots.map((x) => `snapshot ${x.name}`),
    ...inv.images.map((x) => `image ${x.name}`), ...inv.sshKeys.map((x) => `sshKey ${x.name}`), ...inv.scripts.map((x) => `script ${x.name}`),
  ].sort();
}

/** Every object of the inventory without fields that move with time. */
function frozen(inv: Inv, prefix: string): unknown[] {
  const keep = <T extends object>(items: T[], name: (t: T) => string): T[] => items.filter((t) => name(t).startsWith(prefix));
  return [
    keep(inv.instances, (x) => x.vm_name), keep(inv.volumes, (x) => x.name), keep(inv.firewalls, (x) => x.name),
    keep(inv.snapshots, (x) => x.name), keep(inv.images, (x) => x.name), keep(inv.sshKeys, (x) => x.name), keep(inv.scripts, (x) => x.name),
  ];
}

async function sweep(emu: RunningEmulator, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["sweep", "--endpoint", emu.url, "--api-key", emu.apiKey, ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join(""), err: err.join("") };
}

describe("barrack sweep", () => {
  let emu: RunningEmulator;
  let before: Inv;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, timeScale: 0.001 });
    const client = seedClient(emu.url, emu.apiKey);
    await seedAccount(client, "keep-");
    await seedAccount(client, "ci-");
    before = emu.inventory();
  });
  afterAll(() => emu.stop());

  it("plans in dependency order: firewalls detached and deleted, instances, images before snapshots, clones before sources, then keys and scripts", () => {
    const inv = emu.inventory();
    const plan = planSweep({ firewalls: inv.firewalls, instances: inv.instances, images: inv.images, snapshots: inv.snapshots, volumes: inv.volumes, sshKeys: inv.sshKeys, scripts: inv.scripts }, "ci-");
    const steps = plan.steps.map((s) => `${s.action} ${s.kind} ${s.name}`);
    expect(steps).toEqual([
      "detach firewall ci-web", "delete firewall ci-web",
      "delete instance ci-base", "delete instance ci-from-image", "delete instance ci-from-volume", "delete instance ci-restored", "delete instance ci-trainer",
      "delete image ci-golden", "delete snapshot ci-base-snap",
      "delete volume ci-data-copy", "delete volume ci-boot", "delete volume ci-data",
      "delete sshKey ci-trainer-key", "delete startupScript ci-setup",
    ]);
    expect(plan.warnings).toEqual([]);
    expect(plan.steps.filter((s) => s.kind === "instance").every((s) => s.wait)).toBe(true);
  });

  it("without --yes: prints the plan and changes nothing (GET requests only)", async () => {
    emu.resetCounters();
    const { code, out, err } = await sweep(emu, ["--prefix", "ci-"]);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toMatch(/^barrack sweep: 13 object\(s\) whose name starts with "ci-" would be deleted, in this order:$/m);
    expect(out).toMatch(/^ {2}detach {2}Firewall\s+BRK-\d{6}F {2}ci-web \(from BRK-\d{6}D\)$/m);
    expect(out).toMatch(/^ {2}delete {2}Instance\s+BRK-\d{6}D {2}ci-trainer$/m);
    expect(out).toContain("Dry run: nothing was changed. Run again with --yes to delete them.");
    expect(out).not.toContain("keep-");
    expect(Object.keys(emu.counters()).filter((k) => !k.startsWith("GET "))).toEqual([]);
    expect(names(emu.inventory())).toEqual(names(before));
  });

  it("with --yes: deletes every ci- object and nothing else", async () => {
    const { code, out, err } = await sweep(emu, ["--prefix", "ci-", "--yes"]);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toMatch(/^ {2}deleted +Instance\s+BRK-\d{6}D {2}ci-trainer \(\d+\.\ds\)$/m);
    expect(out).toMatch(/^barrack sweep: deleted 13 object\(s\)$/m);
    const after = emu.inventory();
    expect(names(after).filter((n) => n.includes(" ci-"))).toEqual([]);
    expect(names(after)).toEqual(names(before).filter((n) => !n.includes(" ci-")));
    // The kept objects are untouched (attachments, states, rules).
    expect(frozen(after, "keep-")).toEqual(frozen(before, "keep-"));
    // Idempotent: nothing left to do.
    const again = await sweep(emu, ["--prefix", "ci-", "--yes"]);
    expect(again).toMatchObject({ code: 0, out: 'barrack sweep: no object\'s name starts with "ci-"; nothing to delete\n' });
  });

  it("refuses an empty prefix, and a missing one", async () => {
    expect(await sweep(emu, ["--prefix", " "])).toMatchObject({ code: 1, err: "barrack: --prefix is required and must not be empty (it would match every object)\n" });
    const missing = await sweep(emu, []);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/required option '--prefix <prefix>' not specified/);
  });

  it("an object in use by one outside the sweep: warns, deletes the rest, exits 1 naming it", async () => {
    const client = seedClient(emu.url, emu.apiKey);
    const key = (await client.call("createSshKey", { body: { name: "tmp-key" } })).ssh_key.key_id;
    await client.call("createScript", { body: { name: "tmp-script", content: "echo hi" } });
    const vm = (await client.call("deployInstance", {
      body: { vm_name: "keep-user", region: "FINLAND-1", gpu_model: "H100-SXM5-80GB", gpu_count: 1, os_image_id: "ubuntu-22.04-cuda-12.4", ssh_key_ids: [key] },
    })).vm.vm_id;
    const { code, out, err } = await sweep(emu, ["--prefix", "tmp-", "--yes"]);
    expect(err).toMatch(/warning: SshKey tmp-key is used by instance\(s\) not swept: keep-user/);
    expect(out).toMatch(/FAILED +SshKey\s+BRK-\d{6}K {2}tmp-key: DELETE ssh-keys\/\{key_id\}\/: HTTP 409/);
    expect(out).toMatch(/deleted +StartupScript\s+BRK-\d{6}C {2}tmp-script/);
    expect(code).toBe(1);
    expect(err).toMatch(/^barrack: 1 of 2 object\(s\) were not deleted; first: SshKey tmp-key: DELETE ssh-keys\/\{key_id\}\/: HTTP 409/m);
    expect(emu.inventory().instances.some((x) => x.vm_id === vm)).toBe(true);
  });
});
