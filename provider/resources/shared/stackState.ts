/**
 * What the stack's state holds, read by the provider process at preview: the one place a plan's deletions
 * can be learnt from. The engine never tells a dynamic provider what it will delete (a removed resource
 * reaches no provider call at preview), so the burn line (spend.ts) asks the CLI that runs this process:
 * `pulumi stack export`, read-only, for the stack that CLI was invoked on.
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

/** One resource of the exported state (the fields the burn line reads). */
export interface StateResource {
  urn: string;
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

export type StackState = { resources: StateResource[] } | { unavailable: string };

/** Ancestors searched for the CLI (node ← shell ← pulumi; automation API and CI wrappers sit above). */
const MAX_HOPS = 8;
/** A state export of a large stack on a remote backend can take a while; the burn line waits this long. */
const EXPORT_TIMEOUT_MS = 20_000;
/** Flags of `pulumi preview` / `up` that limit the run to some resources. */
const TARGETING = new Set(["--target", "-t", "--target-replace", "--exclude", "--target-dependents", "--exclude-dependents"]);

interface Cli {
  exe: string;
  args: string[];
  cwd: string;
}

/** Reads the state of the stack the running CLI deploys. */
export function readStackState(): Promise<StackState> {
  const cli = findCli();
  if (typeof cli === "string") return Promise.resolve({ unavailable: cli });
  const invocation = exportInvocation(cli.args);
  if (typeof invocation === "string") return Promise.resolve({ unavailable: invocation });
  return new Promise((resolve) => {
    // A process group of its own: the engine closes this provider by interrupting its whole group, and the
    // export must outlive that to give the closing line its deletions.
    const child = spawn(cli.exe, ["stack", "export", ...invocation, "--non-interactive"], {
      cwd: cli.cwd,
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
      detached: true,
      stdio: ["ignore", "pipe", "ignore"],
    });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => child.kill(), EXPORT_TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", () => resolve({ unavailable: "`pulumi stack export` did not start" }));
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) return resolve({ unavailable: "`pulumi stack export` failed" });
      try {
        resolve({ resources: resourcesOf(JSON.parse(Buffer.concat(chunks).toString("utf8"))) });
      } catch {
        resolve({ unavailable: "`pulumi stack export` printed no state" });
      }
    });
    child.unref();
  });
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

/** The resources of `pulumi stack export` output, without those already marked for deletion. */
function resourcesOf(exported: unknown): StateResource[] {
  const resources = (exported as { deployment?: { resources?: unknown[] } }).deployment?.resources ?? [];
  return resources
    .filter((r): r is Record<string, unknown> => typeof r === "object" && r !== null && !(r as { delete?: boolean }).delete)
    .map((r) => ({
      urn: String(r.urn),
      type: String(r.type),
      inputs: (r.inputs ?? {}) as Record<string, unknown>,
      outputs: (r.outputs ?? {}) as Record<string, unknown>,
    }));
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
