/**
 * End-to-end, real Pulumi engine: a stack created with the dynamic TypeScript package moves to the native
 * plugin's Node.js SDK by changing one import, and back again, replacing nothing.
 *
 *   1. up with `import * as barrack from "pulumi-barrack"`: a key, a script, a volume and an instance;
 *   2. the import becomes "@barrack/pulumi": the preview plans no create, delete or replace (the plugin's
 *      types alias the dynamic ones), the up after it sends the API no mutation, the state holds the
 *      same ids under `barrack:index:*` types, and a refresh then plans nothing;
 *   3. the import goes back to "pulumi-barrack": again nothing is created, deleted or replaced (each
 *      resource is updated in place, which sends the API no mutation, to record the dynamic provider's
 *      text in state), and the stack refreshes;
 *   4. destroy leaves nothing.
 *
 * The SDK is compiled from sdk/nodejs against the installed @pulumi/pulumi (harness/plugin.ts: it needs
 * ≥ 3.269, the CI leg on current Node). Never skipped.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT, type OperationResult, type TestStack } from "../harness";
import { nodeSdk } from "../harness/plugin";
import { mutations, NO_OBJECTS, objects, useE2eEmulator } from "../support";

jest.setTimeout(600_000);

const NAMES = ["trainer-key", "trainer-setup", "trainer-data", "trainer"];

/** The user's program, with `module` as the one import that changes. */
function program(module: string): string {
  return `import * as pulumi from "@pulumi/pulumi";
import * as barrack from "${module}";

const key = new barrack.SshKey("trainer-key", {});
const setup = new barrack.StartupScript("trainer-setup", { content: "#!/bin/bash\\necho ready\\n" });
const data = new barrack.Volume("trainer-data", { region: "FINLAND-1", type: "NVMe", sizeGb: 200 });
const trainer = new barrack.Instance("trainer", {
  region: "FINLAND-1", gpuModel: "H100-SXM5-80GB", gpuCount: 1, osImageId: "ubuntu-22.04-cuda-12.4",
  sshKeyIds: [key.id], startupScriptId: setup.id, volumeIds: [data.id],
});
export const ids = pulumi.all([key.id, setup.id, data.id, trainer.id]);
`;
}

/** Every resource's steps: none may create, delete or replace. */
function stepsOf(result: OperationResult): Record<string, string[]> {
  return Object.fromEntries(NAMES.map((name) => [name, result.opsFor(name)]));
}
const MOVES = ["create", "delete", "replace", "create-replacement", "delete-replaced"];
function creatingOrDeleting(result: OperationResult): string[] {
  return NAMES.flatMap((name) => result.opsFor(name).filter((op) => MOVES.includes(op)).map((op) => `${name}: ${op}`));
}

describe("e2e: moving a stack from the dynamic package to the plugin's Node.js SDK and back", () => {
  const emu = useE2eEmulator();
  let dir: string;
  let stack: TestStack;
  let ids: string[];

  beforeAll(async () => {
    // A user's project: its own node_modules holding the two packages and @pulumi/pulumi.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "barrack-migration-"));
    const modules = path.join(dir, "node_modules");
    fs.mkdirSync(path.join(modules, "@barrack"), { recursive: true });
    fs.mkdirSync(path.join(modules, "@pulumi"), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"), path.join(modules, "@pulumi", "pulumi"), "dir");
    fs.symlinkSync(REPO_ROOT, path.join(modules, "pulumi-barrack"), "dir");
    fs.symlinkSync(nodeSdk(), path.join(modules, "@barrack", "pulumi"), "dir");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: barrack-migration\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "index.ts"), program("pulumi-barrack"));
    stack = await emu.createStack({ programDir: dir, plugin: true });
  });

  afterAll(() => {
    if (dir && process.env.PULUMI_BARRACK_KEEP_TMP !== "1") fs.rmSync(dir, { recursive: true, force: true });
  });

  it("up with the dynamic package", async () => {
    const result = await stack.up();
    expect(stepsOf(result)).toEqual(Object.fromEntries(NAMES.map((n) => [n, ["create"]])));
    ids = (await stack.outputs()).ids as string[];
    expect((await stack.resources()).map((r) => r.type).sort()).toEqual(
      ["Instance", "SshKey", "StartupScript", "Volume"].map((t) => `pulumi-nodejs:dynamic/barrack:${t}`),
    );
  });

  it("changing the import to @barrack/pulumi creates, deletes and replaces nothing", async () => {
    fs.writeFileSync(path.join(dir, "index.ts"), program("@barrack/pulumi"));
    emu.resetCounters();
    const preview = await stack.preview();
    expect(creatingOrDeleting(preview)).toEqual([]);
    const up = await stack.up();
    expect(creatingOrDeleting(up)).toEqual([]);
    expect(mutations(emu)).toEqual({});
    expect((await stack.outputs()).ids).toEqual(ids);
    const state = await stack.resources();
    expect(state.map((r) => r.type).sort()).toEqual(["Instance", "SshKey", "StartupScript", "Volume"].map((t) => `barrack:index:${t}`));
    expect(state.map((r) => r.id).sort()).toEqual([...ids].sort());
  });

  it("the moved stack refreshes and then plans nothing", async () => {
    emu.resetCounters();
    await stack.refresh();
    const preview = await stack.preview();
    expect(stepsOf(preview)).toEqual(Object.fromEntries(NAMES.map((n) => [n, ["same"]])));
    expect(mutations(emu)).toEqual({});
  });

  it("changing the import back to pulumi-barrack creates, deletes and replaces nothing either", async () => {
    fs.writeFileSync(path.join(dir, "index.ts"), program("pulumi-barrack"));
    emu.resetCounters();
    const up = await stack.up();
    expect(creatingOrDeleting(up)).toEqual([]);
    expect(mutations(emu)).toEqual({});
    const state = await stack.resources();
    expect(state.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(state.every((r) => typeof r.outputs.__provider === "string")).toBe(true);
    await stack.refresh();
    expect(stepsOf(await stack.preview())).toEqual(Object.fromEntries(NAMES.map((n) => [n, ["same"]])));
  });

  it("destroy leaves nothing", async () => {
    await stack.destroy();
    expect(objects(emu.inventory())).toEqual(NO_OBJECTS);
  });
});
