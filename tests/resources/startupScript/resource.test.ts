/** The StartupScript class under Pulumi mocks: type token, name default, declared outputs. */
import { StartupScript } from "../../../provider/resources/startupScript/resource";
import { recordRegistrations, resolve } from "../sshKey/mocks";

const registered = recordRegistrations((_type, inputs) => ({
  id: "BRK-000001C",
  state: { ...inputs, scriptId: "BRK-000001C", createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" },
}));

describe("StartupScript resource", () => {
  it("registers a dynamic resource with its declared outputs", async () => {
    const script = new StartupScript("boot", { content: "#!/bin/bash\necho hi\n" });
    expect(await resolve(script.name)).toBe("boot");
    expect(await resolve(script.scriptId)).toBe("BRK-000001C");
    expect(await resolve(script.updatedAt)).toBe("2026-01-01T00:00:00Z");
    const reg = registered.get("boot")!;
    expect(reg.type).toBe("pulumi-nodejs:dynamic/barrack:StartupScript");
    expect(reg.inputs).toMatchObject({ name: "boot", content: "#!/bin/bash\necho hi\n" });
    expect(reg.secretOutputs).toEqual([]);
  });
});
