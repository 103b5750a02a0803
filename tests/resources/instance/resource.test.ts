import * as pulumi from "@pulumi/pulumi";
import { Instance } from "../../../provider/resources/instance/resource";

const registered: pulumi.runtime.MockResourceArgs[] = [];
pulumi.runtime.setMocks({
  newResource: (args) => {
    registered.push(args);
    // As the provider would: an omitted name is chosen from the `__autoname` seed.
    return { id: "BRK-000001D", state: { ...args.inputs, name: args.inputs.name ?? "restored-1a2b3c4", instanceId: "BRK-000001D", status: "ACTIVE", gpuModel: "RTX-A6000" } };
  },
  call: () => ({}),
});

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("Instance", () => {
  it("registers as barrack:Instance, autonamed when name is omitted, and exposes the outputs", async () => {
    const restored = new Instance("restored", { region: "CANADA-1", snapshotId: "BRK-000001S" });
    expect(await valueOf(restored.instanceId)).toBe("BRK-000001D");
    expect(await valueOf(restored.gpuModel)).toBe("RTX-A6000"); // an output although it was no input
    expect(await valueOf(restored.name)).toBe("restored-1a2b3c4"); // declared, and chosen by the provider
    const [args] = registered;
    expect(args.type).toBe("pulumi-nodejs:dynamic/barrack:Instance");
    expect(args.inputs).toMatchObject({ region: "CANADA-1", snapshotId: "BRK-000001S", __autoname: `${pulumi.getProject()}/${pulumi.getStack()}/restored` });
    expect(args.inputs).not.toHaveProperty("name");
  });
});
