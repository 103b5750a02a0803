/** StartupScript check (preview validation, no API call) and diff (everything in place, nothing replaces). */
import { SCRIPT_MAX_BYTES } from "../../../provider/platform";
import { startupScriptOutputs } from "../../../provider/resources/startupScript/args";
import { startupScriptProvider } from "../../../provider/resources/startupScript/provider";
import { UNKNOWN, named } from "../support";

const SCRIPT = "#!/bin/bash\napt-get update\n";

describe("StartupScript check", () => {
  it("accepts a script, defaulting description to empty", async () => {
    expect(await startupScriptProvider.check({}, { name: "Boot script 1.0", content: SCRIPT })).toEqual({
      inputs: { name: "Boot script 1.0", content: SCRIPT, description: "" },
    });
  });

  it("accepts content of exactly 16 KB", async () => {
    const content = "x".repeat(SCRIPT_MAX_BYTES);
    expect((await startupScriptProvider.check({}, { name: "max", content })).failures).toBeUndefined();
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ["an empty name", { name: "" }, "name", /must be 1–50 letters, digits, spaces, '-', '_' or '\.'/],
    ["a blank name", { name: "   " }, "name", /must be 1–50 letters/],
    ["a 51-character name", { name: "s".repeat(51) }, "name", /must be 1–50 letters/],
    ["a name with a slash", { name: "a/b" }, "name", /must be 1–50 letters/],
    ["content over 16 KB", { content: "x".repeat(SCRIPT_MAX_BYTES + 1) }, "content", /at most 16384 bytes \(16 KB\).*16385 bytes \(1 too many\)/],
    // 8193 characters, but 16386 bytes: the limit is in bytes.
    ["multi-byte content over 16 KB", { content: "é".repeat(8193) }, "content", /at most 16384 bytes.*16386 bytes/],
    ["empty content", { content: "" }, "content", /must not be empty/],
    ["content that is not text", { content: 12 }, "content", /must be the script's text/],
    ["missing content", { content: undefined }, "content", /must be the script's text/],
    ["a 256-character description", { description: "d".repeat(256) }, "description", /at most 255 characters \(this one is 256\)/],
    ["a description that is not text", { description: ["x"] }, "description", /must be a string/],
    ["bad timeouts", { timeouts: { update: "later" } }, "timeouts.update", /duration/],
  ];
  it.each(bad)("refuses %s, naming the property and what is allowed", async (_label, change, property, reason) => {
    const { inputs, failures } = await startupScriptProvider.check({}, { name: "ok", content: SCRIPT, ...change });
    expect(inputs).toBeUndefined();
    expect(named(failures)).toEqual([{ property, reason: expect.stringMatching(reason) }]);
  });

  it("lets unknown content through at preview", async () => {
    const result = await startupScriptProvider.check({}, { name: "later", content: UNKNOWN });
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toMatchObject({ name: "later", content: UNKNOWN });
  });
});

describe("StartupScript diff", () => {
  const olds = {
    ...startupScriptOutputs(
      { name: "boot", content: SCRIPT, description: "" },
      { script_id: "BRK-000001C", name: "boot", content: SCRIPT, description: "", created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" },
    ),
  } as Record<string, unknown>;
  const news = { name: "boot", content: SCRIPT, description: "" };
  const diff = (changes: Record<string, unknown>) => startupScriptProvider.diff("BRK-000001C", olds, { ...news, ...changes });

  it("sees no change when the inputs are the same", async () => {
    expect(await diff({})).toEqual({ changes: false });
  });

  it.each([
    ["content", { content: "#!/bin/bash\necho changed\n" }],
    ["name", { name: "renamed" }],
    ["description", { description: "now described" }],
    ["content unknown at preview", { content: UNKNOWN }],
    ["everything at once", { name: "n2", content: "echo 2", description: "d2" }],
  ])("updates %s in place (never a replacement)", async (_label, change) => {
    expect(await diff(change)).toEqual({ changes: true });
  });

  it("ignores timeouts", async () => {
    expect(await diff({ timeouts: { update: "1m" } })).toEqual({ changes: false });
  });
});
