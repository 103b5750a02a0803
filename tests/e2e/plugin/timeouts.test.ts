/**
 * End-to-end, the native plugin: a create's deadline, from the engine's `customTimeouts` resource option
 * (sent in the Create request, provider/plugin/server.ts) or from the resource's own `timeouts` input.
 * A PYTHON program (tests/e2e/fixtures/plugin-timeouts) with one volume whose create is slowed down (the
 * emulator's time scale: ~9 s instead of ~30 ms) and a 2 s deadline:
 *
 *   1. `up` fails with a partial create ("was created but did not finish"): the object is in the state
 *      with its id and the engine's init errors, and is the only one in the account (nothing leaked);
 *   2. time back to normal, the next `up` finishes it (an update of the recorded object, no second create
 *      request), and a preview is then clean.
 *
 * Never skipped: without the CLI, the plugin archive or a Python virtualenv, the suite fails saying why.
 */
import * as path from "path";
import type { OperationResult, TestStack } from "../harness";
import { mutations, useE2eEmulator } from "../support";

jest.setTimeout(600_000);

const PROGRAM_DIR = path.resolve(__dirname, "..", "fixtures", "plugin-timeouts");
const NORMAL = 0.001;
/** A volume's create takes 30 simulated seconds: 9 s at this scale, far past the 2 s deadline. */
const SLOW = 0.3;

describe("e2e: create deadlines (customTimeouts, the timeouts input) under the native plugin (Python)", () => {
  const emu = useE2eEmulator({ timeScale: NORMAL });

  // Whatever a test left, the next one (and the teardown's destroy) runs at the normal pace.
  afterEach(() => emu.setTimeScale(NORMAL));

  /**
   * The three steps for a stack with a 2 s create deadline: a slow up cut short (a partial create, in state,
   * nothing leaked), what its error says, and the next up (time back to normal) finishing it.
   */
  function partialCreateThenFinish(config: Record<string, string>): void {
    let stack: TestStack;
    let failed: OperationResult;
    let id: string;

    it("up fails once the 2 s deadline passes: the object is in state with its id, the only one in the account", async () => {
      stack = await emu.createStack({ programDir: PROGRAM_DIR, plugin: true, config });
      emu.setTimeScale(SLOW);
      emu.resetCounters();
      failed = await stack.up({ expectFailure: true });
      const volumes = emu.inventory().volumes;
      // Cut short by the deadline: the object is still being made (~9 s in all).
      expect(volumes.map((v) => v.status)).toEqual(["creating"]);
      id = volumes[0]!.volume_id;
      expect(failed.text).toMatch(new RegExp(`gave up waiting for ${id} to be ready after 2s`));
      expect(mutations(emu)).toEqual({ "POST volumes/": 1 });
      const state = await stack.resources();
      expect(state.map((r) => [r.name, r.id])).toEqual([["data", id]]);
      expect(JSON.stringify(state[0]!.raw.initErrors ?? [])).toContain(`gave up waiting for ${id}`);
    });

    it("its error says the object was created but did not finish, and what to run next", () => {
      expect(failed.text).toContain(`Volume ${id} was created but did not finish`);
      expect(failed.text).toContain("run `pulumi up` again to finish");
    });

    it("time back to normal, the next up finishes it with no create request; a preview is then clean", async () => {
      emu.setTimeScale(NORMAL);
      emu.resetCounters();
      const up = await stack.up();
      expect(up.opsFor("data")).toEqual(["update"]);
      expect(mutations(emu)).toEqual({});
      expect(emu.inventory().volumes.map((v) => [v.volume_id, v.status])).toEqual([[id, "available"]]);
      const [state] = await stack.resources();
      expect(state!.id).toBe(id);
      expect(state!.raw.initErrors ?? []).toEqual([]);
      expect(state!.outputs.status).toBe("available");
      emu.resetCounters();
      const preview = await stack.preview();
      expect(preview.opsFor("data")).toEqual(["same"]);
      expect(mutations(emu)).toEqual({});
      await stack.destroy();
      expect(emu.inventory().volumes).toEqual([]);
    });
  }

  describe("customTimeouts create=2s (the engine's deadline)", () => partialCreateThenFinish({ customCreate: "2s" }));

  describe("the timeouts input create=2s, with no customTimeouts", () => partialCreateThenFinish({ timeoutsCreate: "2s" }));

  it("without either, the type's default deadline waits the slow create out", async () => {
    const stack = await emu.createStack({ programDir: PROGRAM_DIR, plugin: true });
    emu.setTimeScale(SLOW);
    emu.resetCounters();
    const up = await stack.up();
    expect(up.opsFor("data")).toEqual(["create"]);
    expect(mutations(emu)).toEqual({ "POST volumes/": 1 });
    expect(emu.inventory().volumes.map((v) => v.status)).toEqual(["available"]);
    emu.setTimeScale(NORMAL);
    await stack.destroy();
    expect(emu.inventory().volumes).toEqual([]);
  });
});
