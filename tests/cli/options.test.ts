/**
 * The connection every `barrack` command shares (provider/cli/options.ts): flags, else the environment,
 * else, inside a Pulumi project, its stack's `barrack:*` config as `pulumi config` shows it: what lets the
 * command a provider warning names (`npx barrack sweep --prefix … --yes`, where `pulumi up` ran) reach the
 * stack's account. A stand-in `pulumi` on PATH answers `config` and `stack --show-name` as the CLI does.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { runCli } from "../../provider/cli";

let emu: RunningEmulator;
let dir: string;
const saved = { cwd: process.cwd(), PATH: process.env.PATH, key: process.env.BARRACK_API_KEY, url: process.env.BARRACK_API_URL };

/** A `pulumi` that prints `config` (JSON) for `config --json --show-secrets`, `stack` for `stack --show-name`. */
function fakePulumi(config: Record<string, { value: string; secret?: boolean }> | "fails", stack = "staging"): void {
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin, { recursive: true });
  const answer = config === "fails" ? `echo "error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE" >&2; exit 255` : `echo '${JSON.stringify(config)}'`;
  fs.writeFileSync(
    path.join(bin, "pulumi"),
    `#!/bin/sh\necho "$@" >> "${path.join(dir, "calls")}"\ncase "$1" in\n  config) ${answer} ;;\n  stack) echo ${stack} ;;\nesac\n`,
    { mode: 0o755 },
  );
  process.env.PATH = `${bin}${path.delimiter}${saved.PATH ?? ""}`;
}

async function sweepHere(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["sweep", ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join(""), err: err.join("") };
}

beforeAll(async () => {
  emu = await startEmulator({ port: 0, timeScale: 0.001 });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "barrack-cli-options-"));
  delete process.env.BARRACK_API_KEY;
  delete process.env.BARRACK_API_URL;
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(saved.cwd);
  process.env.PATH = saved.PATH;
  for (const [name, value] of [["BARRACK_API_KEY", saved.key], ["BARRACK_API_URL", saved.url]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the connection of a barrack command", () => {
  it("in a Pulumi project with no key given: the stack's barrack:apiKey and endpoint, said on stderr, the key never shown", async () => {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: fleet\nruntime: nodejs\n");
    fs.mkdirSync(path.join(dir, "infra"));
    process.chdir(path.join(dir, "infra")); // a subdirectory of the project, as pulumi itself allows
    fakePulumi({ "barrack:apiKey": { value: emu.apiKey, secret: true }, "barrack:endpoint": { value: emu.url }, "fleet:replicas": { value: "3" } });
    const r = await sweepHere(["--prefix", "nothing-by-this-name"]);
    expect(r).toEqual({
      code: 0,
      out: 'barrack sweep: no object\'s name starts with "nothing-by-this-name"; nothing to delete\n',
      err: `barrack: using stack staging's barrack:apiKey and barrack:endpoint ${emu.url} (from \`pulumi config\`)\n`,
    });
    expect(fs.readFileSync(path.join(dir, "calls"), "utf8").split("\n").filter(Boolean)).toEqual(["config --json --show-secrets --non-interactive", "stack --show-name --non-interactive"]);
  });

  it("names --stack to pulumi, and lets the environment's endpoint win over the stack's", async () => {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: fleet\nruntime: nodejs\n");
    fakePulumi({ "barrack:apiKey": { value: emu.apiKey, secret: true }, "barrack:endpoint": { value: "http://127.0.0.1:9/api/" } }, "prod");
    process.env.BARRACK_API_URL = emu.url;
    const r = await sweepHere(["--prefix", "none-", "--stack", "prod"]);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "calls"), "utf8")).toContain("config --json --show-secrets --stack prod --non-interactive");
  });

  it("says why when the stack's config cannot be read, or holds no key; outside a project asks for the key as before", async () => {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: fleet\nruntime: nodejs\n");
    fakePulumi("fails");
    expect(await sweepHere(["--prefix", "x-"])).toEqual({
      code: 1,
      out: "",
      err: "barrack: No Barrack API key: set BARRACK_API_KEY in the environment (or pass --api-key); the stack's barrack:apiKey could not be read with `pulumi config` (error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE)\n",
    });
    fakePulumi({ "fleet:replicas": { value: "3" } });
    expect((await sweepHere(["--prefix", "x-"])).err).toBe("barrack: No Barrack API key: set BARRACK_API_KEY in the environment (or pass --api-key); stack staging has no barrack:apiKey either\n");
    process.env.PATH = saved.PATH?.split(path.delimiter).filter((d) => !fs.existsSync(path.join(d, "pulumi"))).join(path.delimiter);
    expect((await sweepHere(["--prefix", "x-"])).err).toBe("barrack: No Barrack API key: set BARRACK_API_KEY in the environment (or pass --api-key); `pulumi` is not on PATH to read the stack's barrack:apiKey\n");
    fs.rmSync(path.join(dir, "Pulumi.yaml"));
    fs.rmSync(path.join(dir, "calls"));
    expect((await sweepHere(["--prefix", "x-"])).err).toBe("barrack: No Barrack API key: set BARRACK_API_KEY in the environment (or pass --api-key)\n");
    expect(fs.existsSync(path.join(dir, "calls"))).toBe(false); // no project: pulumi is not asked
  });
});
