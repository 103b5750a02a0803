/**
 * The packaged native plugin (scripts/build-plugin.ts, `npm run build:plugin`): the tarball a user installs
 * with `pulumi plugin install resource barrack <version> -f <tarball>`, and the executable inside it,
 * started as the engine starts it (its engine's address as the argument) and asked over gRPC.
 *
 * Runs the packaging step itself (`node dist/scripts/build-plugin.js`, which needs `npm run build`: `npm test`
 * runs it first), so what is tested is what the current code packages.
 */
import * as grpc from "@grpc/grpc-js";
import { execFileSync, spawn, type ChildProcess } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { pulumiBinDir } from "../e2e/harness/cli";

jest.setTimeout(180_000);

const REPO = path.resolve(__dirname, "../..");
const VERSION = (require("../../package.json") as { version: string }).version;
const EXECUTABLE = "pulumi-resource-barrack";
const PLATFORM = `${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
const ARCHIVE = path.join(REPO, "dist/plugin", `${EXECUTABLE}-v${VERSION}-${PLATFORM}.tar.gz`);
/** The engine's address: nothing listens there, and nothing needs it until Configure. */
const ENGINE = "127.0.0.1:1";

let tmp: string;
let extracted: string;
let builtAt: number;

beforeAll(() => {
  const script = path.join(REPO, "dist/scripts/build-plugin.js");
  if (!fs.existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first (\`npm test\` does)`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-package-"));
  builtAt = Date.now();
  // Throws with the build's stderr when packaging fails.
  execFileSync(process.execPath, [script, "--dir", path.join(tmp, "dir")], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  extracted = path.join(tmp, "extracted");
  fs.mkdirSync(extracted);
  execFileSync("tar", ["-xzf", ARCHIVE, "-C", extracted]);
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the plugin tarball", () => {
  it("exists after the build, with its checksum, and holds pulumi-resource-barrack at its root, executable", () => {
    // Written by this build (through a rename, so tests installing it meanwhile never see half an archive).
    expect(fs.statSync(ARCHIVE).mtimeMs).toBeGreaterThanOrEqual(builtAt - 2000);
    const sha256 = crypto.createHash("sha256").update(fs.readFileSync(ARCHIVE)).digest("hex");
    expect(fs.readFileSync(`${ARCHIVE}.sha256`, "utf8")).toBe(`${sha256}  ${path.basename(ARCHIVE)}\n`);

    const listing = execFileSync("tar", ["-tvzf", ARCHIVE], { encoding: "utf8" }).trim().split("\n");
    const entries = new Map(listing.map((line) => [line.split(/\s+/).pop()!, line.split(/\s+/)[0]!]));
    expect(entries.get(EXECUTABLE)).toBe("-rwxr-xr-x");
    // Nothing in a folder: Pulumi extracts the archive's root into ~/.pulumi/plugins/resource-barrack-v<version>/.
    for (const name of entries.keys()) expect(name).not.toContain("/");

    const stat = fs.statSync(path.join(extracted, EXECUTABLE));
    expect(stat.isFile()).toBe(true);
    expect(stat.mode & 0o111).toBe(0o111);
    // --dir lays out the same files.
    expect(fs.readdirSync(path.join(tmp, "dir")).sort()).toEqual([...entries.keys()].sort());
  });

  it("installs with `pulumi plugin install resource barrack <version> -f` where the engine looks for it", () => {
    const home = path.join(tmp, "pulumi-home");
    const env = { ...process.env, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true" };
    execFileSync(path.join(pulumiBinDir(), "pulumi"), ["plugin", "install", "resource", "barrack", VERSION, "-f", ARCHIVE], {
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const installed = path.join(home, "plugins", `resource-barrack-v${VERSION}`, EXECUTABLE);
    expect(fs.statSync(installed).mode & 0o111).toBe(0o111);
    const plugins = JSON.parse(execFileSync(path.join(pulumiBinDir(), "pulumi"), ["plugin", "ls", "--json"], { env, encoding: "utf8" })) as {
      name: string;
      kind: string;
      version: string;
    }[];
    expect(plugins).toEqual(expect.arrayContaining([expect.objectContaining({ name: "barrack", kind: "resource", version: VERSION })]));
  });
});

describe("the packaged executable, started as the engine starts it", () => {
  let child: ChildProcess;
  let client: ResourceProviderClient;
  let port: number;

  beforeAll(async () => {
    child = spawn(path.join(extracted, EXECUTABLE), [ENGINE], { stdio: ["ignore", "pipe", "pipe"] });
    port = await new Promise<number>((resolve, reject) => {
      let out = "";
      let err = "";
      const timer = setTimeout(() => reject(new Error(`no port on stdout within 10 s; stderr: ${err}`)), 10_000);
      child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (!out.includes("\n")) return;
        clearTimeout(timer);
        const line = out.split("\n")[0]!;
        if (/^\d+$/.test(line)) resolve(Number(line));
        else reject(new Error(`the first line of stdout is ${JSON.stringify(line)}, not a port; stderr: ${err}`));
      });
      child.on("error", reject);
      child.on("exit", (code, signal) => reject(new Error(`exited (${signal ?? code}) before printing a port; stderr: ${err}`)));
    });
    client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  afterAll(() => {
    client?.close();
    child?.kill("SIGKILL");
  });

  function call<Req, Res>(method: (req: Req, callback: (error: grpc.ServiceError | null, res: Res) => void) => unknown, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => method.call(client, request, (error, res) => (error ? reject(error) : resolve(res))));
  }

  it("prints its port on the first line of stdout", () => {
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
  });

  it("GetPluginInfo: the package's version", async () => {
    const info = await call<Empty, PluginInfo>(client.getPluginInfo, new Empty());
    expect(info.getVersion()).toBe(VERSION);
  });

  it("GetSchema: the barrack package schema", async () => {
    const response = await call<providerProto.GetSchemaRequest, providerProto.GetSchemaResponse>(client.getSchema, new providerProto.GetSchemaRequest());
    const schema = JSON.parse(response.getSchema()) as { name: string; version: string };
    expect(schema.name).toBe("barrack");
    expect(schema.version).toBe(VERSION);
  });

  it("holds the modules it loads lazily: the data functions and the resource implementations", async () => {
    const invoke = new providerProto.InvokeRequest();
    invoke.setTok("barrack:index:noSuchFunction");
    invoke.setArgs(Struct.fromJavaScript({}));
    const invoked = await call<providerProto.InvokeRequest, providerProto.InvokeResponse>(client.invoke, invoke);
    expect(invoked.getFailuresList().map((f) => f.getReason())).toEqual([expect.stringContaining('has no function "barrack:index:noSuchFunction"')]);

    const check = new providerProto.CheckRequest();
    check.setUrn("urn:pulumi:dev::package-test::barrack:index:Volume::data");
    check.setType("barrack:index:Volume");
    check.setOlds(Struct.fromJavaScript({}));
    check.setNews(Struct.fromJavaScript({ sizeGb: 1.5 }));
    const checked = await call<providerProto.CheckRequest, providerProto.CheckResponse>(client.check, check);
    const failures = checked.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`);
    expect(failures).toEqual(expect.arrayContaining([expect.stringMatching(/^sizeGb: /)]));
    expect(failures.join("\n")).not.toMatch(/Cannot find module|@pulumi\/pulumi/);
  });
});
