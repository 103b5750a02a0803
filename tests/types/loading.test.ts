/**
 * Load only what is used, measured in fresh node processes on the BUILT package (run `npm run build`):
 *  - `require("pulumi-barrack")` (dist/provider/index.js), and declaring every resource under Pulumi
 *    mocks, loads no HTTP client (axios, axios-retry, its limiter), no zod and no contract;
 *  - the first data-function call loads them (and works);
 *  - the provider side (`pulumi-barrack/provider-impl`) loads only the implementation of the type asked for.
 */
import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import { RunningEmulator, startEmulator } from "../../emulator";

jest.setTimeout(120_000);

const REPO = path.resolve(__dirname, "../..");
const DIST = path.join(REPO, "dist/provider");

/** What must not load until a data function is called. */
const HEAVY = ["axios", "axios-retry", "zod", "contract.js", "client/"] as const;

/**
 * Runs `body` (JavaScript) in a fresh node process after installing a Module._load hook; `body` calls
 * `snapshot(label)` to record what has loaded so far. Returns label → the HEAVY entries loaded by then.
 */
async function loadedIn(body: string, env: Record<string, string> = {}): Promise<Record<string, string[]>> {
  const script = `
    const Module = require("module");
    const requests = new Set();
    const load = Module._load;
    Module._load = function (request, ...rest) { requests.add(request); return load.call(this, request, ...rest); };
    const heavy = ${JSON.stringify(HEAVY)};
    const dist = ${JSON.stringify(DIST + path.sep)};
    function heavyLoaded() {
      const files = Object.keys(require.cache);
      return heavy.filter((what) => what.endsWith("/") || what.endsWith(".js")
        ? files.some((f) => f.startsWith(dist) && f.slice(dist.length).replace(/\\\\/g, "/").startsWith(what) || f === dist + what)
        : requests.has(what) || files.some((f) => f.replace(/\\\\/g, "/").includes("/node_modules/" + what + "/")));
    }
    const seen = {};
    const snapshot = (label) => { seen[label] = heavyLoaded(); };
    (async () => { ${body} })().then(
      () => { process.stdout.write(JSON.stringify(seen)); process.exit(0); },
      (error) => { console.error(error); process.exit(1); },
    );
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], {
    cwd: REPO,
    env: { ...process.env, BARRACK_API_KEY: "", BARRACK_API_URL: "", ...env },
    maxBuffer: 10 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, string[]>;
}

describe("require(\"pulumi-barrack\") loads only what is used (built package)", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, timeScale: 0.001 });
  });
  afterAll(() => emulator.stop());

  it("loading the package and declaring every resource load no HTTP client, zod or contract; a data call loads them then", async () => {
    const seen = await loadedIn(`
      const pulumi = require("@pulumi/pulumi");
      const barrack = require(${JSON.stringify(path.join(DIST, "index.js"))});
      snapshot("require");

      pulumi.runtime.setMocks({ newResource: (args) => ({ id: args.name + "-id", state: args.inputs }), call: (args) => args.inputs }, "project", "stack", false);
      const key = new barrack.SshKey("key", {});
      const data = new barrack.Volume("data", { region: "FINLAND-1", type: "NVMe", sizeGb: 100 });
      const script = new barrack.StartupScript("setup", { content: "echo hi" });
      const vm = new barrack.Instance("vm", { region: "FINLAND-1", gpuModel: "H100-SXM5-80GB", gpuCount: 1, osImageId: "ubuntu-22.04-cuda-12.4", sshKeyIds: [key.id], volumeIds: [data.id], startupScriptId: script.id });
      const fw = new barrack.Firewall("fw", { region: "FINLAND-1", rules: [{ direction: "ingress", protocol: "tcp", portRangeMin: 22, portRangeMax: 22 }], instanceIds: [vm.id] });
      const snap = new barrack.Snapshot("snap", { instanceId: vm.id });
      const image = new barrack.Image("image", { snapshotId: snap.id });
      const existing = barrack.Volume.get("existing", "BRK-000001V");
      await new Promise((resolve) => pulumi.all([key.id, data.id, script.id, vm.id, fw.id, snap.id, image.id, existing.id]).apply(resolve));
      snapshot("declare");

      const { regions } = await barrack.getRegions();
      if (regions.length === 0) throw new Error("getRegions returned no regions");
      snapshot("data call");
    `, { BARRACK_API_URL: emulator.url, BARRACK_API_KEY: emulator.apiKey });

    expect(seen.require).toEqual([]);
    expect(seen.declare).toEqual([]);
    expect(seen["data call"]).toEqual([...HEAVY]);
  });

  it("the provider side loads only the requested resource type's implementation", async () => {
    const seen = await loadedIn(`
      const impl = require(${JSON.stringify(path.join(DIST, "resources/impl.js"))});
      const kinds = ["volume", "instance", "firewall", "snapshot", "image", "sshKey", "startupScript"];
      const providers = () => kinds.filter((k) => require.cache[${JSON.stringify(DIST)} + "/resources/" + k + "/provider.js"]);
      seen.before = providers();
      impl.provider("Volume");
      seen.volume = providers();
      impl.provider("Volume");
      impl.provider("SshKey");
      seen.sshKey = providers();
    `);
    expect(seen).toEqual({ before: [], volume: ["volume"], sshKey: ["volume", "sshKey"] });
  });

  it("an unknown type still fails saying why", async () => {
    await expect(loadedIn(`require(${JSON.stringify(path.join(DIST, "resources/impl.js"))}).provider("Gpu");`)).rejects.toThrow(
      /no provider for resource type "Gpu"/,
    );
  });
});
