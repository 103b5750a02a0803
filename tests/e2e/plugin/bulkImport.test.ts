/**
 * End-to-end, the native plugin: a whole account brought under Pulumi with `pulumi import -f`, the file
 * written by `barrack import --format pulumi-import`.
 *
 *   seed the emulator out of band (every type, references between them) → `barrack import --format
 *   pulumi-import` writes the file → `pulumi import -f <file>` adopts every object through the plugin's
 *   Read: no create or delete request reaches the API, and the state holds each object under its
 *   `barrack:index:*` type with the inputs read from it → a refresh changes nothing → destroy empties
 *   the account.
 *
 * The engine writes the program itself (its code generation needs a language host newer than the ones
 * this repository can build, so it is off here: --generate-code=false). An import file records no
 * dependencies: until the program that declares the references has run once, the state does not know
 * that a volume must go after the instance it is attached to. A destroy right after the import then
 * deletes what it can (`--continue-on-error`) and a second one the rest (docs/importing.md says so).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { seedAccount, seedClient, type Seeded } from "../../cli/seed";
import type { TestStack } from "../harness";
import { mutations, NO_OBJECTS, objects, runBarrackCli, useE2eEmulator } from "../support";

jest.setTimeout(600_000);

const PROGRAM_DIR = path.resolve(__dirname, "..", "fixtures", "plugin-import");

describe("e2e: barrack import --format pulumi-import → pulumi import -f, under the plugin", () => {
  const emu = useE2eEmulator();
  let seeded: Seeded;
  let stack: TestStack;
  let file: string;

  beforeAll(async () => {
    seeded = await seedAccount(seedClient(emu.url, emu.apiKey));
    stack = await emu.createStack({ programDir: PROGRAM_DIR, plugin: true });
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "barrack-bulk-import-")), "import.json");
  });

  it("barrack import writes an import file naming every object by type token, resource name and id", async () => {
    const r = await runBarrackCli(emu, ["import", "--format", "pulumi-import", "--out", file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/barrack import: 13 object\(s\) to adopt; wrote /);
    const { resources } = JSON.parse(fs.readFileSync(file, "utf8")) as { resources: { type: string; name: string; id: string }[] };
    expect(resources.map((x) => x.id).sort()).toEqual(Object.values(seeded.ids).sort());
    expect(new Set(resources.map((x) => x.type))).toEqual(new Set(["SshKey", "StartupScript", "Volume", "Instance", "Snapshot", "Image", "Firewall"].map((t) => `barrack:index:${t}`)));
    expect(fs.readFileSync(file, "utf8")).not.toContain(emu.apiKey);
  });

  it("pulumi import -f adopts every object with no create or delete request", async () => {
    emu.resetCounters();
    const r = await stack.cli(["import", "-f", file, "--yes", "--generate-code=false", "--protect=false"]);
    expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr + r.stdout }).toEqual({ code: 0, stderr: "" });
    expect(mutations(emu)).toEqual({});
    const state = await stack.resources();
    expect(state.map((x) => x.id).sort()).toEqual(Object.values(seeded.ids).sort());
    expect(state.every((x) => x.type.startsWith("barrack:index:"))).toBe(true);
    // The inputs read from each object: e.g. the data volume's.
    const data = state.find((x) => x.id === seeded.ids.data)!;
    expect(data.inputs).toMatchObject({ name: seeded.names.data, region: "FINLAND-1", type: "NVMe" });
  });

  it("a refresh of the imported stack changes nothing", async () => {
    emu.resetCounters();
    const refreshed = await stack.refresh();
    expect(Object.values(refreshed.summary).reduce((a, b) => a + (b ?? 0), 0) - (refreshed.summary.same ?? 0)).toBe(0);
    expect(mutations(emu)).toEqual({});
  });

  it("destroy empties the account: what the first leaves (it deleted out of order) the second deletes", async () => {
    await stack.destroy({ continueOnError: true, expectFailure: true }).catch(() => undefined);
    expect((await stack.resources()).length).toBeLessThan(Object.keys(seeded.ids).length);
    await stack.destroy();
    expect(objects(emu.inventory())).toEqual(NO_OBJECTS);
  });
});
