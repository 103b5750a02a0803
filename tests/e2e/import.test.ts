/**
 * End-to-end: bringing an existing account under Pulumi with `barrack import`, under the REAL engine.
 *
 *   seed the emulator out of band (API calls: every type, references, a stopped instance, a clone, a
 *   restore, an image of a snapshot) → `barrack import` (the built CLI, dist/provider/cli) writes the
 *   program → `pulumi up` of it adopts every object: no create and no delete request reaches the API →
 *   `pulumi preview` shows no changes (and makes no API mutation).
 *
 * Teardown (`pulumi destroy`, by useE2eEmulator) deletes the adopted objects like any others.
 * Never skipped: without the Pulumi CLI, createStack throws.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { seedAccount, seedClient, type Seeded } from "../cli/seed";
import type { TestStack } from "./harness";
import { mutations, objectCounts, runBarrackCli, useE2eEmulator } from "./support";

jest.setTimeout(600_000);

const REPO = path.resolve(__dirname, "../..");

const emu = useE2eEmulator();
let programDir: string;
let seeded: Seeded;
let stack: TestStack;

/** Requests that create or delete something: every POST of a create route, every DELETE. */
function createsAndDeletes(counters: Record<string, number>): Record<string, number> {
  const creates = new Set(["POST vms/", "POST volumes/", "POST firewalls/", "POST ssh-keys/", "POST scripts/", "POST snapshots/", "POST images/",
    "POST volumes/{volume_id}/clone/", "POST snapshots/{snapshot_id}/restore/"]);
  return Object.fromEntries(Object.entries(counters).filter(([route]) => creates.has(route) || route.startsWith("DELETE ")));
}

beforeAll(async () => {
  seeded = await seedAccount(seedClient(emu.url, emu.apiKey));
  // A program directory outside the repository that resolves pulumi-barrack as a user's would.
  programDir = fs.mkdtempSync(path.join(os.tmpdir(), "barrack-import-e2e-"));
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(programDir, "node_modules"), "dir");
});

afterAll(() => {
  if (programDir && process.env.PULUMI_BARRACK_KEEP_TMP !== "1") fs.rmSync(programDir, { recursive: true, force: true });
});

describe("barrack import → pulumi up adopts the account → preview is clean", () => {
  it("barrack import writes a program adopting every object", async () => {
    const out = path.join(programDir, "index.ts");
    const r = await runBarrackCli(emu, ["import", "--out", out]);
    expect(r.stderr).toMatch(/barrack import: 13 object\(s\) to adopt; wrote /);
    expect(r.code).toBe(0);
    const code = fs.readFileSync(out, "utf8");
    expect(code.match(/importId: "BRK-/g)).toHaveLength(13);
    expect(r.stderr + r.stdout + code).not.toContain(emu.apiKey);
  });

  it("pulumi up adopts every object: no create request, no delete request", async () => {
    const before = emu.inventory();
    stack = await emu.createStack({ programDir });
    emu.resetCounters();
    const up = await stack.up();
    expect(createsAndDeletes(emu.counters())).toEqual({});
    expect(up.counts).toMatchObject({ create: 14, update: 0, replace: 0, delete: 0 }); // the stack + 13 adopted
    expect(objectCounts(emu.inventory())).toEqual(objectCounts(before));
    const state = await stack.resources();
    expect(state.map((r) => r.id).sort()).toEqual(Object.values(seeded.ids).sort());
    // Anything else the adoption changed on the API (expected: nothing).
    expect(mutations(emu)).toEqual({});
  });

  it("the next preview shows no changes and makes no API mutation", async () => {
    emu.resetCounters();
    const preview = await stack.preview();
    expect(preview.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
    expect(mutations(emu)).toEqual({});
  });
});
