/**
 * Reading the stack's state (provider/deployment/stackState.ts): which stack and directory the
 * running CLI was given, a local file backend's checkpoint read directly, an export that finds the checkpoint mid-write, what happens without a CLI above this process, and matching the state's objects
 * with what this process checked.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkpointFile, ExportAttempt, exportInvocation, exportWithRetries, readCheckpoint, readStackState, stateOf } from "../../provider/deployment/stackState";

describe("the stack the running CLI deploys", () => {
  it("passes on the stack and directory flags, in every spelling", () => {
    expect(exportInvocation(["preview", "--stack", "org/proj/dev", "--non-interactive"])).toEqual(["--stack", "org/proj/dev"]);
    expect(exportInvocation(["up", "-s", "dev", "-C", "infra", "--yes"])).toEqual(["--stack", "dev", "--cwd", "infra"]);
    expect(exportInvocation(["up", "--stack=dev", "--cwd=infra", "--parallel", "8"])).toEqual(["--stack", "dev", "--cwd", "infra"]);
    expect(exportInvocation(["preview"])).toEqual([]);
  });

  it("gives up on a targeted run, where unchecked resources are not being deleted", () => {
    for (const flag of ["--target", "-t", "--exclude", "--target-dependents"]) {
      expect(exportInvocation(["preview", "--stack", "dev", flag, "urn:pulumi:dev::p::t::n"])).toBe("a targeted run");
    }
    expect(exportInvocation(["up", "--target=urn:pulumi:dev::p::t::n"])).toBe("a targeted run");
  });

  it("says why when no Pulumi CLI runs this process", async () => {
    expect(await readStackState()).toEqual({ unavailable: "no Pulumi CLI among this process's parents" });
  });
});

describe("an export that finds the checkpoint being rewritten", () => {
  const torn: ExportAttempt = { state: { unavailable: "`pulumi stack export` failed: error: failed to load checkpoint: EOF" }, cliSaid: "error: failed to load checkpoint: EOF" };
  const read: ExportAttempt = { state: { resources: [] }, cliSaid: "" };
  const attempts = (...results: ExportAttempt[]) => {
    const calls = { count: 0 };
    return { calls, once: () => Promise.resolve(results[Math.min(calls.count++, results.length - 1)]) };
  };

  it("is tried again, and the state read a moment later is the answer", async () => {
    const { calls, once } = attempts(torn, torn, read);
    expect(await exportWithRetries(once)).toEqual({ resources: [] });
    expect(calls.count).toBe(3);
  });

  it("gives up after four tries, saying what the CLI said", async () => {
    const { calls, once } = attempts(torn);
    expect(await exportWithRetries(once)).toEqual(torn.state);
    expect(calls.count).toBe(4);
  });

  it("any other failure is not retried: it would fail the same way", async () => {
    const noStack: ExportAttempt = { state: { unavailable: "`pulumi stack export` failed: error: no stack named 'dev' found" }, cliSaid: "error: no stack named 'dev' found" };
    const { calls, once } = attempts(noStack, read);
    expect(await exportWithRetries(once)).toEqual(noStack.state);
    expect(calls.count).toBe(1);
  });
});

describe("what `pulumi stack export` says", () => {
  it("gives the resources (not those marked for deletion), the pending creates and when the state was written", () => {
    const vol = { urn: "urn:pulumi:dev::p::pulumi-nodejs:dynamic/barrack:Volume::data", type: "pulumi-nodejs:dynamic/barrack:Volume", inputs: { name: "data-1a2b3c4" }, outputs: { sizeGb: 100 } };
    const exported = {
      version: 3,
      deployment: {
        manifest: { time: "2026-12-01T19:00:00.5Z" },
        resources: [vol, { ...vol, urn: `${vol.urn}-old`, delete: true }],
        pending_operations: [
          { type: "creating", resource: { ...vol, urn: "urn:pulumi:dev::p::pulumi-nodejs:dynamic/barrack:Instance::node", inputs: { name: "node-0000000" } } },
          { type: "deleting", resource: vol },
        ],
      },
    };
    expect(stateOf(exported)).toEqual({
      resources: [vol],
      pendingCreates: [{ urn: "urn:pulumi:dev::p::pulumi-nodejs:dynamic/barrack:Instance::node", type: "pulumi-nodejs:dynamic/barrack:Volume", inputs: { name: "node-0000000" } }],
      writtenAt: Date.parse("2026-12-01T19:00:00.5Z"),
    });
    expect(stateOf({ version: 3, deployment: {} })).toEqual({ resources: [], pendingCreates: [] });
  });
});

describe("a local file backend's checkpoint, read without asking the CLI", () => {
  let root: string;
  let project: string;
  // PULUMI_HOME of the test's own: never the developer's login or workspaces.
  const env = (over: Record<string, string | undefined> = {}) => ({ PULUMI_BACKEND_URL: `file://${root}`, PULUMI_PROJECT: "gpu-fleet", PULUMI_HOME: path.join(root, "home"), ...over });
  const checkpointOf = (e: NodeJS.ProcessEnv, invocation: string[]) => checkpointFile(e, invocation, project);
  const fileOf = (stack = "dev") => path.join(root, ".pulumi", "stacks", "gpu-fleet", `${stack}.json`);
  const write = (stack: string, latest: unknown) => {
    fs.mkdirSync(path.dirname(fileOf(stack)), { recursive: true });
    fs.writeFileSync(fileOf(stack), JSON.stringify({ version: 3, checkpoint: { stack: `organization/gpu-fleet/${stack}`, latest } }));
  };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "barrack-checkpoint-"));
    project = path.join(root, "project");
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: gpu-fleet\nruntime: nodejs\n");
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("is where the CLI keeps it, for a stack named by --stack in any of its forms", () => {
    const expected = { path: fileOf(), stack: "organization/gpu-fleet/dev" };
    expect(checkpointOf(env(), ["--stack", "dev"])).toEqual(expected);
    expect(checkpointOf(env(), ["--stack", "organization/dev", "--cwd", "infra"])).toEqual(expected);
    expect(checkpointOf(env(), ["--stack", "organization/gpu-fleet/dev"])).toEqual(expected);
  });

  it("is found for the stack the CLI picks without --stack: PULUMI_STACK, else the workspace's selection", () => {
    const workspaces = path.join(root, "home", "workspaces");
    fs.mkdirSync(workspaces, { recursive: true });
    const hash = createHash("sha1").update(path.join(project, "Pulumi.yaml")).digest("hex");
    fs.writeFileSync(path.join(workspaces, `gpu-fleet-${hash}-workspace.json`), JSON.stringify({ stacks: { [`file://${root}`]: "organization/gpu-fleet/dev" } }));
    expect(checkpointOf(env(), [])).toEqual({ path: fileOf("dev"), stack: "organization/gpu-fleet/dev" });
    expect(checkpointOf(env({ PULUMI_STACK: "prod" }), [])).toEqual({ path: fileOf("prod"), stack: "organization/gpu-fleet/prod" });
    expect(checkpointOf(env({ PULUMI_STACK: "prod" }), ["--stack", "test"])).toEqual({ path: fileOf("test"), stack: "organization/gpu-fleet/test" });
  });

  it("is left to the CLI whenever the file is not certain", () => {
    expect(checkpointOf(env(), [])).toBeUndefined(); // no stack selected in the workspace
    expect(checkpointOf(env({ PULUMI_BACKEND_URL: "s3://bucket/state" }), ["--stack", "dev"])).toBeUndefined();
    expect(checkpointOf(env({ PULUMI_BACKEND_URL: undefined }), ["--stack", "dev"])).toBeUndefined(); // `pulumi login`
    expect(checkpointOf(env({ PULUMI_BACKEND_URL: "file://~/state" }), ["--stack", "dev"])).toBeUndefined();
    expect(checkpointOf(env({ PULUMI_PROJECT: undefined }), ["--stack", "dev"])).toBeUndefined();
    expect(checkpointOf(env(), ["--stack", "acme/gpu-fleet/dev"])).toBeUndefined();
    expect(checkpointOf(env(), ["--stack", "organization/other/dev"])).toBeUndefined();
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: gpu-fleet\nruntime: nodejs\nbackend:\n  url: s3://bucket\n");
    expect(checkpointOf(env(), ["--stack", "dev"])).toBeUndefined(); // the project names a backend of its own
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: gpu-fleet\nruntime: nodejs\n");
    write("dev", {});
    fs.writeFileSync(`${fileOf()}.gz`, ""); // PULUMI_SELF_MANAGED_STATE_GZIP: the CLI picks the newest
    expect(checkpointOf(env(), ["--stack", "dev"])).toBeUndefined();
  });

  it("gives what `pulumi stack export` would, and nothing for a missing file or another stack's", async () => {
    const vol = { urn: "urn:pulumi:dev::gpu-fleet::pulumi-nodejs:dynamic/barrack:Volume::data", type: "pulumi-nodejs:dynamic/barrack:Volume", inputs: { name: "data-1a2b3c4" }, outputs: {} };
    const latest = { manifest: { time: "2026-12-01T19:00:00Z" }, resources: [vol] };
    write("dev", latest);
    expect(await readCheckpoint({ path: fileOf(), stack: "organization/gpu-fleet/dev" })).toEqual(stateOf({ deployment: latest }));
    expect(await readCheckpoint({ path: fileOf(), stack: "organization/gpu-fleet/prod" })).toBeUndefined();
    expect(await readCheckpoint({ path: fileOf("prod"), stack: "organization/gpu-fleet/prod" })).toBeUndefined();
  });

  it("reads a file caught mid-write again a moment later", async () => {
    fs.mkdirSync(path.dirname(fileOf()), { recursive: true });
    fs.writeFileSync(fileOf(), ""); // the engine truncated it and has not written it yet
    setTimeout(() => write("dev", { resources: [] }), 50);
    expect(await readCheckpoint({ path: fileOf(), stack: "organization/gpu-fleet/dev" })).toEqual({ resources: [], pendingCreates: [] });
  });
});
