/**
 * End-to-end, the native plugin: the stack's `pulumi:autonaming` config decides the Barrack name of a
 * resource whose `name` is omitted. The engine sends its proposal (Check's `autonaming` options) only to
 * a provider that declares support (the plugin's Configure does) and only for a stack with that setting;
 * without one, our own `<name>-<7 hex>` applies. One PYTHON program (tests/e2e/fixtures/plugin-autonaming),
 * one stack per setting, set as object config the way Pulumi reads it
 * (`pulumi config set --path pulumi:autonaming.pattern …`, pkg/cmd/pulumi/autonaming in pulumi/pulumi):
 *
 *   - `{pattern: "${stack}-${name}"}` → `<stack>-data`;
 *   - `{mode: verbatim}` → exactly `data`;
 *   - `{mode: disabled}` and no name → preview fails naming `name`, nothing created; with a name, it is used;
 *   - no setting → `data-<7 hex>`.
 *
 * Never skipped: without the CLI, the plugin archive or a Python virtualenv, the suite fails saying why.
 */
import * as path from "path";
import type { TestStack } from "../harness";
import { mutations, useE2eEmulator } from "../support";

jest.setTimeout(600_000);

const PROGRAM_DIR = path.resolve(__dirname, "..", "fixtures", "plugin-autonaming");

describe("e2e: pulumi:autonaming under the native plugin (Python)", () => {
  const emu = useE2eEmulator();

  /** A new stack of the program with `pulumi:autonaming.<key>` = value (none when undefined). */
  async function stackWith(setting?: { key: "pattern" | "mode"; value: string }): Promise<TestStack> {
    const stack = await emu.createStack({ programDir: PROGRAM_DIR, plugin: true });
    if (setting !== undefined) {
      const set = await stack.cli(["config", "set", "--path", `pulumi:autonaming.${setting.key}`, setting.value]);
      expect({ code: set.code, stderr: set.stderr }).toEqual({ code: 0, stderr: "" });
      // Stored as an object, as the engine reads it.
      const got = await stack.cli(["config", "get", "pulumi:autonaming", "--json"]);
      expect(JSON.parse(JSON.parse(got.stdout).value as string)).toEqual({ [setting.key]: setting.value });
    }
    return stack;
  }

  /** The Barrack names of the emulator's volumes. */
  const names = () => emu.inventory().volumes.map((v) => v.name);

  /** Up, then: the volume the stack made (by its id in state), its name in state and in the account. */
  async function upAndName(stack: TestStack): Promise<string> {
    emu.resetCounters();
    const up = await stack.up();
    expect(up.opsFor("data")).toEqual(["create"]);
    expect(mutations(emu)).toEqual({ "POST volumes/": 1 });
    const [state] = await stack.resources();
    const volume = emu.inventory().volumes.find((v) => v.volume_id === state!.id)!;
    expect(state!.outputs.name).toBe(volume.name);
    expect(up.outputs.name).toBe(volume.name);
    // The name is kept: the next preview plans nothing.
    const again = await stack.preview();
    expect(again.opsFor("data")).toEqual(["same"]);
    return volume.name;
  }

  it('{pattern: "${stack}-${name}"}: the Barrack name is <stack>-data', async () => {
    const stack = await stackWith({ key: "pattern", value: "${stack}-${name}" });
    expect(await upAndName(stack)).toBe(`${stack.stackName}-data`);
    await stack.destroy();
  });

  it("{mode: verbatim}: the Barrack name is exactly the resource name", async () => {
    const stack = await stackWith({ key: "mode", value: "verbatim" });
    expect(await upAndName(stack)).toBe("data");
    await stack.destroy();
  });

  it("{mode: disabled} with no name: preview fails naming `name` and nothing is created; with a name it is used", async () => {
    const stack = await stackWith({ key: "mode", value: "disabled" });
    emu.resetCounters();
    const before = names();
    const preview = await stack.preview({ expectFailure: true });
    expect(preview.text).toContain(
      "barrack:index:Volume resource 'data': property name value {<nil>} has a problem: must be set: this stack's pulumi:autonaming setting disables autonaming",
    );
    const up = await stack.up({ expectFailure: true });
    expect(up.text).toContain("disables autonaming");
    expect(mutations(emu)).toEqual({});
    expect(names()).toEqual(before);
    expect(await stack.resources()).toEqual([]);

    await stack.setConfig("name", "named-by-hand");
    expect(await upAndName(stack)).toBe("named-by-hand");
    await stack.destroy();
  });

  it("no pulumi:autonaming setting: our own data-<7 hex>", async () => {
    const stack = await stackWith();
    const config = await stack.cli(["config", "--json"]);
    expect(Object.keys(JSON.parse(config.stdout) as Record<string, unknown>).filter((k) => k.startsWith("pulumi:"))).toEqual([]);
    expect(await upAndName(stack)).toMatch(/^data-[0-9a-f]{7}$/);
    await stack.destroy();
    expect(emu.inventory().volumes).toEqual([]);
  });
});
