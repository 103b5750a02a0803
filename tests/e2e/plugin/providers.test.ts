/**
 * End-to-end, the native plugin: two Barrack accounts in one PYTHON program, through explicit providers
 * (`barrack.Provider("acct-a", endpoint=…, api_key=…)`, one plugin process each, configured from its own
 * inputs). Two emulators are the two accounts (their own URL and key); the stack has no `barrack:*`
 * config at all, so nothing can come from the default provider. The program:
 * tests/e2e/fixtures/plugin-providers.
 *
 *   1. up: each account holds exactly its own volume; each provider's burn line counts only its account;
 *   2. the API keys (secret config) appear nowhere in the exported state's plaintext;
 *   3. one account's volume removed from the program: the other provider prints no deletion (each reads
 *      the state's resources of its own provider only); with a volume left to check, that account's
 *      provider's line counts the deletion (a provider whose only step is a delete prints no line: no
 *      check ran in its process, as in `pulumi destroy`; docs/known-gaps.md);
 *   4. destroy empties both accounts.
 *
 * Never skipped: without the CLI, the plugin archive or a Python virtualenv, the suite fails saying why.
 */
import { randomBytes } from "crypto";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../../emulator";
import type { OperationResult, TestStack } from "../harness";
import { mutations, NO_OBJECTS, objects, useE2eEmulator } from "../support";

jest.setTimeout(600_000);

const PROGRAM_DIR = path.resolve(__dirname, "..", "fixtures", "plugin-providers");

/** The burn lines the run printed, one per engine diagnostic. */
const burnLines = (result: OperationResult) => result.diagnostics.map((d) => d.message.trim()).filter((m) => m.startsWith("hourly burn:"));

