/**
 * What the stack's state holds, read once per provider process: the one place a plan's deletions, and the
 * creates an interrupted run left pending, can be learnt from. The engine never tells a dynamic provider
 * what it will delete (a removed resource reaches no provider call at preview), nor what a killed run was
 * creating, so the burn line (spend.ts) and `pulumi destroy` (deployment/interrupted.ts) read it: from a
 * local file backend's checkpoint file where that is certain (checkpointFile, workspace.ts), else by
 * asking the CLI that runs this process, `pulumi stack export`, read-only, for the stack it deploys.
 *
 * The CLI is found among this process's ancestors (the engine starts the provider through a shell); its
 * arguments say which stack (`--stack`), which directory (`--cwd`) and whether the run is targeted
 * (`--target`, `--exclude`: then the program's resources that are not checked are not being deleted, so
 * nothing can be said). Linux reads /proc; other systems ask `ps`. Anything that does not work out is an
 * `unavailable` reason, never an error: the burn line then says deletions are not counted.
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { configuredEndpoint } from "../config";
import { cliTarget } from "./workspace";

/** How our resources' types read in state: `pulumi-nodejs:dynamic/barrack:Instance` (dynamic), `barrack:index:Instance` (plugin). */
const STATE_TYPE = /^(?:pulumi-nodejs:dynamic\/barrack|barrack:index):(\w+)$/;

/** The plugin's provider resources in state (default and explicit). */
const PLUGIN_PROVIDER_TYPE = "pulumi:providers:barrack";

/** "Instance" for `pulumi-nodejs:dynamic/barrack:Instance` or `barrack:index:Instance`; undefined for anything not ours. */
export function barrackType(stateType: string): string | undefined {
  return STATE_TYPE.exec(stateType)?.[1];
}

