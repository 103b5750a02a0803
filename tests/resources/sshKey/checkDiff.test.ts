/** SshKey check (preview validation, no API call) and diff (what replaces; nothing updates in place). */
import { SshKeyApi, sshKeyOutputs } from "../../../provider/resources/sshKey/args";
import { sshKeyProvider } from "../../../provider/resources/sshKey/provider";
import { UNKNOWN, named } from "../support";
import { ed25519PublicKey, material } from "./keys";

const KEY = ed25519PublicKey("alice@laptop");

describe("SshKey check", () => {
  it("accepts an imported key, trimming a file's final newline", async () => {
    const result = await sshKeyProvider.check({}, { name: "alice", publicKey: `${KEY}\n` });
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toEqual({ name: "alice", publicKey: KEY });
  });

  it("accepts no publicKey (a generated pair)", async () => {
    const result = await sshKeyProvider.check({}, { name: "gen.key-1_a" });
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toEqual({ name: "gen.key-1_a" });
  });

  it("accepts every documented key type", async () => {
    const blob = (...fields: string[]) =>
      Buffer.concat(fields.map((f) => { const b = Buffer.from(f); const n = Buffer.alloc(4); n.writeUInt32BE(b.length); return Buffer.concat([n, b]); })).toString("base64");
    const keys = [
      `ssh-rsa ${blob("ssh-rsa", "\x01\x00\x01", "modulus")} rsa`,
      `ssh-dss ${blob("ssh-dss", "p", "q", "g", "y")}`,
      `ecdsa-sha2-nistp256 ${blob("ecdsa-sha2-nistp256", "nistp256", "point")}`,
      `ecdsa-sha2-nistp384 ${blob("ecdsa-sha2-nistp384", "nistp384", "point")}`,
      `ecdsa-sha2-nistp521 ${blob("ecdsa-sha2-nistp521", "nistp521", "point")} with a spaced comment`,
      KEY,
    ];
    for (const publicKey of keys) {
      expect(await sshKeyProvider.check({}, { name: "k", publicKey })).toEqual({ inputs: { name: "k", publicKey } });
    }
  });

  const body = KEY.split(" ")[1];
  const badKeys: [string, unknown, RegExp][] = [
    ["empty", "", /not empty.*omit publicKey/],
    ["blank", "   \n", /not empty/],
    ["unknown type", `ssh-foo ${body}`, /must start with one of the key types ssh-rsa, ssh-ed25519.*\("ssh-foo" is not one of them\)/],
    ["no type", body, /must start with one of the key types/],
    ["two keys on two lines", `${KEY}\n${KEY}`, /single line \(2 lines given\)/],
    ["missing key data", "ssh-ed25519", /OpenSSH public key on one line/],
    ["non-base64 data", "ssh-ed25519 not*base64", /OpenSSH public key on one line/],
    ["type not matching the data", `ssh-rsa ${body}`, /not a valid ssh-rsa key/],
    ["truncated data", `ssh-ed25519 ${body.slice(0, 40)}`, /not a valid ssh-ed25519 key.*truncated/],
    ["not a string", 42, /must be a string/],
  ];
  it.each(badKeys)("refuses a public key that is %s, naming publicKey", async (_label, publicKey, reason) => {
    const { failures, inputs } = await sshKeyProvider.check({}, { name: "k", publicKey });
    expect(inputs).toBeUndefined();
    expect(named(failures)).toEqual([{ property: "publicKey", reason: expect.stringMatching(reason) }]);
  });

  it("refuses a private key without echoing it", async () => {
    const secret = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW";
    const pem = `-----BEGIN OPENSSH PRIVATE KEY-----\n${secret}\n-----END OPENSSH PRIVATE KEY-----\n`;
    const { failures } = await sshKeyProvider.check({}, { name: "k", publicKey: pem });
    expect(failures).toEqual([{ property: "", reason: expect.stringMatching(/^property publicKey: .*looks like a private key; give the PUBLIC key/) }]);
    expect(JSON.stringify(failures)).not.toContain(secret);
  });

  const badNames: [string, unknown][] = [
    ["empty", ""],
    ["with a space", "my key"],
    ["51 characters", "k".repeat(51)],
    ["with a slash", "team/alice"],
    ["non-ASCII", "clé"],
    ["a number", 7],
  ];
  it.each(badNames)("refuses a name that is %s, naming name and what is allowed", async (_label, name) => {
    const { failures } = await sshKeyProvider.check({}, { name, publicKey: KEY });
    expect(failures).toHaveLength(1);
    expect(failures![0].property).toBe("name");
    if (typeof name === "string") expect(failures![0].reason).toMatch(/1–50 letters, digits, '_', '-' or '\.' \(no spaces\)/);
  });

  it("refuses bad timeouts and unknown inputs, naming them", async () => {
    const bad = await sshKeyProvider.check({}, { name: "k", timeouts: { create: "soon" } });
    expect(bad.failures).toEqual([{ property: "timeouts.create", reason: expect.stringMatching(/duration such as "90s"/) }]);
    const typo = await sshKeyProvider.check({}, { name: "k", public_key: KEY });
    expect(typo.failures).toEqual([{ property: expect.any(String), reason: expect.stringContaining("public_key") }]);
  });

  it("reports every failure at once", async () => {
    const { failures } = await sshKeyProvider.check({}, { name: "bad name", publicKey: "nope" });
    expect(failures?.map((f) => f.property).sort()).toEqual(["name", "publicKey"]);
  });

  it("lets unknown values through at preview", async () => {
    const result = await sshKeyProvider.check({}, { name: "k", publicKey: UNKNOWN });
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toMatchObject({ name: "k", publicKey: UNKNOWN });
  });
});