describe("e2e: two accounts through explicit providers, under the native plugin (Python)", () => {
  // Account A: the suite's emulator; account B: a second one with a key of its own.
  const emuA = useE2eEmulator();
  let emuB: RunningEmulator;
  const keyB = `acct-b-${randomBytes(12).toString("hex")}`;
  let stack: TestStack;
  let idA: string;
  let idB: string;

  beforeAll(async () => {
    emuB = await startEmulator({ port: 0, timeScale: 0.001, apiKey: keyB });
    stack = await emuA.createStack({ programDir: PROGRAM_DIR, plugin: true });
    // No default provider settings at all: only the explicit providers' own inputs.
    await stack.removeConfig("barrack:endpoint");
    await stack.removeConfig("barrack:apiKey");
    await stack.setAllConfig({
      endpointA: emuA.url,
      apiKeyA: { value: emuA.apiKey, secret: true },
      regionA: "FINLAND-1",
      sizeGbA: "1000",
      endpointB: emuB.url,
      apiKeyB: { value: keyB, secret: true },
      regionB: "FINLAND-2",
      sizeGbB: "2000",
    });
  });

  afterAll(async () => {
    // The stack is destroyed by the last test (and by useE2eEmulator's afterAll, while B still runs, if not).
    await stack?.dispose();
    await emuB?.stop();
  });

  it("the stack has no barrack:* config: nothing can reach the default provider", async () => {
    const config = await stack.cli(["config", "--json"]);
    expect(config.code).toBe(0);
    expect(Object.keys(JSON.parse(config.stdout) as Record<string, unknown>).filter((k) => k.startsWith("barrack:"))).toEqual([]);
    expect(emuA.apiKey).not.toBe(keyB);
  });

  it("up puts each volume in its own account, through its own provider", async () => {
    emuA.resetCounters();
    emuB.resetCounters();
    const up = await stack.up();
    expect(up.opsFor("data-a")).toEqual(["create"]);
    expect(up.opsFor("data-b")).toEqual(["create"]);

    const volumesA = emuA.inventory().volumes;
    const volumesB = emuB.inventory().volumes;
    expect(volumesA.map((v) => [v.region, v.size_gb, v.name.replace(/-[0-9a-f]{7}$/, "")])).toEqual([["FINLAND-1", 1000, "data-a"]]);
    expect(volumesB.map((v) => [v.region, v.size_gb, v.name.replace(/-[0-9a-f]{7}$/, "")])).toEqual([["FINLAND-2", 2000, "data-b"]]);
    idA = volumesA[0]!.volume_id;
    idB = volumesB[0]!.volume_id;
    expect(mutations(emuA)).toEqual({ "POST volumes/": 1 });
    expect(mutations(emuB)).toEqual({ "POST volumes/": 1 });
    expect(up.outputs).toMatchObject({ "volume-a": idA, "volume-b": idB });

    // Each resource belongs to its explicit provider; there is no default provider in state.
    const exported = JSON.parse(await stack.exportState()) as { deployment: { resources: { urn: string; type: string; provider?: string; id?: string }[] } };
    const providers = exported.deployment.resources.filter((r) => r.type === "pulumi:providers:barrack").map((r) => r.urn.slice(r.urn.lastIndexOf("::") + 2));
    expect(providers.sort()).toEqual(["acct-a", "acct-b"]);
    const providerOf = (name: string) => exported.deployment.resources.find((r) => r.urn.endsWith(`::${name}`))!.provider ?? "";
    expect(providerOf("data-a")).toMatch(/::acct-a::/);
    expect(providerOf("data-b")).toMatch(/::acct-b::/);

    // One line per provider, each about its own account only.
    expect(burnLines(up).sort()).toEqual([
      expect.stringMatching(/^hourly burn: USD 0\.00 now → USD 0\.30 after this plan \(\+0\.30: 1000 GB NVMe data-a\)$/),
      expect.stringMatching(/^hourly burn: USD 0\.00 now → USD 0\.60 after this plan \(\+0\.60: 2000 GB NVMe data-b\)$/),
    ]);
  });

  it("the API keys are in state only encrypted", async () => {
    const plain = await stack.exportState();
    expect(plain).not.toContain(emuA.apiKey);
    expect(plain).not.toContain(keyB);
    // They are there, as secrets: revealed, the export holds both.
    const revealed = await stack.exportState({ showSecrets: true });
    expect(revealed).toContain(emuA.apiKey);
    expect(revealed).toContain(keyB);
  });

  it("a second up plans nothing in either account", async () => {
    emuA.resetCounters();
    emuB.resetCounters();
    const up = await stack.up();
    expect([up.opsFor("data-a"), up.opsFor("data-b")]).toEqual([["same"], ["same"]]);
    expect([mutations(emuA), mutations(emuB)]).toEqual([{}, {}]);
    expect(burnLines(up)).toEqual([]);
  });

  /** B's line when data-b (2000 GB NVMe, USD 0.60 an hour) leaves account B, which bills `now` in all. */
  const deletionLineB = (now: string, after: string) =>
    `hourly burn: USD ${now} now → USD ${after} after this plan (−0.60: 2000 GB NVMe data-b (deleted))`;
  let removal: OperationResult;

  it("removing account B's only volume deletes it there; A's provider prints no deletion", async () => {
    await stack.setConfig("volumes", "a");
    emuA.resetCounters();
    emuB.resetCounters();
    removal = await stack.up();
    expect(removal.opsFor("data-b")).toEqual(["delete"]);
    expect(removal.opsFor("data-a")).toEqual(["same"]);
    expect(emuB.inventory().volumes).toEqual([]);
    expect(emuA.inventory().volumes.map((v) => v.volume_id)).toEqual([idA]);
    expect(mutations(emuA)).toEqual({});
    expect(mutations(emuB)).toEqual({ "DELETE volumes/{volume_id}/": 1 });
    // A (USD 0.30 an hour, unchanged) counting B's deletion would print "USD 0.30 now → USD 0.00 … data-b (deleted)".
    expect(burnLines(removal).filter((line) => line !== deletionLineB("0.60", "0.00"))).toEqual([]);
  });

  it("with another volume still on B, B's line counts the deletion and A's line says nothing", async () => {
    await stack.setConfig("volumes", "a,b,b2");
    const back = await stack.up();
    expect([back.opsFor("data-b"), back.opsFor("scratch-b")]).toEqual([["create"], ["create"]]);
    expect(emuB.inventory().volumes.map((v) => v.size_gb).sort()).toEqual([100, 2000]);
    await stack.setConfig("volumes", "a,b2");
    emuA.resetCounters();
    emuB.resetCounters();
    const up = await stack.up();
    expect([up.opsFor("data-a"), up.opsFor("data-b"), up.opsFor("scratch-b")]).toEqual([["same"], ["delete"], ["same"]]);
    expect(mutations(emuA)).toEqual({});
    expect(mutations(emuB)).toEqual({ "DELETE volumes/{volume_id}/": 1 });
    expect(burnLines(up)).toEqual([deletionLineB("0.63", "0.03")]);
  });

  it("destroy empties both accounts", async () => {
    const result = await stack.destroy();
    expect([result.opsFor("data-a"), result.opsFor("scratch-b")]).toEqual([["delete"], ["delete"]]);
    expect(objects(emuA.inventory())).toEqual(NO_OBJECTS);
    expect(objects(emuB.inventory())).toEqual(NO_OBJECTS);
    expect(await stack.resources()).toEqual([]);
  });
});