/** One resource of the exported state (the fields the burn line reads). */
export interface StateResource {
  urn: string;
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** A create that a killed run had started and never recorded (its inputs, the name included). */
export type PendingCreate = Omit<StateResource, "outputs">;

export type StackState =
  | {
      resources: StateResource[];
      /** Creates an interrupted run left pending (`pending_operations` of kind "creating"). */
      pendingCreates?: PendingCreate[];
      /** When the state was last written (epoch ms): about when the pending operations began. */
      writtenAt?: number;
    }
  | { unavailable: string };

/** Ancestors searched for the CLI (node ← shell ← pulumi; automation API and CI wrappers sit above). */
const MAX_HOPS = 8;
/** A state export of a large stack on a remote backend can take a while; the burn line waits this long. */
const EXPORT_TIMEOUT_MS = 20_000;
/** Reads tried when one finds the checkpoint being rewritten, and the pause before the next (× attempt). */
const TORN_READ_ATTEMPTS = 4;
const TORN_READ_PAUSE_MS = 100;
/** Flags of `pulumi preview` / `up` that limit the run to some resources. */
const TARGETING = new Set(["--target", "-t", "--target-replace", "--exclude", "--target-dependents", "--exclude-dependents"]);

interface Cli {
  exe: string;
  args: string[];
  cwd: string;
}

let cached: Promise<StackState> | undefined;
/** Reads the state of the stack the running CLI deploys, once per process. */
export function readStackState(): Promise<StackState> {
  cached ??= exportState();
  return cached;
}

/** Forgets the state read (tests). */
export function forgetStackState(): void {
  cached = undefined;
}

function exportState(): Promise<StackState> {
  const cli = findCli();
  if (typeof cli === "string") return Promise.resolve({ unavailable: cli });
  const invocation = exportInvocation(cli.args);
  if (typeof invocation === "string") return Promise.resolve({ unavailable: invocation });
  const file = checkpointFile(process.env, invocation, cli.cwd);
  return (file === undefined ? Promise.resolve(undefined) : readCheckpoint(file)).then((state) => state ?? exportWithRetries(() => exportOnce(cli, invocation)));
}

/**
 * Where a local file backend keeps the stack's checkpoint, when that is certain: the CLI's backend (see
 * workspace.ts) is an absolute `file://` URL, its stack is known (`--stack`, PULUMI_STACK or the selected
 * one), and the engine named the project (PULUMI_PROJECT). Reading that file costs a JSON.parse where
 * `pulumi stack export` costs a second CLI process (~0.15 s of CPU, on the cores the deployment is using).
 * In every other case (a cloud backend, a compressed checkpoint, unusual names) the CLI is asked.
 */
export function checkpointFile(env: NodeJS.ProcessEnv, invocation: string[], cliCwd: string): { path: string; stack: string } | undefined {
  if (process.platform === "win32") return undefined;
  const project = env.PULUMI_PROJECT ?? "";
  const flag = (name: string) => (invocation.indexOf(name) < 0 ? undefined : invocation[invocation.indexOf(name) + 1]);
  const target = cliTarget({ env, stackArg: flag("--stack"), dir: path.resolve(cliCwd, flag("--cwd") ?? ".") });
  if (target === undefined || !target.backendUrl.startsWith("file:///")) return undefined;
  const parts = target.stack.split("/");
  const name = parts[parts.length - 1];
  const plain = /^[A-Za-z0-9_.-]+$/;
  if (!plain.test(project) || !plain.test(name) || parts.length > 3 || (parts.length > 1 && parts[0] !== "organization") || (parts.length === 3 && parts[1] !== project)) {
    return undefined;
  }
  let root: string;
  try {
    root = decodeURIComponent(new URL(target.backendUrl).pathname);
  } catch {
    return undefined;
  }
  const file = path.join(root, ".pulumi", "stacks", project, `${name}.json`);
  // The CLI reads whichever variant is newest; with a compressed one about, leave the choice to it.
  if (fs.existsSync(`${file}.gz`) || fs.existsSync(`${file}.zst`)) return undefined;
  return { path: file, stack: `organization/${project}/${name}` };
}

/** The checkpoint file's state, or undefined (then the CLI is asked): missing, another stack's, or torn throughout. */
export function readCheckpoint(file: { path: string; stack: string }): Promise<StackState | undefined> {
  return untorn(async () => {
    let text: string;
    try {
      text = await fs.promises.readFile(file.path, "utf8");
    } catch {
      return { value: undefined, torn: false };
    }
    try {
      const { checkpoint } = JSON.parse(text) as { checkpoint?: { stack?: string; latest?: unknown } };
      return { value: checkpoint?.stack === file.stack ? stateOf({ deployment: checkpoint.latest ?? {} }, configuredEndpoint()) : undefined, torn: false };
    } catch {
      return { value: undefined, torn: true };
    }
  });
}

/** `pulumi stack export`, tried again while it finds the checkpoint being rewritten (see `untorn`). */
export function exportWithRetries(exportOnce: () => Promise<ExportAttempt>): Promise<StackState> {
  return untorn(async () => {
    const { state, cliSaid } = await exportOnce();
    return { value: state, torn: /failed to load checkpoint/.test(cliSaid) };
  });
}

/**
 * The file backend rewrites the checkpoint in place at every step of an update, so a read (ours, or the
 * CLI's export: "failed to load checkpoint: EOF", seen in one run in four of an up under load) can find
 * it empty or cut short: such a read is tried again a few times, a moment later; the last one is the answer.
 */
async function untorn<T>(read: () => Promise<{ value: T; torn: boolean }>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const { value, torn } = await read();
    if (!torn || attempt === TORN_READ_ATTEMPTS) return value;
    await new Promise((r) => setTimeout(r, TORN_READ_PAUSE_MS * attempt));
  }
}

/** One `pulumi stack export`: the state or why not, and the CLI's last error line. */
export interface ExportAttempt {
  state: StackState;
  cliSaid: string;
}

function exportOnce(cli: Cli, invocation: string[]): Promise<ExportAttempt> {
  return new Promise((resolve) => {
    // A process group of its own: the engine closes this provider by interrupting its whole group, and the
    // export must outlive that to give the closing line its deletions.
    const child = spawn(cli.exe, ["stack", "export", ...invocation, "--non-interactive"], {
      cwd: cli.cwd,
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const chunks: Buffer[] = [];
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill();
    }, EXPORT_TIMEOUT_MS);
    const unavailable = (reason: string) => resolve({ state: { unavailable: reason }, cliSaid: lastLine(stderr) });
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-4096)));
    child.on("error", () => unavailable("`pulumi stack export` did not start"));
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut) return unavailable(`\`pulumi stack export\` took over ${EXPORT_TIMEOUT_MS / 1000} s`);
      // The CLI's last error line (short; the export's errors name files and stacks, never secrets).
      if (code !== 0) return unavailable(`\`pulumi stack export\` failed${lastLine(stderr) && `: ${lastLine(stderr)}`}`);
      try {
        resolve({ state: stateOf(JSON.parse(Buffer.concat(chunks).toString("utf8")), configuredEndpoint()), cliSaid: "" });
      } catch {
        unavailable("`pulumi stack export` printed no state");
      }
    });
    child.unref();
  });
}

