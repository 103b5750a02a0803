/**
 * Persistence: every acknowledged change is in the state file before the answer, so a restart (even after
 * kill -9 of the CLI process) loses nothing, and pending transitions carry on after it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { del, deployBody, ed25519PublicKey, get, post, waitFor, waitVm, type J } from "./helpers";

const repo = resolve(__dirname, "../..");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "barrack-emu-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("in-process restart", () => {
  test("objects, ids, balance and pending transitions survive stop/start", async () => {
    const stateFile = join(dir, "inproc.state.json");
    const first = await startEmulator({ port: 0, timeScale: 0.001, stateFile, balance: 500 });
    const key = (await post(first, "ssh-keys/", { name: "persist-key", public_key: ed25519PublicKey() })).body.ssh_key.key_id;
    const vm = (await post(first, "vms/", deployBody(key, { vm_name: "persist-vm" }))).body.vm.vm_id;
    const fw = (await post(first, "firewalls/", { name: "persist fw", region: "FINLAND-1" })).body.firewall.firewall_id;
    await first.stop();

    const second = await startEmulator({ port: 0, timeScale: 0.001, stateFile, balance: 9999 });
    try {
      const inv = second.inventory();
      expect(inv.sshKeys.map((k) => k.key_id)).toEqual([key]);
      expect(inv.instances.map((i) => i.vm_id)).toEqual([vm]);
      expect(inv.firewalls.map((f) => f.firewall_id)).toEqual([fw]);
      // The saved balance wins over the option, which only seeds a new state.
      expect(inv.balance.amount).toBeLessThanOrEqual(500);
      expect(inv.balance.amount).toBeGreaterThan(400);
      await waitVm(second, vm, "ACTIVE");
      await waitFor(second, `firewalls/${fw}/`, (b) => b.firewall.status, "SUCCESS");
      // New ids never reuse old ones.
      const k2 = (await post(second, "ssh-keys/", { name: "second-key", public_key: ed25519PublicKey() })).body.ssh_key.key_id;
      expect(k2).not.toBe(key);
    } finally {
      await second.stop();
    }
    const saved = JSON.parse(readFileSync(stateFile, "utf8"));
    expect(saved.format).toBe("barrack-emulator-state");
    expect(Object.keys(saved.state.sshKeys).length).toBe(2);
  });

  test("a state file that is not ours is refused with a clear message", async () => {
    const bad = join(dir, "bad.state.json");
    writeFileSync(bad, "{ not json");
    await expect(startEmulator({ port: 0, stateFile: bad })).rejects.toThrow(/not valid JSON/);
    writeFileSync(bad, JSON.stringify({ hello: "world" }));
    await expect(startEmulator({ port: 0, stateFile: bad })).rejects.toThrow(/not a barrack-emulator state/);
  });
});

// ---------------------------------------------------------------------------------------------------
// The CLI in a child process
// ---------------------------------------------------------------------------------------------------

interface Child {
  proc: ChildProcess;
  emu: RunningEmulator;
  output: () => string;
}

const API_KEY = "cli-secret-key-0123456789";

/**
 * Transpiles the emulator and what it imports from provider/ (the contract, constants and platform rules) to
 * plain JS in a temp dir (like `tsc` would into dist/, but without touching the shared dist/ and without
 * ts-node's start-up cost in every child process).
 */
function buildCli(outDir: string): string {
  const options: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  const sources = ["provider/contract.ts", "provider/constants.ts", "provider/platform.ts"].map((f) => join(repo, f));
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(".ts")) sources.push(join(d, e.name));
    }
  };
  walk(join(repo, "emulator"));
  for (const file of sources) {
    const out = join(outDir, relative(repo, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions: options, fileName: file }).outputText);
  }
  return join(outDir, "emulator/cli.js");
}

let cliPath = "";
const cliEnv = (): NodeJS.ProcessEnv => ({ ...process.env, NODE_PATH: join(repo, "node_modules") });

/** Starts the CLI and waits for its "listening" line. */
function startCli(args: string[]): Promise<Child> {
  cliPath ||= buildCli(join(dir, "build"));
  const proc = spawn(process.execPath, [cliPath, ...args], { cwd: repo, env: cliEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  return new Promise((resolveChild, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start: ${out}`)), 30000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+\/api\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        const url = m[1];
        const port = Number(new URL(url).port);
        // Only url and apiKey are used by the HTTP helpers.
        const emu = { url, port, apiKey: API_KEY } as RunningEmulator;
        resolveChild({ proc, emu, output: () => out });
      }
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", (c: Buffer) => { out += c.toString(); });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${code}: ${out}`));
    });
  });
}

