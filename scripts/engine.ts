/**
 * Running the real Pulumi CLI from a script (chaos, benchmarks): a scratch project in a temp dir that
 * resolves `@pulumi/pulumi` and `pulumi-barrack` from this repository, stacks on a file backend of their
 * own, and the offline environment the CLI needs (no update check, no plugin downloads).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface ScriptStack {
  name: string;
  dir: string;
  env: Record<string, string>;
  binDir: string;
}

export interface ScratchProject {
  dir: string;
  /** A new stack with `barrack:endpoint` and the secret `barrack:apiKey` set. */
  stack(name: string, binDir: string, emulator: { url: string; apiKey: string }): Promise<ScriptStack>;
  dispose(): void;
}

/** A Pulumi TypeScript project holding `program` as index.ts, with the repo's node_modules linked in. */
export function scratchProject(name: string, program: string, repo: string): ScratchProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`);
  fs.writeFileSync(path.join(dir, "index.ts"), program);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true, main: "index.ts" }));
  fs.symlinkSync(path.join(repo, "node_modules"), path.join(dir, "node_modules"), "dir");
  const state = path.join(dir, ".state");
  const home = path.join(dir, ".home");
  fs.mkdirSync(state);
  fs.mkdirSync(home);
  return {
    dir,
    async stack(stackName, binDir, emulator) {
      const stack: ScriptStack = {
        name: stackName,
        dir,
        binDir,
        env: {
          PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
          PULUMI_HOME: home,
          PULUMI_BACKEND_URL: `file://${state}`,
          PULUMI_CONFIG_PASSPHRASE: "pulumi-barrack-scripts",
          PULUMI_SKIP_UPDATE_CHECK: "true",
          PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
          PULUMI_NODEJS_TRANSPILE_ONLY: "true",
          BARRACK_API_KEY: "",
          BARRACK_API_URL: "",
        },
      };
      for (const args of [
        ["stack", "init"],
        ["config", "set", "barrack:endpoint", emulator.url],
        ["config", "set", "--secret", "barrack:apiKey", emulator.apiKey],
      ]) {
        const r = await runPulumi(stack, args);
        if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed: ${r.output}`);
      }
      return stack;
    },
    dispose() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `pulumi <args> --stack <name> --non-interactive` in the project; never throws on a failed run. */
export function runPulumi(stack: ScriptStack, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(stack.binDir, "pulumi"),
      [...args, "--stack", stack.name, "--non-interactive"],
      { cwd: stack.dir, env: { ...process.env, ...stack.env }, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 1) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}
