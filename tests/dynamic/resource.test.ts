/**
 * Every resource class under Pulumi mocks, program side: type token, autonaming (`name` omitted →
 * the hidden `__autoname` seed and no `name`; given → verbatim), every input and output declared on the
 * object, and `get(name, id)` registering a read of that id with no inputs but the provider.
 */
import * as pulumi from "@pulumi/pulumi";
import { Firewall, Image, Instance, Snapshot, SshKey, StartupScript, Volume } from "../../provider";
import { FIREWALL_KEYS } from "../../provider/resources/firewall/keys";
import { IMAGE_KEYS } from "../../provider/resources/image/keys";
import { INSTANCE_KEYS } from "../../provider/resources/instance/keys";
import type { ResourceKeys } from "../../provider/dynamic/resource";
import { SNAPSHOT_KEYS } from "../../provider/resources/snapshot/keys";
import { SSH_KEY_KEYS } from "../../provider/resources/sshKey/keys";
import { STARTUP_SCRIPT_KEYS } from "../../provider/resources/startupScript/keys";
import { VOLUME_KEYS } from "../../provider/resources/volume/keys";

const calls: pulumi.runtime.MockResourceArgs[] = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      calls.push(args);
      // A read (get) answers with what the API holds; a create echoes the inputs, naming as the provider would.
      if (args.id) return { id: args.id, state: { name: "from-the-api", createdAt: "2026-01-01T00:00:00Z" } };
      return { id: `${args.name}-id`, state: { ...args.inputs, name: args.inputs.name ?? `${args.name}-1a2b3c4` } };
    },
    call: (args) => args.inputs,
  },
  "project",
  "stack",
  false,
);

const resolve = <T,>(output: pulumi.Output<T>): Promise<T> => new Promise((done) => output.apply(done));
const callFor = (name: string) => {
  const found = calls.filter((c) => c.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

type AnyResource = pulumi.CustomResource & { name: pulumi.Output<string>; createdAt: pulumi.Output<string> };
interface Case {
  type: string;
  keys: ResourceKeys;
  make(name: string, extra?: { name?: string }): AnyResource;
  get(name: string, id: string): AnyResource;
}
const CASES: Case[] = [
  { type: "Volume", keys: VOLUME_KEYS, make: (n, e) => new Volume(n, { region: "FINLAND-1", type: "NVMe", sizeGb: 100, ...e }), get: (n, id) => Volume.get(n, id) },
  {
    type: "Instance",
    keys: INSTANCE_KEYS,
    make: (n, e) => new Instance(n, { region: "FINLAND-1", gpuModel: "H100-SXM5-80GB", gpuCount: 1, osImageId: "ubuntu-22.04-cuda-12.4", sshKeyIds: ["BRK-000001K"], ...e }),
    get: (n, id) => Instance.get(n, id),
  },
  { type: "Firewall", keys: FIREWALL_KEYS, make: (n, e) => new Firewall(n, { region: "FINLAND-1", ...e }), get: (n, id) => Firewall.get(n, id) },
  { type: "Snapshot", keys: SNAPSHOT_KEYS, make: (n, e) => new Snapshot(n, { instanceId: "BRK-000001D", ...e }), get: (n, id) => Snapshot.get(n, id) },
  { type: "Image", keys: IMAGE_KEYS, make: (n, e) => new Image(n, { snapshotId: "BRK-000001S", ...e }), get: (n, id) => Image.get(n, id) },
  { type: "SshKey", keys: SSH_KEY_KEYS, make: (n, e) => new SshKey(n, { ...e }), get: (n, id) => SshKey.get(n, id) },
  { type: "StartupScript", keys: STARTUP_SCRIPT_KEYS, make: (n, e) => new StartupScript(n, { content: "echo hi", ...e }), get: (n, id) => StartupScript.get(n, id) },
];

describe.each(CASES)("$type (program side)", ({ type, keys, make, get }) => {
  const lower = type.toLowerCase();

  it("omitted name: sends the __autoname seed and no name; the provider's name is the output", async () => {
    const resource = make(`${lower}-auto`);
    expect(await resolve(resource.name)).toBe(`${lower}-auto-1a2b3c4`);
    const call = callFor(`${lower}-auto`);
    expect(call.type).toBe(`pulumi-nodejs:dynamic/barrack:${type}`);
    expect(call.inputs.__autoname).toBe(`project/stack/${lower}-auto`);
    expect(call.inputs).not.toHaveProperty("name");
    expect(call.inputs.__provider).toEqual(expect.stringContaining('require("pulumi-barrack/provider-impl")'));
  });

  it("explicit name: used verbatim, no seed", async () => {
    const resource = make(`${lower}-named`, { name: `my-${lower}` });
    expect(await resolve(resource.name)).toBe(`my-${lower}`);
    const call = callFor(`${lower}-named`);
    expect(call.inputs.name).toBe(`my-${lower}`);
    expect(call.inputs).not.toHaveProperty("__autoname");
  });

  it("declares every input and output on the resource object", () => {
    const resource = make(`${lower}-keys`) as unknown as Record<string, unknown>;
    const missing = [...keys.inputs, ...keys.outputs].filter((k) => !pulumi.Output.isInstance(resource[k]));
    expect(missing).toEqual([]);
  });

  it("get(name, id): a read of that id, with no inputs but the provider; outputs from the API", async () => {
    const resource = get(`${lower}-existing`, "BRK-000042X");
    expect(await resolve(resource.id)).toBe("BRK-000042X");
    expect(await resolve(resource.name)).toBe("from-the-api");
    expect(await resolve(resource.createdAt)).toBe("2026-01-01T00:00:00Z");
    const call = callFor(`${lower}-existing`);
    expect(call).toMatchObject({ type: `pulumi-nodejs:dynamic/barrack:${type}`, id: "BRK-000042X", custom: true });
    expect(Object.keys(call.inputs)).toEqual(["__provider"]);
  });
});

describe("registration without debug stack captures", () => {
  it("restores Error.stackTraceLimit after registering", () => {
    const before = Error.stackTraceLimit;
    for (const { make, type } of CASES) make(`${type.toLowerCase()}-limit`);
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error("after").stack).toMatch(/\n\s+at /);
  });

  it("an error thrown while registering keeps its message, gets a stack again, and the limit is restored", () => {
    const before = Error.stackTraceLimit;
    // A parent that is not a resource: @pulumi/pulumi throws from inside the constructor.
    const error = (() => {
      try {
        new Volume("vol-bad-parent", { region: "FINLAND-1", type: "NVMe", sizeGb: 100 }, { parent: {} as pulumi.Resource });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(Error.stackTraceLimit).toBe(before);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).stack).toMatch(/\n\s+at /);
  });
});
