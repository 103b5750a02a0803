/**
 * The serialized provider is what Pulumi stores in state and runs for delete and refresh: it must be
 * small, hold no credential, and work when loaded the way the provider process loads it (from a
 * string, with `require` resolving from the Pulumi program's directory).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ResourceTypeName, makeShim } from "../../provider/dynamic/shim";

const TYPES: ResourceTypeName[] = ["Volume", "Instance", "Firewall", "Snapshot", "Image", "SshKey", "StartupScript"];
const repoRoot = path.resolve(__dirname, "../..");

async function serialized(type: ResourceTypeName): Promise<string> {
  const provider = makeShim(type);
  const closure = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  expect(closure.containsSecrets).toBe(false);
  return closure.text;
}

describe.each(TYPES)("%s shim", (type) => {
  it("serializes to under 1 KB, capturing nothing but its type", async () => {
    process.env.BARRACK_API_KEY = "key-that-must-not-be-captured";
    const text = await serialized(type);
    expect(Buffer.byteLength(text)).toBeLessThan(1024);
    expect(text).toContain("configure");
    expect(text).toContain(`"${type}"`);
    expect(text).toContain(`require("pulumi-barrack/provider-impl")`);
    expect(text).not.toContain("key-that-must-not-be-captured");
    expect(text).not.toMatch(/axios|zod|BarrackClient/);
  });
});

describe("a shim loaded as the provider process loads it", () => {
  let programDir: string;
  beforeAll(() => {
    // A Pulumi program directory elsewhere on disk, resolving packages from this repo's node_modules
    // (which links pulumi-barrack to the repo, as an npm install of the package would).
    programDir = fs.mkdtempSync(path.join(os.tmpdir(), "barrack-program-"));
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(programDir, "node_modules"), "dir");
  });
  afterAll(() => fs.rmSync(programDir, { recursive: true, force: true }));

  it.each(TYPES)("%s runs check() from the program directory", async (type) => {
    const text = await serialized(type);
    const textFile = path.join(programDir, `${type}.provider.js`);
    fs.writeFileSync(textFile, text);
    // Same loading as @pulumi/pulumi/cmd/dynamic-provider: require-from-string with an empty filename.
    const script = `
      const requireFromString = require("require-from-string");
      const text = require("fs").readFileSync(${JSON.stringify(textFile)}, "utf8");
      const provider = requireFromString(text, "").handler();
      provider.configure({ config: { get: () => undefined } })
        .then(() => provider.check({}, { name: "bad name!" }))
        .then((r) => process.stdout.write(JSON.stringify(r)), (e) => { process.stderr.write(String(e)); process.exit(1); });
    `;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: programDir, encoding: "utf8", env: { ...process.env, NODE_PATH: "" } });
    const result = JSON.parse(out) as { failures?: { property: string; reason: string }[] };
    // An incomplete input fails validation: proof the implementation ran (by package name, from dist/).
    expect(result.failures?.length).toBeGreaterThan(0);
    expect(result.failures?.every((f) => typeof f.property === "string" && f.reason.length > 0)).toBe(true);
  });
});
