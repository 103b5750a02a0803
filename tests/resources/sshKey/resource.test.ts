/**
 * The SshKey class under Pulumi mocks: type token, declared outputs, a serializable provider, and
 * `privateKey` always among the additional secret outputs.
 */
import { SshKey } from "../../../provider/resources/sshKey/resource";
import { recordRegistrations, resolve } from "./mocks";

const registered = recordRegistrations((_type, inputs) => ({
  id: "BRK-000001K",
  // As the provider would: an omitted name is chosen from the `__autoname` seed.
  state: { ...inputs, name: inputs.name ?? "deployer-1a2b3c4", keyId: "BRK-000001K", publicKey: "ssh-rsa AAAA", privateKey: "PEM", generated: true, fingerprint: "SHA256:x", createdAt: "2026-01-01T00:00:00Z" },
}));

describe("SshKey resource", () => {
  it("registers a dynamic resource whose privateKey output is secret", async () => {
    const key = new SshKey("deployer");
    expect(await resolve(key.name)).toBe("deployer-1a2b3c4"); // omitted: autonamed by the provider
    expect(await resolve(key.keyId)).toBe("BRK-000001K");
    expect(await resolve(key.privateKey)).toBe("PEM");

    const reg = registered.get("deployer")!;
    expect(reg.type).toBe("pulumi-nodejs:dynamic/barrack:SshKey");
    expect(reg.secretOutputs).toEqual(["privateKey"]);
    expect(Object.keys(reg.inputs)).toEqual(expect.arrayContaining(["__autoname", "__provider"]));
    expect(reg.inputs).toMatchObject({ __autoname: "project/stack/deployer" });
    expect(reg.inputs).not.toHaveProperty("name");
    // The serialized provider requires its implementation by package name and captures no credential.
    expect(reg.inputs.__provider).toEqual(expect.stringContaining('require("pulumi-barrack/provider-impl")'));
  });

  it("merges privateKey into the user's additionalSecretOutputs", async () => {
    const key = new SshKey("merged", { name: "ops", publicKey: "ssh-ed25519 AAAA" }, { additionalSecretOutputs: ["fingerprint", "privateKey"] });
    await resolve(key.keyId);
    expect(registered.get("merged")!.secretOutputs).toEqual(["fingerprint", "privateKey"]);
    expect(registered.get("merged")!.inputs).toMatchObject({ name: "ops", publicKey: "ssh-ed25519 AAAA" });
    expect(registered.get("merged")!.inputs).not.toHaveProperty("__autoname"); // an explicit name is used verbatim
  });
});
