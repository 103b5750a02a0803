/**
 * The plugin's gRPC front end (provider/plugin/server.ts) over the wire, as the engine calls it: a real
 * gRPC server in this process, a real client, the emulator behind the shared implementation. What the
 * plugin adds to the dynamic front end is what these tests pin: settings per provider, autonaming
 * proposals, customTimeouts, import reads, the detailed diff and the data functions.
 */
import * as grpc from "@grpc/grpc-js";
import * as emptyProto from "google-protobuf/google/protobuf/empty_pb";
import * as structProto from "google-protobuf/google/protobuf/struct_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { BarrackProviderService, serviceImplementation } from "../../provider/plugin/server";
import { UNKNOWN } from "../../provider/engine/values";

const VOLUME = "barrack:index:Volume";
const URN = (name: string, type = VOLUME) => `urn:pulumi:dev::fleet::${type}::${name}`;

let emulator: RunningEmulator;
let server: grpc.Server;
let client: providerRpc.ResourceProviderClient;

function struct(value: Record<string, unknown>): structProto.Struct {
  return structProto.Struct.fromJavaScript(value as Record<string, structProto.JavaScriptValue>);
}

/** A unary call as a promise (the generated client is callback-style). */
function rpc<Req, Res>(method: string, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    (client as unknown as Record<string, (r: Req, cb: (e: grpc.ServiceError | null, v: Res) => void) => void>)[method]!.call(client, request, (error, value) =>
      error ? reject(error) : resolve(value),
    );
  });
}

async function configure(settings: Record<string, unknown>): Promise<providerProto.ConfigureResponse> {
  const request = new providerProto.ConfigureRequest();
  request.setArgs(struct(settings));
  return rpc("configure", request);
}

async function check(name: string, news: Record<string, unknown>, olds: Record<string, unknown> = {}, autonaming?: { mode: number; proposedName?: string }) {
  const request = new providerProto.CheckRequest();
  request.setUrn(URN(name));
  request.setType(VOLUME);
  request.setName(name);
  request.setOlds(struct(olds));
  request.setNews(struct(news));
  if (autonaming) {
    const options = new providerProto.CheckRequest.AutonamingOptions();
    options.setMode(autonaming.mode);
    if (autonaming.proposedName) options.setProposedName(autonaming.proposedName);
    request.setAutonaming(options);
  }
  const response = await rpc<providerProto.CheckRequest, providerProto.CheckResponse>("check", request);
  return {
    inputs: response.getInputs()?.toJavaScript() ?? {},
    failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
  };
}

async function create(name: string, inputs: Record<string, unknown>, timeoutSeconds = 0) {
  const request = new providerProto.CreateRequest();
  request.setUrn(URN(name));
  request.setType(VOLUME);
  request.setProperties(struct(inputs));
  request.setTimeout(timeoutSeconds);
  const response = await rpc<providerProto.CreateRequest, providerProto.CreateResponse>("create", request);
  return { id: response.getId(), outs: response.getProperties()?.toJavaScript() ?? {} };
}

const Mode = providerProto.CheckRequest.AutonamingOptions.Mode;
const volumeArgs = { region: "FINLAND-1", type: "NVMe", sizeGb: 100 };

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, timeScale: 0.001 });
  process.env.BARRACK_POLL_MAX_MS = "20";
  const service = new BarrackProviderService({
    version: "9.9.9",
    schema: () => JSON.stringify({ name: "barrack", version: "9.9.9" }),
    invoke: async (token, args, settings) => {
      const { LOOKUPS } = await import("../../provider/data/lookups");
      const { sharedClient } = await import("../../provider/config");
      if (token !== "barrack:index:getRegions") throw new Error(`no function ${token}`);
      return { ...(await LOOKUPS.getRegions(args as { tier?: "legacy" | "advanced" }, sharedClient(settings))) };
    },
  });
  server = new grpc.Server();
  server.addService(providerRpc.ResourceProviderService, serviceImplementation(service));
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

beforeEach(async () => {
  emulator.reset();
  await configure({ apiKey: emulator.apiKey, endpoint: emulator.url });
});

afterAll(async () => {
  client?.close();
  server?.forceShutdown();
  await emulator?.stop();
});

