/**
 * Which stack and which backend a running `pulumi` CLI deploys, decided as the CLI decides them, for
 * reading a local file backend's checkpoint without a second CLI process (stackState.ts):
 * - the stack: `--stack`, else PULUMI_STACK, else the one selected in the project's workspace file
 *   (`$PULUMI_HOME/workspaces/<project>-<sha1 of the project file's path>-workspace.json`: CLI 3.248 keeps
 *   `{ "stack": … }`, later ones `{ "stacks": { <backend URL>: … } }`, falling back to the former);
 * - the backend: PULUMI_BACKEND_URL, else the login (`current` in `$PULUMI_HOME/credentials.json`).
 * A project file (Pulumi.yaml, .yml or .json) that names a backend of its own, or a workspace file whose
 * two forms disagree, gives no answer: the caller then asks the CLI, which is always right.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { nonBlank } from "../engine/values";

/** The project files the CLI looks for, from its directory up. */
const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.yml", "Pulumi.json"];

export interface CliInvocation {
  /** The CLI's environment (the provider process inherits it). */
  env: NodeJS.ProcessEnv;
  /** `--stack` as the run gave it, if it did. */
  stackArg?: string;
  /** The directory the CLI works in (its cwd, with `--cwd` applied). */
  dir: string;
}

/** The backend URL and stack the CLI uses, or undefined where that is not certain. */
export function cliTarget(invocation: CliInvocation): { backendUrl: string; stack: string } | undefined {
  const { env } = invocation;
  const projectFile = findProjectFile(invocation.dir);
  if (projectFile === undefined || declaresBackend(projectFile)) return undefined;
  const home = nonBlank(env.PULUMI_HOME) ?? path.join(os.homedir(), ".pulumi");
  const backendUrl = nonBlank(env.PULUMI_BACKEND_URL) ?? loggedInTo(home);
  if (backendUrl === undefined) return undefined;
  const project = nonBlank(env.PULUMI_PROJECT);
  const stack = invocation.stackArg ?? nonBlank(env.PULUMI_STACK) ?? (project && selectedStack(home, project, projectFile, backendUrl));
  return stack ? { backendUrl, stack } : undefined;
}

/** The project file the CLI finds for `dir`: in it or the nearest parent that has one. */
export function findProjectFile(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    for (const name of PROJECT_FILES) {
      const file = path.join(d, name);
      if (fs.existsSync(file)) return file;
    }
    if (path.dirname(d) === d) return undefined;
  }
}

/** A `backend` in the project file (its own backend URL, which the CLI would use): YAML at top level, or JSON. */
function declaresBackend(projectFile: string): boolean {
  try {
    const text = fs.readFileSync(projectFile, "utf8");
    return projectFile.endsWith(".json") ? /"backend"\s*:/.test(text) : /^backend\s*:/m.test(text);
  } catch {
    return true;
  }
}

function loggedInTo(home: string): string | undefined {
  const credentials = readJson(path.join(home, "credentials.json")) as { current?: unknown } | undefined;
  return typeof credentials?.current === "string" ? nonBlank(credentials.current) : undefined;
}

/** The stack `pulumi stack select` chose for this project and backend. */
function selectedStack(home: string, project: string, projectFile: string, backendUrl: string): string | undefined {
  const hash = createHash("sha1").update(projectFile).digest("hex");
  const workspace = readJson(path.join(home, "workspaces", `${project}-${hash}-workspace.json`)) as { stack?: unknown; stacks?: Record<string, unknown> } | undefined;
  const perBackend = workspace?.stacks?.[backendUrl];
  const legacy = workspace?.stack;
  const chosen = typeof perBackend === "string" ? perBackend : undefined;
  const old = typeof legacy === "string" ? legacy : undefined;
  if (chosen !== undefined && old !== undefined && chosen !== old) return undefined; // CLI versions would differ
  return nonBlank(chosen ?? old);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}