function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((r) => {
    if (proc.exitCode !== null || proc.signalCode !== null) r({ code: proc.exitCode, signal: proc.signalCode });
    else proc.once("exit", (code, signal) => r({ code, signal }));
  });
}

describe("CLI", () => {
  const stateFile = (): string => join(dir, "cli.state.json");
  const args = (): string[] => ["--port", "0", "--api-key", API_KEY, "--state-file", stateFile(), "--time-scale", "0.001"];

  test("kill -9 right after acknowledged changes loses nothing", async () => {
    const a = await startCli(args());
    expect(a.output()).not.toContain(API_KEY); // the key is masked
    expect(a.output()).toMatch(/api key cli-\*+789/);
    const key = (await post(a.emu, "ssh-keys/", { name: "cli-key", public_key: ed25519PublicKey() })).body.ssh_key.key_id;
    const vm = (await post(a.emu, "vms/", deployBody(key, { vm_name: "cli-vm" }))).body.vm.vm_id;
    await waitVm(a.emu, vm, "ACTIVE");
    const vol = (await post(a.emu, "volumes/", { name: "cli-vol", region: "FINLAND-2", size_gb: 300, volume_type: "HDD" })).body.volume.volume_id;
    const stop = await post(a.emu, `vms/${vm}/stop/`);
    expect(stop.body.vm.status).toBe("STOPPING");
    const script = await post(a.emu, "scripts/", { name: "last-word", content: "echo" });
    expect(script.status).toBe(201);
    a.proc.kill("SIGKILL");
    expect((await exited(a.proc)).signal).toBe("SIGKILL");

    const b = await startCli(args());
    try {
      expect((await get(b.emu, `ssh-keys/${key}/`)).body.ssh_key.name).toBe("cli-key");
      expect((await get(b.emu, "scripts/")).body.scripts.map((s: J) => s.name)).toEqual(["last-word"]);
      // Pending transitions resume: the stop completes, the volume becomes available.
      await waitVm(b.emu, vm, "SHUTOFF");
      await waitFor(b.emu, `volumes/${vol}/`, (x) => x.volume.status, "available");
      const billing = (await get(b.emu, `vms/${vm}/billing/`)).body;
      expect(billing.records.length).toBe(1);
      expect((await get(b.emu, "balance/")).body.balance.amount).toBeLessThan(1000);
      await del(b.emu, `vms/${vm}/`);
      b.proc.kill("SIGTERM");
      expect((await exited(b.proc)).code).toBe(0); // clean stop on SIGTERM
    } finally {
      if (b.proc.exitCode === null && b.proc.signalCode === null) b.proc.kill("SIGKILL");
    }
    const saved = JSON.parse(readFileSync(stateFile(), "utf8"));
    expect(saved.state.instances[vm].status).toBe("DELETING");
  });

  test("invalid options exit non-zero with a message", async () => {
    cliPath ||= buildCli(join(dir, "build"));
    const proc = spawn(process.execPath, [cliPath, "--rate-limit", "lots"], { cwd: repo, env: cliEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    proc.stderr?.on("data", (c: Buffer) => { err += c.toString(); });
    const { code } = await exited(proc);
    expect(code).not.toBe(0);
    expect(err).toMatch(/rate limit must look like/);
  });
});

describe("CLI option parsing", () => {
  test("rate limits and key masking", async () => {
    const { parseRateLimit, maskKey } = await import("../../emulator/cli");
    expect(parseRateLimit("100/60s")).toEqual({ requests: 100, windowMs: 60000 });
    expect(parseRateLimit("10/500ms")).toEqual({ requests: 10, windowMs: 500 });
    expect(parseRateLimit("5/2m")).toEqual({ requests: 5, windowMs: 120000 });
    expect(parseRateLimit("7/30")).toEqual({ requests: 7, windowMs: 30000 });
    for (const bad of ["", "100", "0/60s", "100/0s", "a/b"]) expect(() => parseRateLimit(bad)).toThrow(/rate limit/);
    expect(maskKey("barrack-emulator-key")).toBe("barr***********key".replace(/\*+/, "*".repeat(12)));
    expect(maskKey("short")).toBe("*****");
    expect(maskKey("barrack-emulator-key")).not.toContain("emulator");
  });
});
