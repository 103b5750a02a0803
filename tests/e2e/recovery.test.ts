/**
 * End-to-end: `kill -9` of `pulumi up` at several points of a create, then what a user does next
 * (`pulumi cancel`, then `pulumi up`): the next run converges with no manual step, adopting what the
 * killed run made, with no duplicate and nothing left outside state; `destroy` then leaves nothing. And
 * when the user destroys instead of finishing: the object the killed create made (never in state) goes too.
 * Under the real engine against the emulator (time slowed so that creates are in flight when killed).
 */
import * as path from "path";
import type { Inventory } from "./support";
import { type OperationResult, type TestStack, pulumiBinDir } from "./harness";
import { NO_OBJECTS, upKilledWhen as killedUp, objectCounts, objects, runBarrackCliInStack, useE2eEmulator } from "./support";

jest.setTimeout(600_000);

const PROGRAM_DIR = path.join(__dirname, "fixtures", "coexist");
// Instances take ~60 s simulated: ~3 s here, so a kill lands while they are being created.
const emu = useE2eEmulator({ timeScale: 0.05 });

const ALL = { instances: 1, volumes: 1, firewalls: 1, snapshots: 0, images: 0, sshKeys: 1, scripts: 1 };

/** `pulumi up` killed with SIGKILL once `when` holds; what the account held then (counts per kind). */
async function upKilledWhen(stack: TestStack, when: (inv: Inventory) => boolean): Promise<string> {
  return JSON.stringify(objectCounts(await killedUp(emu, stack, pulumiBinDir(), when)));
}

describe.each([
  ["right after the first create request (an SSH key)", (inv: Inventory) => inv.sshKeys.length > 0],
  ["while the instance is being built", (inv: Inventory) => inv.instances.some((i) => i.status !== "ACTIVE")],
  ["once the firewall exists, before it is attached", (inv: Inventory) => inv.firewalls.length > 0],
])("kill -9 of pulumi up %s", (_label, when) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await emu.createStack({ programDir: PROGRAM_DIR });
  });

  it("pulumi cancel + pulumi up converge with no manual step, no duplicate, nothing outside state", async () => {
    const atKill = await upKilledWhen(stack, when);
    expect(atKill).not.toBe("");
    await stack.cli(["cancel", "--yes"]); // file backends keep the killed run's lock otherwise
    const up = await stack.up();
    expect(up.ok).toBe(true);
    expect(objectCounts(emu.inventory())).toEqual(ALL);
    // Everything the account holds is in the stack's state.
    const inState = new Set((await stack.resources()).map((r) => r.id));
    const inv = emu.inventory();
    for (const id of [...inv.instances.map((i) => i.vm_id), ...inv.volumes.map((v) => v.volume_id), ...inv.firewalls.map((f) => f.firewall_id), ...inv.sshKeys.map((k) => k.key_id), ...inv.scripts.map((s) => s.script_id)]) {
      expect(inState.has(id)).toBe(true);
    }
    expect(inv.firewalls[0]!.attachments.map((a) => a.vm_id)).toEqual([inv.instances[0]!.vm_id]);
    const again = await stack.preview();
    expect(again.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
  });

  it("destroy then leaves nothing", async () => {
    await stack.destroy();
    expect(objects(emu.inventory())).toEqual(NO_OBJECTS);
  });
});

/** kill -9 of `pulumi up` while its instance is being built, then `pulumi cancel`: the instance it made, in no state. */
async function orphanOfKilledUp(stack: TestStack): Promise<Inventory["instances"][number]> {
  await upKilledWhen(stack, (inv) => inv.instances.some((i) => i.status !== "ACTIVE"));
  const orphan = emu.inventory().instances[0]!;
  expect((await stack.resources()).map((r) => r.id)).not.toContain(orphan.vm_id);
  await stack.cli(["cancel", "--yes"]);
  return orphan;
}

const messages = (result: OperationResult) => result.diagnostics.map((d) => d.message.trim());

describe("kill -9 of pulumi up while the instance is being built, then not finishing that create", () => {
  it("pulumi destroy deletes the instance the killed create made, though it never reached the state, and everything else", async () => {
    const stack = await emu.createStack({ programDir: PROGRAM_DIR });
    const orphan = await orphanOfKilledUp(stack);
    const destroy = await stack.destroy();
    expect(destroy.ok).toBe(true);
    expect(messages(destroy)).toContainEqual(
      `barrack Instance ${orphan.vm_name}: deleting ${orphan.vm_id}: an interrupted run created it and never recorded it in the stack's state`,
    );
    expect(objects(emu.inventory())).toEqual(NO_OBJECTS);
  });

  it("an up whose program no longer has it says at preview and at up which object goes on billing, and the sweep it names deletes it", async () => {
    const stack = await emu.createStack({ programDir: PROGRAM_DIR });
    const orphan = await orphanOfKilledUp(stack);
    await stack.setConfig("dropNode", "true");
    const warning =
      `warning: barrack Instance ${orphan.vm_id} (${orphan.vm_name}) was made by an interrupted run's create, which this program no longer ` +
      `declares; it is in no stack's state and goes on billing. Delete it: npx barrack sweep --prefix ${orphan.vm_name} --yes`;
    expect(messages(await stack.preview())).toContainEqual(warning);
    const up = messages(await stack.up());
    expect(up).toContainEqual(warning);
    // The killed run's volume, adopted by this up's create, is no deletion (though in state before the line).
    expect(up.filter((l) => l.startsWith("hourly burn:"))).toEqual([expect.stringMatching(/^hourly burn: USD [\d.]+ now → USD [\d.]+ after this plan \(\+0\.03: 100 GB NVMe data\)$/)]);
    expect(emu.inventory().instances.map((i) => i.vm_id)).toEqual([orphan.vm_id]);
    // The sweep the warning names, run as it says where `pulumi up` ran: it finds the stack's connection.
    const sweep = await runBarrackCliInStack(stack, ["sweep", "--prefix", orphan.vm_name, "--yes"]);
    expect({ code: sweep.code, out: sweep.stdout + sweep.stderr }).toEqual({ code: 0, out: expect.stringContaining(orphan.vm_id) });
    expect(sweep.stderr).toContain(`barrack: using stack ${stack.stackName}'s barrack:apiKey and barrack:endpoint ${emu.url}`);
    expect(sweep.stdout + sweep.stderr).not.toContain(emu.apiKey);
    expect(emu.inventory().instances).toEqual([]);
  });
});
