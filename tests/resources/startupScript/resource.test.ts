/** The StartupScript class under Pulumi mocks: type token, autonaming, declared outputs. */
import { StartupScript } from "../../../provider/resources/startupScript/resource";
import { recordRegistrations, resolve } from "../sshKey/mocks";

const registered = recordRegistrations((_type, inputs) => ({
  id: "BRK-000001C",
  // As the provider would: an omitted name is chosen from the `__autoname` seed.
  state: { ...inputs, name: inputs.name ?? "boot-1a2b3c4", scriptId: "BRK-000001C", createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" },
}));

describe("StartupScript resource", () => {
  it("registers a dynamic resource with its declared outputs", async () => {
    const script = new StartupScript("boot", { content: "#!/bin/bash\necho hi\n" });
    expect(await resolve(script.name)).toBe("boot-1a2b3c4");
    expect(await resolve(script.scriptId)).toBe("BRK-000001C");
    expect(await resolve(script.updatedAt)).toBe("2026-01-01T00:00:00Z");
    const reg = registered.get("boot")!;
    expect(reg.type).toBe("pulumi-nodejs:dynamic/barrack:StartupScript");
    expect(reg.inputs).toMatchObject({ __autoname: "project/stack/boot", content: "#!/bin/bash\necho hi\n" });
    expect(reg.inputs).not.toHaveProperty("name");
    expect(reg.secretOutputs).toEqual([]);
  });
});
