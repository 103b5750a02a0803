/**
 * Which stack and backend the running CLI uses, as the CLI decides (provider/deployment/workspace.ts).
 * The workspace file forms are the ones CLI 3.248.0 and 3.276.0 write (checked by hand with both).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cliTarget } from "../../provider/deployment/workspace";

describe("the stack and backend the running CLI deploys", () => {
  let root: string;
  let home: string;
  let project: string;
  const backend = () => `file://${path.join(root, "state")}`;
  const env = (over: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => ({ PULUMI_HOME: home, PULUMI_PROJECT: "gpu-fleet", ...over });
  const workspace = (content: unknown, projectFile = path.join(project, "Pulumi.yaml")) => {
    const hash = createHash("sha1").update(projectFile).digest("hex");
    fs.mkdirSync(path.join(home, "workspaces"), { recursive: true });
    fs.writeFileSync(path.join(home, "workspaces", `gpu-fleet-${hash}-workspace.json`), JSON.stringify(content));
  };
  const login = (current: string) => fs.writeFileSync(path.join(home, "credentials.json"), JSON.stringify({ current, accessTokens: { [current]: "" } }));

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "barrack-workspace-"));
    home = path.join(root, "home");
    project = path.join(root, "project");
    fs.mkdirSync(home);
    fs.mkdirSync(path.join(project, "infra"), { recursive: true });
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: gpu-fleet\nruntime: nodejs\n");
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("takes the backend from PULUMI_BACKEND_URL, else from `pulumi login`", () => {
    login("file:///somewhere/else");
    expect(cliTarget({ env: env({ PULUMI_BACKEND_URL: backend() }), stackArg: "dev", dir: project })).toEqual({ backendUrl: backend(), stack: "dev" });
    expect(cliTarget({ env: env(), stackArg: "dev", dir: project })).toEqual({ backendUrl: "file:///somewhere/else", stack: "dev" });
    fs.rmSync(path.join(home, "credentials.json"));
    expect(cliTarget({ env: env(), stackArg: "dev", dir: project })).toBeUndefined(); // logged in nowhere
  });

  it("takes the stack from --stack, else PULUMI_STACK, else the workspace's selection for that backend", () => {
    login(backend());
    workspace({ stacks: { [backend()]: "organization/gpu-fleet/dev", "file:///other": "organization/gpu-fleet/other" } });
    expect(cliTarget({ env: env(), dir: project })?.stack).toBe("organization/gpu-fleet/dev");
    expect(cliTarget({ env: env(), dir: path.join(project, "infra") })?.stack).toBe("organization/gpu-fleet/dev"); // the project file is found upwards
    expect(cliTarget({ env: env({ PULUMI_STACK: "prod" }), dir: project })?.stack).toBe("prod");
    expect(cliTarget({ env: env({ PULUMI_STACK: "prod" }), stackArg: "test", dir: project })?.stack).toBe("test");
  });

  it("reads CLI 3.248's workspace form, and gives no answer where the two forms disagree", () => {
    login(backend());
    workspace({ stack: "organization/gpu-fleet/dev" });
    expect(cliTarget({ env: env(), dir: project })?.stack).toBe("organization/gpu-fleet/dev");
    workspace({ stack: "organization/gpu-fleet/dev", stacks: { [backend()]: "organization/gpu-fleet/dev" } });
    expect(cliTarget({ env: env(), dir: project })?.stack).toBe("organization/gpu-fleet/dev");
    workspace({ stack: "organization/gpu-fleet/prod", stacks: { [backend()]: "organization/gpu-fleet/dev" } });
    expect(cliTarget({ env: env(), dir: project })).toBeUndefined();
  });

  it("gives no answer when nothing is selected, the project is elsewhere, or it names its own backend", () => {
    login(backend());
    expect(cliTarget({ env: env(), dir: project })).toBeUndefined(); // no workspace file
    workspace({ stacks: { "file:///other": "organization/gpu-fleet/other" } });
    expect(cliTarget({ env: env(), dir: project })).toBeUndefined(); // selected for another backend only
    fs.rmSync(path.join(home, "workspaces"), { recursive: true });
    workspace({ stack: "organization/gpu-fleet/dev" }, path.join(root, "elsewhere", "Pulumi.yaml"));
    expect(cliTarget({ env: env(), dir: project })).toBeUndefined(); // another project file's selection
    workspace({ stack: "organization/gpu-fleet/dev" });
    expect(cliTarget({ env: env({ PULUMI_PROJECT: undefined }), dir: project })).toBeUndefined();
    expect(cliTarget({ env: env(), dir: root })).toBeUndefined(); // no project file from there up
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: gpu-fleet\nruntime: nodejs\nbackend:\n  url: file:///team/state\n");
    expect(cliTarget({ env: env(), stackArg: "dev", dir: project })).toBeUndefined();
  });

  it("finds a Pulumi.json project too, and its own backend in it", () => {
    login(backend());
    fs.rmSync(path.join(project, "Pulumi.yaml"));
    fs.writeFileSync(path.join(project, "Pulumi.json"), JSON.stringify({ name: "gpu-fleet", runtime: "nodejs" }));
    workspace({ stack: "organization/gpu-fleet/dev" }, path.join(project, "Pulumi.json"));
    expect(cliTarget({ env: env(), dir: project })?.stack).toBe("organization/gpu-fleet/dev");
    fs.writeFileSync(path.join(project, "Pulumi.json"), JSON.stringify({ name: "gpu-fleet", runtime: "nodejs", backend: { url: "s3://team" } }));
    expect(cliTarget({ env: env(), stackArg: "dev", dir: project })).toBeUndefined();
  });
});
