/**
 * What this process's deployment did (provider/deployment/run.ts): the objects its checks were
 * about, and the engine's mutating calls that decide what an update deletes and whether it failed.
 */
import { forgetRun, isDeletedByRun, noteChecked, noteOperation, runFailed, wasChecked } from "../../provider/deployment/run";

beforeEach(() => forgetRun());

describe("which objects of the state this process's checks were about", () => {
  it("matches by type, region and name; a check's inputs without a name note nothing", () => {
    forgetRun();
    noteChecked("Volume", { name: "data-1a2b3c4", region: "FINLAND-1", sizeGb: 100 });
    noteChecked("Instance", {}); // a create's old inputs
    expect(wasChecked("Volume", { name: "data-1a2b3c4", region: "FINLAND-1", type: "NVMe" })).toBe(true);
    expect(wasChecked("Volume", { name: "data-1a2b3c4", region: "NORWAY-1" })).toBe(false);
    expect(wasChecked("Snapshot", { name: "data-1a2b3c4", region: "FINLAND-1" })).toBe(false);
    expect(wasChecked("Instance", {})).toBe(false);
    forgetRun();
    expect(wasChecked("Volume", { name: "data-1a2b3c4", region: "FINLAND-1" })).toBe(false);
  });
});

describe("what leaves the stack in this run", () => {
  const old = { name: "old-1a2b3c4", region: "FINLAND-1" };
  const kept = { name: "kept-1a2b3c4", region: "FINLAND-1" };

  it("at preview (no mutating call): whatever no check was about", () => {
    noteChecked("Instance", kept);
    expect([isDeletedByRun("Instance", old), isDeletedByRun("Instance", kept)]).toEqual([true, false]);
  });

  it("in an update: only what the engine deleted, and never what a check was about (a replacement's old half)", () => {
    noteChecked("Instance", kept);
    noteOperation("create", "Volume", { name: "data-1a2b3c4", region: "FINLAND-1" }, true);
    expect(isDeletedByRun("Instance", old)).toBe(false); // not reached: a failed update stops registering
    noteOperation("delete", "Instance", old, true);
    noteOperation("delete", "Instance", kept, true);
    expect([isDeletedByRun("Instance", old), isDeletedByRun("Instance", kept)]).toEqual([true, false]);
    expect(runFailed()).toBe(false);
  });

  it("a failed call marks the run failed, and a failed delete deletes nothing", () => {
    noteOperation("delete", "Instance", old, false);
    expect([runFailed(), isDeletedByRun("Instance", old)]).toEqual([true, false]);
  });
});