describe("configure and the provider's own settings", () => {
  it("answers with secrets stripped by the engine and autonaming configuration supported", async () => {
    const response = await configure({ apiKey: emulator.apiKey, endpoint: emulator.url });
    expect(response.getAcceptsecrets()).toBe(false);
    expect(response.getSupportsAutonamingConfiguration()).toBe(true);
  });

  it("CheckConfig names each bad setting and never echoes the key", async () => {
    const request = new providerProto.CheckRequest();
    request.setUrn("urn:pulumi:dev::fleet::pulumi:providers:barrack::other");
    request.setOlds(struct({}));
    request.setNews(struct({ apiKey: "brk-secret-key-123456", endpoint: "http://api.example.com/", authScheme: "basic", maxHourlySpend: "lots" }));
    const response = await rpc<providerProto.CheckRequest, providerProto.CheckResponse>("checkConfig", request);
    const failures = response.getFailuresList().map((f) => [f.getProperty(), f.getReason()]);
    expect(failures.map(([p]) => p).sort()).toEqual(["authScheme", "endpoint", "maxHourlySpend"]);
    expect(JSON.stringify(failures)).toMatch(/plain HTTP/);
    expect(JSON.stringify(failures)).not.toContain("brk-secret-key-123456");
  });

  it("DiffConfig never replaces: a new key or endpoint applies in place", async () => {
    const request = new providerProto.DiffRequest();
    request.setUrn("urn:pulumi:dev::fleet::pulumi:providers:barrack::default");
    request.setOlds(struct({ apiKey: "a", endpoint: "https://one.example/api/" }));
    request.setOldInputs(struct({ apiKey: "a", endpoint: "https://one.example/api/" }));
    request.setNews(struct({ apiKey: "b", endpoint: "https://one.example/api/" }));
    const response = await rpc<providerProto.DiffRequest, providerProto.DiffResponse>("diffConfig", request);
    expect(response.getChanges()).toBe(providerProto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(response.getReplacesList()).toEqual([]);
    expect(response.getDiffsList()).toEqual(["apiKey"]);
  });

  it("each process uses the key it was configured with: a wrong one fails the create, naming no key", async () => {
    await configure({ apiKey: "brk-wrong-key-0000", endpoint: emulator.url });
    const checked = await check("data", volumeArgs);
    await expect(create("data", checked.inputs)).rejects.toThrow(/401|unauthori[sz]ed|API key/i);
    expect(emulator.inventory().volumes).toHaveLength(0);
  });
});

describe("check: the engine's autonaming proposal", () => {
  it("without a pulumi:autonaming setting, the name is ours: the resource name and a stable suffix", async () => {
    const first = await check("data", volumeArgs);
    const again = await check("data", volumeArgs);
    expect(first.inputs.name).toMatch(/^data-[0-9a-f]{7}$/);
    expect(again.inputs.name).toBe(first.inputs.name);
  });

  it("a proposed name is used for a new object, and kept while nothing replaces it", async () => {
    const fresh = await check("data", volumeArgs, {}, { mode: Mode.PROPOSE, proposedName: "dev-data" });
    expect(fresh.inputs.name).toBe("dev-data");
    // The engine proposes a new random name on every run; an existing object keeps the one it has.
    const kept = await check("data", { ...volumeArgs, sizeGb: 200 }, fresh.inputs, { mode: Mode.PROPOSE, proposedName: "dev-data-x1" });
    expect(kept.inputs.name).toBe("dev-data");
    const replaced = await check("data", { ...volumeArgs, type: "HDD", sizeGb: 200 }, fresh.inputs, { mode: Mode.PROPOSE, proposedName: "dev-data-x2" });
    expect(replaced.inputs.name).toBe("dev-data-x2");
  });

  it("verbatim (enforce) uses the proposed name as it is; an explicit name still wins", async () => {
    expect((await check("data", volumeArgs, {}, { mode: Mode.ENFORCE, proposedName: "data" })).inputs.name).toBe("data");
    expect((await check("data", { ...volumeArgs, name: "mine" }, {}, { mode: Mode.ENFORCE, proposedName: "data" })).inputs.name).toBe("mine");
  });

  it("disabled autonaming refuses a resource without a name, naming the property", async () => {
    const result = await check("data", volumeArgs, {}, { mode: Mode.DISABLE });
    expect(result.failures).toEqual([{ property: "name", reason: expect.stringMatching(/must be set.*autonaming/) }]);
  });

  it("bad input fails at check, naming the property, with no API mutation", async () => {
    emulator.resetCounters();
    const result = await check("data", { ...volumeArgs, sizeGb: 5 });
    expect(result.failures).toEqual([{ property: "sizeGb", reason: expect.stringMatching(/NVMe volumes are .* GB, not 5/) }]);
    expect(Object.keys(emulator.counters()).filter((r) => !r.startsWith("GET "))).toEqual([]);
  });

  it("preview unknowns pass check and keep their sentinel", async () => {
    const result = await check("data", { ...volumeArgs, sizeGb: UNKNOWN });
    expect(result.failures).toEqual([]);
    expect(result.inputs.sizeGb).toBe(UNKNOWN);
  });
});

describe("diff, create, read, delete", () => {
  it("diff reports each changed input in the detailed diff, replace-only ones as replacements", async () => {
    const checked = await check("data", volumeArgs);
    const made = await create("data", checked.inputs);
    const news = (await check("data", { ...volumeArgs, sizeGb: 200, type: "HDD" }, checked.inputs)).inputs;
    const request = new providerProto.DiffRequest();
    request.setId(made.id);
    request.setUrn(URN("data"));
    request.setType(VOLUME);
    request.setOlds(struct(made.outs));
    request.setOldInputs(struct(checked.inputs));
    request.setNews(struct(news));
    const response = await rpc<providerProto.DiffRequest, providerProto.DiffResponse>("diff", request);
    const Kind = providerProto.PropertyDiff.Kind;
    expect(response.getChanges()).toBe(providerProto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(response.getHasdetaileddiff()).toBe(true);
    expect(response.getReplacesList().sort()).toEqual(["name", "type"]);
    const map = response.getDetaileddiffMap();
    const detailed = Object.fromEntries(["sizeGb", "type", "name", "region"].filter((k) => map.has(k)).map((k) => [k, map.get(k)!.getKind()]));
    expect(detailed).toEqual({ sizeGb: Kind.UPDATE, type: Kind.UPDATE_REPLACE, name: Kind.UPDATE_REPLACE });
  });

  it("a create past the engine's customTimeouts deadline is a partial create carrying the object's id", async () => {
    emulator.setTimeScale(1); // a volume takes 30 s to become available
    const checked = await check("slow", volumeArgs);
    const error = await create("slow", checked.inputs, 0.2).then(() => undefined, (e: grpc.ServiceError) => e);
    emulator.setTimeScale(0.001);
    expect(error?.message).toMatch(/was created but did not finish/);
    const detail = error?.metadata.get("grpc-status-details-bin")[0];
    expect(detail).toBeDefined();
    expect(emulator.inventory().volumes).toHaveLength(1);
    expect(String(detail)).toContain(emulator.inventory().volumes[0]!.volume_id);
  });

  it("read with no state (an import) rebuilds the inputs from the object, without importId or deadlines", async () => {
    const checked = await check("data", { ...volumeArgs, name: "outside" });
    const made = await create("data", checked.inputs);
    const request = new providerProto.ReadRequest();
    request.setId(made.id);
    request.setUrn(URN("imported"));
    request.setType(VOLUME);
    const response = await rpc<providerProto.ReadRequest, providerProto.ReadResponse>("read", request);
    expect(response.getId()).toBe(made.id);
    const inputs = response.getInputs()?.toJavaScript();
    expect(inputs).toEqual({ name: "outside", region: "FINLAND-1", type: "NVMe", sizeGb: 100, bootable: false });
    // Those inputs check clean and diff as no change: the program `pulumi import` writes previews clean.
    const rechecked = await check("imported", inputs as Record<string, unknown>, inputs as Record<string, unknown>);
    expect(rechecked.failures).toEqual([]);
  });

  it("read of a vanished object answers no id (the engine drops it); delete tolerates it", async () => {
    const request = new providerProto.ReadRequest();
    request.setId("BRK-999999V");
    request.setUrn(URN("gone"));
    request.setType(VOLUME);
    request.setProperties(struct({ ...volumeArgs, name: "gone" }));
    expect((await rpc<providerProto.ReadRequest, providerProto.ReadResponse>("read", request)).getId()).toBe("");
    const del = new providerProto.DeleteRequest();
    del.setId("BRK-999999V");
    del.setUrn(URN("gone"));
    del.setType(VOLUME);
    del.setProperties(struct({ ...volumeArgs, name: "gone" }));
    await expect(rpc("delete", del)).resolves.toBeInstanceOf(emptyProto.Empty);
  });
});

describe("invoke, schema, plugin info, unknown methods", () => {
  it("invoke runs a data function with this provider's settings; a bad argument is a failure, not a crash", async () => {
    const request = new providerProto.InvokeRequest();
    request.setTok("barrack:index:getRegions");
    request.setArgs(struct({ tier: "legacy" }));
    const ok = await rpc<providerProto.InvokeRequest, providerProto.InvokeResponse>("invoke", request);
    expect((ok.getReturn()?.toJavaScript().regions as { name: string }[]).map((r) => r.name)).toEqual(["CANADA-1"]);
    request.setArgs(struct({ tier: "premium" }));
    const bad = await rpc<providerProto.InvokeRequest, providerProto.InvokeResponse>("invoke", request);
    expect(bad.getFailuresList().map((f) => f.getReason())).toEqual([expect.stringMatching(/^getRegions: tier must be one of legacy, advanced/)]);
  });

  it("GetSchema and GetPluginInfo answer the plugin's schema and version", async () => {
    const schema = await rpc<providerProto.GetSchemaRequest, providerProto.GetSchemaResponse>("getSchema", new providerProto.GetSchemaRequest());
    expect(JSON.parse(schema.getSchema()).name).toBe("barrack");
    const info = await rpc<emptyProto.Empty, { getVersion(): string }>("getPluginInfo", new emptyProto.Empty());
    expect(info.getVersion()).toBe("9.9.9");
  });

  it("a method the plugin does not serve answers UNIMPLEMENTED", async () => {
    await expect(rpc("construct", new providerProto.ConstructRequest())).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
  });
});