describe("SshKey diff", () => {
  const wire = (over: Partial<SshKeyApi> = {}): SshKeyApi => ({
    key_id: "BRK-000001K",
    name: "alice",
    public_key: KEY,
    fingerprint: "SHA256:abc",
    created_at: "2026-01-01T00:00:00Z",
    ...over,
  });
  /** Stored outputs, as create produced them. */
  const imported = { ...sshKeyOutputs({ name: "alice", publicKey: KEY }, wire()) } as Record<string, unknown>;
  const GENERATED = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAAQC7 alice";
  const generated = { ...sshKeyOutputs({ name: "alice" }, wire({ public_key: GENERATED, private_key: "-----BEGIN RSA PRIVATE KEY-----" })) } as Record<string, unknown>;
  const diff = (olds: Record<string, unknown>, news: Record<string, unknown>) => sshKeyProvider.diff("BRK-000001K", olds, news);

  it("sees no change when the inputs are the same", async () => {
    expect(await diff(imported, { name: "alice", publicKey: KEY })).toEqual({ changes: false });
  });

  it("replaces on a new name (no delete first: the new name is free)", async () => {
    expect(await diff(imported, { name: "bob", publicKey: KEY })).toEqual({ changes: true, replaces: ["name"] });
  });

  it("replaces on a different public key, deleting first (the name stays, and is unique)", async () => {
    expect(await diff(imported, { name: "alice", publicKey: ed25519PublicKey() })).toEqual({
      changes: true,
      replaces: ["publicKey"],
      deleteBeforeReplace: true,
    });
  });

  it("ignores a change of the comment alone (the same key)", async () => {
    expect(await diff(imported, { name: "alice", publicKey: `${material(KEY)} alice@desktop` })).toEqual({ changes: false });
    expect(await diff(imported, { name: "alice", publicKey: material(KEY) })).toEqual({ changes: false });
  });

  it("keeps a generated key while publicKey stays unset", async () => {
    expect(generated.publicKey).toBe(GENERATED);
    expect(await diff(generated, { name: "alice" })).toEqual({ changes: false });
  });

  it("replaces a generated key when a public key is given, unless it is the generated one", async () => {
    expect(await diff(generated, { name: "alice", publicKey: KEY })).toMatchObject({ changes: true, replaces: ["publicKey"] });
    expect(await diff(generated, { name: "alice", publicKey: GENERATED })).toEqual({ changes: false });
  });

  it("replaces an imported key when publicKey is removed (a generated pair instead)", async () => {
    expect(await diff(imported, { name: "alice" })).toMatchObject({ changes: true, replaces: ["publicKey"] });
  });

  it("ignores timeouts", async () => {
    expect(await diff(imported, { name: "alice", publicKey: KEY, timeouts: { create: "1m" } })).toEqual({ changes: false });
  });

  it("plans a replacement for a public key unknown at preview", async () => {
    expect(await diff(imported, { name: "alice", publicKey: UNKNOWN })).toMatchObject({ changes: true, replaces: ["publicKey"] });
  });
});
