import * as pulumi from "@pulumi/pulumi";
import { Instance } from "../../../provider/resources/instance/resource";
import { typeCheck } from "../../types/compile";

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

  it("has a connection output that @pulumi/command's remote.Command takes as it is (type level)", () => {
    // remote.ConnectionArgs of @pulumi/command 1.2.1 (types/input.d.ts), which is no dependency here.
    const program = `
      import type * as pulumi from "@pulumi/pulumi";
      import type { Instance } from "../../../provider";
      interface ConnectionArgs {
        agentSocketPath?: pulumi.Input<string>; dialErrorLimit?: pulumi.Input<number>; host: pulumi.Input<string>; hostKey?: pulumi.Input<string>;
        password?: pulumi.Input<string>; perDialTimeout?: pulumi.Input<number>; port?: pulumi.Input<number>; privateKey?: pulumi.Input<string>;
        privateKeyPassword?: pulumi.Input<string>; proxy?: pulumi.Input<object>; user?: pulumi.Input<string>;
      }
      declare const remote: { Command: new (name: string, args: { connection: pulumi.Input<ConnectionArgs>; create?: pulumi.Input<string> }) => object };
      declare const trainer: Instance;
      export const setup = new remote.Command("setup", { connection: trainer.connection, create: "nvidia-smi" });
    `;
    expect(typeCheck([], { "tests/resources/instance/connection.check.ts": program })).toEqual([]);
  });
});
