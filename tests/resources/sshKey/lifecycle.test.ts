/** SshKey create / read / delete against the emulator, including a lost create response. */
import { BarrackNotFoundError } from "../../../provider/client";
import { sshKeyProvider } from "../../../provider/resources/sshKey/provider";
import { engineInputs, mutationCount, useEmulator } from "../support";
import { ed25519PublicKey } from "./keys";

const env = useEmulator();

/** Progress lines the provider printed (the engine shows console output as diagnostics). */
let logged: jest.SpyInstance;
beforeEach(() => {
  logged = jest.spyOn(console, "log").mockImplementation(() => undefined);
});
afterEach(() => logged.mockRestore());
const lines = () => logged.mock.calls.map((call) => String(call[0]));

/** check() then create(), as the engine runs them. */
async function createKey(news: Record<string, unknown>) {
  const checked = await sshKeyProvider.check({}, news);
  expect(checked.failures).toBeUndefined();
  const created = await sshKeyProvider.create(engineInputs(checked.inputs!));
  return { inputs: checked.inputs!, ...created };
}

describe("SshKey create", () => {
  it("imports a public key: no private key, the key as the API reports it", async () => {
    const key = ed25519PublicKey("alice@laptop");
    const { id, outs } = await createKey({ name: "alice", publicKey: `${key}\n` });

    expect(id).toMatch(/^BRK-\d{6}K$/);
    expect(outs).toEqual({
      name: "alice",
      publicKey: key,
      keyId: id,
      fingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/),
      generated: false,
      createdAt: expect.any(String),
    });
    expect(outs).not.toHaveProperty("privateKey");
    expect(env.emulator.inventory().sshKeys.map((k) => k.key_id)).toEqual([id]);
    expect(env.emulator.counters()["POST ssh-keys/"]).toBe(1);
  });

  it("generates a pair: the private key is an output, kept after read (the API never returns it again)", async () => {
    const { id, outs, inputs } = await createKey({ name: "generated" });

    expect(outs.generated).toBe(true);
    expect(outs.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(outs.publicKey).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E/);
    const fromApi = (await env.client.call("getSshKey", { params: { key_id: id } })).ssh_key;
    expect(fromApi).not.toHaveProperty("private_key");

    const read = await sshKeyProvider.read(id, outs);
    expect(read).toEqual({ id, props: outs });

    // The next preview sees no change although publicKey is an output only.
    expect(await sshKeyProvider.diff(id, read.props!, inputs)).toEqual({ changes: false });
    // And a refresh after that still has the private key.
    expect((await sshKeyProvider.read(id, read.props!)).props?.privateKey).toBe(outs.privateKey);
  });

  it("fails on a taken name without adopting the other key", async () => {
    const first = await createKey({ name: "taken", publicKey: ed25519PublicKey() });
    await expect(createKey({ name: "taken", publicKey: ed25519PublicKey() })).rejects.toThrow(/SshKey "taken" already exists as BRK-\d{6}K, and it differs from the inputs: publicKey is/);
    expect(env.emulator.inventory().sshKeys.map((k) => k.key_id)).toEqual([first.id]);
  });
});

describe("SshKey create after a lost response", () => {
  it("adopts the imported key the request created, POSTing once", async () => {
    env.emulator.injectFault({ method: "POST", path: "ssh-keys/", kind: "commitThenFail" });
    const key = ed25519PublicKey();
    const { id, outs } = await createKey({ name: "lost", publicKey: key });

    const keys = env.emulator.inventory().sshKeys;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ key_id: id, name: "lost", public_key: key });
    expect(outs).toMatchObject({ keyId: id, publicKey: key, generated: false });
    expect(env.emulator.counters()["POST ssh-keys/"]).toBe(1);
    expect(lines()).toContainEqual(expect.stringMatching(`adopted ${id}`));
  });

  it("replaces a generated key whose private key was lost with a new pair", async () => {
    env.emulator.injectFault({ method: "POST", path: "ssh-keys/", kind: "commitThenFail" });
    const { id, outs } = await createKey({ name: "lost-gen" });

    const keys = env.emulator.inventory().sshKeys;
    expect(keys).toHaveLength(1);
    expect(keys[0].key_id).toBe(id);
    expect(outs.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const counters = env.emulator.counters();
    expect(counters["POST ssh-keys/"]).toBe(2);
    expect(counters["DELETE ssh-keys/{key_id}/"]).toBe(1);
    expect(lines()).toContainEqual(expect.stringMatching(/deleting BRK-\d{6}K, which an interrupted or lost request generated/));
    expect(lines().join("\n")).not.toMatch(/PRIVATE KEY/);
  });
});

describe("SshKey read", () => {
  it("removes a key deleted out of band from state", async () => {
    const { id, outs } = await createKey({ name: "gone", publicKey: ed25519PublicKey() });
    await env.client.call("deleteSshKey", { params: { key_id: id } });
    expect(await sshKeyProvider.read(id, outs)).toEqual({});
  });

  it("reports the API's values (the key as stored)", async () => {
    const { id, outs } = await createKey({ name: "as-stored", publicKey: ed25519PublicKey() });
    const read = await sshKeyProvider.read(id, { ...outs, fingerprint: "SHA256:stale", name: "old-name" });
    expect(read.props).toEqual(outs);
  });
});

describe("SshKey delete", () => {
  it("deletes the key, and tolerates one already gone", async () => {
    const { id, outs } = await createKey({ name: "bye", publicKey: ed25519PublicKey() });
    await sshKeyProvider.delete(id, outs);
    await expect(env.client.call("getSshKey", { params: { key_id: id } })).rejects.toBeInstanceOf(BarrackNotFoundError);

    const before = mutationCount(env.emulator);
    await expect(sshKeyProvider.delete(id, outs)).resolves.toBeUndefined();
    expect(mutationCount(env.emulator)).toBe(before + 1); // one DELETE answered 404, nothing else
  });

  it("names the instance that still uses the key", async () => {
    const { id, outs } = await createKey({ name: "in-use", publicKey: ed25519PublicKey() });
    const { vm } = await env.client.call("deployInstance", {
      body: { vm_name: "trainer-1", region: "CANADA-1", gpu_model: "RTX-A6000", gpu_count: 1, os_image_id: "ubuntu-22.04-cuda-12.4", ssh_key_ids: [id] },
    });
    await expect(sshKeyProvider.delete(id, outs)).rejects.toThrow(
      new RegExp(`SshKey ${id} cannot be deleted: it is in use by instance trainer-1 \\(${vm.vm_id}\\)`),
    );
    expect(env.emulator.inventory().sshKeys.map((k) => k.key_id)).toEqual([id]);
  });
});
