/** StartupScript create / read / update / delete against the emulator. */
import { BarrackNotFoundError } from "../../../provider/client";
import { startupScriptProvider } from "../../../provider/resources/startupScript/provider";
import { engineInputs, mutationCount, useEmulator } from "../support";

const env = useEmulator();

let logged: jest.SpyInstance;
beforeEach(() => {
  logged = jest.spyOn(console, "log").mockImplementation(() => undefined);
});
afterEach(() => logged.mockRestore());

const SCRIPT = "#!/bin/bash\napt-get update -y\n";

/** check() then create(), as the engine runs them. */
async function createScript(news: Record<string, unknown>) {
  const checked = await startupScriptProvider.check({}, news);
  expect(checked.failures).toBeUndefined();
  const created = await startupScriptProvider.create(engineInputs(checked.inputs!));
  return { inputs: checked.inputs!, ...created };
}

/** check() then diff() then update(), as the engine runs an in-place change. */
async function updateScript(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const checked = await startupScriptProvider.check(olds, news);
  expect(checked.failures).toBeUndefined();
  const diff = await startupScriptProvider.diff(id, olds, checked.inputs!);
  expect(diff).toEqual({ changes: true });
  return startupScriptProvider.update(id, olds, checked.inputs!);
}

describe("StartupScript create", () => {
  it("creates the script and reports it", async () => {
    const { id, outs } = await createScript({ name: "boot", content: SCRIPT });
    expect(id).toMatch(/^BRK-\d{6}C$/);
    expect(outs).toEqual({
      name: "boot",
      content: SCRIPT,
      description: "",
      scriptId: id,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(env.emulator.inventory().scripts).toEqual([expect.objectContaining({ script_id: id, content: SCRIPT })]);
  });

  it("adopts the script a lost create request made, POSTing once", async () => {
    env.emulator.injectFault({ method: "POST", path: "scripts/", kind: "commitThenFail" });
    const { id } = await createScript({ name: "lost", content: SCRIPT, description: "d" });
    expect(env.emulator.inventory().scripts.map((s) => s.script_id)).toEqual([id]);
    expect(env.emulator.counters()["POST scripts/"]).toBe(1);
  });
});

describe("StartupScript read", () => {
  it("reports content changed out of band, which the next diff updates in place", async () => {
    const { id, outs, inputs } = await createScript({ name: "drift", content: SCRIPT });
    await env.client.call("updateScript", { params: { script_id: id }, body: { content: "echo tampered\n" } });

    const read = await startupScriptProvider.read(id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toMatchObject({ content: "echo tampered\n", name: "drift", scriptId: id });
    expect(await startupScriptProvider.diff(id, read.props!, inputs)).toEqual({ changes: true });
  });

  it("removes a script deleted out of band from state", async () => {
    const { id, outs } = await createScript({ name: "gone", content: SCRIPT });
    await env.client.call("deleteScript", { params: { script_id: id } });
    expect(await startupScriptProvider.read(id, outs)).toEqual({});
  });
});

describe("StartupScript update", () => {
  it("changes content in place with one PUT: same id, no POST or DELETE", async () => {
    const { id, outs } = await createScript({ name: "boot", content: SCRIPT, description: "keep me" });
    env.emulator.resetCounters();

    const { outs: updated } = await updateScript(id, outs, { name: "boot", content: "#!/bin/bash\necho v2\n", description: "keep me" });

    expect(updated).toMatchObject({ scriptId: id, name: "boot", content: "#!/bin/bash\necho v2\n", description: "keep me", createdAt: outs.createdAt });
    expect(Date.parse(String(updated.updatedAt))).toBeGreaterThan(Date.parse(String(outs.updatedAt)));
    const counters = env.emulator.counters();
    expect(counters["PUT scripts/{script_id}/"]).toBe(1);
    expect(mutationCount(env.emulator)).toBe(1);
    expect(env.emulator.inventory().scripts).toEqual([expect.objectContaining({ script_id: id, content: "#!/bin/bash\necho v2\n" })]);
  });

  it("renames and re-describes in place", async () => {
    const { id, outs } = await createScript({ name: "old name", content: SCRIPT });
    const { outs: updated } = await updateScript(id, outs, { name: "new name", content: SCRIPT, description: "now described" });
    expect(updated).toMatchObject({ scriptId: id, name: "new name", description: "now described", content: SCRIPT });
    expect(env.emulator.inventory().scripts).toEqual([expect.objectContaining({ script_id: id, name: "new name" })]);
  });

  it("fails to rename onto a taken name, leaving the script as it was", async () => {
    await createScript({ name: "taken", content: SCRIPT });
    const { id, outs } = await createScript({ name: "mine", content: SCRIPT });
    await expect(updateScript(id, outs, { name: "taken", content: SCRIPT })).rejects.toThrow(/HTTP 409.*already exists/);
    expect((await env.client.call("getScript", { params: { script_id: id } })).script.name).toBe("mine");
  });
});

describe("StartupScript delete", () => {
  it("deletes the script, and tolerates one already gone", async () => {
    const { id, outs } = await createScript({ name: "bye", content: SCRIPT });
    await startupScriptProvider.delete(id, outs);
    await expect(env.client.call("getScript", { params: { script_id: id } })).rejects.toBeInstanceOf(BarrackNotFoundError);
    await expect(startupScriptProvider.delete(id, outs)).resolves.toBeUndefined();
    expect(env.emulator.counters()["DELETE scripts/{script_id}/"]).toBe(2);
  });
});
