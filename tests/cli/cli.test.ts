/**
 * The `barrack` command itself: help, version, usage errors, and `barrack emulator` (the built CLI, run
 * as a user would: `node dist/provider/cli/index.js`), with `barrack-emulator` still working as an alias.
 */
import { spawn } from "child_process";
import * as path from "path";
import { runCli } from "../../provider/cli";
import { missingEmulatorDependencies } from "../../provider/cli/emulator";

jest.setTimeout(60_000);

const REPO = path.resolve(__dirname, "../..");

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join(""), err: err.join("") };
}

/** Starts a built CLI, resolves with its first stdout line, then stops it with SIGTERM. */
function firstLine(script: string, args: string[]): Promise<{ line: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.BARRACK_EMULATOR_API_KEY;
    const child = spawn(process.execPath, [path.join(REPO, script), ...args], { env });
    let out = "";
    let err = "";
    let line = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!line && out.includes("\n")) {
        line = out.split("\n")[0]!;
        // The signal handlers are set up right after the line is written.
        setTimeout(() => child.kill("SIGTERM"), 300);
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (line ? resolve({ line, code }) : reject(new Error(`exited ${code} without output: ${err}`))));
  });
}

describe("barrack", () => {
  it("--help lists the subcommands; --version prints the package version", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    for (const c of ["import", "doctor", "sweep", "emulator"]) expect(help.out).toMatch(new RegExp(`^  ${c}\\b`, "m"));
    const version = await cli(["--version"]);
    expect(version).toMatchObject({ code: 0, out: `${(require("../../package.json") as { version: string }).version}\n` });
  });

  it("an unknown command or option: exit 1, said on stderr", async () => {
    const r = await cli(["frobnicate"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unknown command 'frobnicate'/);
    expect((await cli(["import", "--bogus"])).code).toBe(1);
  });

  it("a bad endpoint or auth scheme: one line, exit 1", async () => {
    expect(await cli(["import", "--endpoint", "http://example.com/api/", "--api-key", "k-0123456789"])).toMatchObject({
      code: 1, err: expect.stringMatching(/^barrack: Refusing plain HTTP to example\.com: .*\n$/),
    });
    expect(await cli(["doctor", "--api-key", "k-0123456789", "--auth-scheme", "basic"])).toMatchObject({
      code: 1, err: 'barrack: barrack:authScheme must be "bearer" or "x-api-key", not "basic"\n',
    });
  });

  it("emulator: says how to install its dependencies when they are missing", () => {
    expect(missingEmulatorDependencies(() => { throw new Error("Cannot find module"); })).toEqual(["fastify", "write-file-atomic"]);
    expect(missingEmulatorDependencies()).toEqual([]);
  });

  it("`barrack emulator` runs the emulator with its flags, and `barrack-emulator` still does", async () => {
    const viaBarrack = await firstLine("dist/provider/cli/index.js", ["emulator", "--port", "0", "--time-scale", "0.01", "--variant", "no-trailing-slash"]);
    expect(viaBarrack.line).toMatch(/^barrack-emulator listening on http:\/\/127\.0\.0\.1:\d+\/api\/ \(api key barr\*+key, time scale 0\.01\)$/);
    expect(viaBarrack.code).toBe(0);
    const alias = await firstLine("dist/emulator/cli.js", ["--port", "0"]);
    expect(alias.line).toMatch(/^barrack-emulator listening on /);
  });
});