/** The last non-empty line of `text`, cut to 200 characters. */
function lastLine(text: string): string {
  const line = text.split("\n").map((l) => l.trim()).filter((l) => l !== "").pop() ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * The `stack export` arguments that name the stack and directory of the running `pulumi preview|up`
 * (`args`: its argv after the executable), or why there are none.
 */
export function exportInvocation(args: string[]): string[] | string {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith("--") && args[i].includes("=") ? [args[i].slice(0, args[i].indexOf("=")), args[i].slice(args[i].indexOf("=") + 1)] : [args[i], undefined];
    const value = () => inline ?? args[++i];
    if (TARGETING.has(flag)) return "a targeted run";
    if (flag === "--stack" || flag === "-s") out.push("--stack", value());
    else if (flag === "--cwd" || flag === "-C") out.push("--cwd", value());
  }
  return out;
}

interface Exported {
  deployment?: {
    manifest?: { time?: string };
    resources?: unknown[];
    pending_operations?: { type?: string; resource?: unknown }[];
  };
}

/**
 * The resources of `pulumi stack export` output (without those marked for deletion) and its pending
 * creates, those of this process's provider only: `endpoint` is the one this process was configured with
 * (undefined: none given). A plugin's resources belong to a provider resource (the default one, or an
 * explicit `barrack.Provider`), each served by a process of its own: another provider's resources are
 * neither this process's deletions nor its leftovers. A provider is told apart by its recorded endpoint
 * (its key is encrypted in state). Dynamic resources all share the one `pulumi-nodejs` provider.
 */
export function stateOf(exported: unknown, endpoint?: string): StackState {
  const deployment = (exported as Exported).deployment ?? {};
  const resource = (r: Record<string, unknown>) => ({
    urn: String(r.urn),
    type: String(r.type),
    inputs: (r.inputs ?? {}) as Record<string, unknown>,
    outputs: (r.outputs ?? {}) as Record<string, unknown>,
  });
  const isObject = (r: unknown): r is Record<string, unknown> => typeof r === "object" && r !== null;
  const all = (deployment.resources ?? []).filter(isObject);
  const otherProviders = new Set(
    all
      .filter((r) => r.type === `${PLUGIN_PROVIDER_TYPE}` && (r.inputs as Record<string, unknown> | undefined)?.endpoint !== endpoint)
      .map((r) => `${String(r.urn)}::${String(r.id)}`),
  );
  const ours = (r: Record<string, unknown>) => typeof r.provider !== "string" || !otherProviders.has(r.provider);
  const writtenAt = Date.parse(deployment.manifest?.time ?? "");
  return {
    resources: all.filter((r) => !r.delete && ours(r)).map(resource),
    pendingCreates: (deployment.pending_operations ?? [])
      .filter((op) => op.type === "creating" && isObject(op.resource) && ours(op.resource as Record<string, unknown>))
      .map((op) => {
        const { urn, type, inputs } = resource(op.resource as Record<string, unknown>);
        return { urn, type, inputs };
      }),
    ...(Number.isFinite(writtenAt) ? { writtenAt } : {}),
  };
}

function findCli(): Cli | string {
  for (let pid = process.ppid, hops = 0; pid > 1 && hops < MAX_HOPS; hops++) {
    const info = processInfo(pid);
    if (info === undefined) break;
    if (/^pulumi(\.exe)?$/.test(path.basename(info.exe))) return { exe: info.exe, args: info.argv.slice(1), cwd: info.cwd ?? process.cwd() };
    pid = info.ppid;
  }
  return "no Pulumi CLI among this process's parents";
}

interface ProcessInfo {
  ppid: number;
  exe: string;
  argv: string[];
  cwd?: string;
}

function processInfo(pid: number): ProcessInfo | undefined {
  try {
    if (process.platform === "linux") {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((a, i, all) => a !== "" || i < all.length - 1);
      return { ppid, exe: fs.readlinkSync(`/proc/${pid}/exe`), argv, cwd: fs.readlinkSync(`/proc/${pid}/cwd`) };
    }
    if (process.platform === "win32") return undefined;
    // macOS and the BSDs: `ps` (arguments split at spaces: a path with spaces in `--cwd` is not supported).
    const [ppid, ...command] = execFileSync("ps", ["-o", "ppid=,command=", "-p", String(pid)], { encoding: "utf8" }).trim().split(/\s+/);
    const exe = execFileSync("ps", ["-o", "comm=", "-p", String(pid)], { encoding: "utf8" }).trim();
    return { ppid: Number(ppid), exe, argv: command };
  } catch {
    return undefined;
  }
}
