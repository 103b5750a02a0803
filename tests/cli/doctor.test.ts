/**
 * `barrack doctor` against the emulator and against each emulator VARIANT (emulator/variants.ts and the
 * auth-scheme option): a renamed response field, the other auth header, no trailing slashes; plus an
 * unreachable endpoint and a wrong key. The check must only read (GET requests only, per the counters).
 */
import * as os from "os";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { runCli } from "../../provider/cli";
import { readOnlyOperations, runDoctorCheck, shareableReport, type DoctorReport } from "../../provider/cli/doctor";
import { operations } from "../../provider/contract";
import { seedAccount, seedClient } from "./seed";

jest.setTimeout(120_000);

const KEY = "doctor-test-key-0123456789";

async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, timeScale: 0.001, apiKey: KEY, ...options });
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["doctor", ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join(""), err: err.join("") };
}

const settings = (emu: RunningEmulator, authScheme: "bearer" | "x-api-key" = "bearer") => ({ apiKey: KEY, baseUrl: emu.url, authScheme });
const rowOf = (r: DoctorReport, op: string) => r.rows.find((x) => x.operation === op)!;
const statuses = (r: DoctorReport) => Object.fromEntries(r.rows.map((x) => [x.operation, x.status]));

describe("barrack doctor", () => {
  it("checks every read-only operation of the contract, and only those", () => {
    const names = readOnlyOperations();
    expect(names.length).toBeGreaterThan(30);
    for (const [name, op] of Object.entries(operations)) {
      expect(names.includes(name as never)).toBe(op.method === "GET" && op.idempotent);
    }
  });

  describe("against the emulator, seeded", () => {
    let emu: RunningEmulator;
    beforeAll(async () => {
      emu = await emulator();
      await seedAccount(seedClient(emu.url, KEY));
    });
    afterAll(() => emu.stop());

    it("every row is ok, with GET requests only, one per operation (plus nothing else)", async () => {
      emu.resetCounters();
      const r = await runDoctorCheck(settings(emu));
      expect(r.summary).toEqual({ ok: readOnlyOperations().length, http_error: 0, schema_mismatch: 0, unreachable: 0, skipped: 0 });
      const counters = emu.counters();
      expect(Object.keys(counters).filter((k) => !k.startsWith("GET "))).toEqual([]);
      for (const name of readOnlyOperations()) expect(counters[`GET ${operations[name].path}`]).toBeGreaterThanOrEqual(1);
      expect(r.settings.authScheme).toMatchObject({ configured: "bearer", detected: "bearer" });
      expect(r.settings.trailingSlash.accepted).toBe(true);
      expect(rowOf(r, "getVolume").requestPath).toMatch(/^volumes\/BRK-\d{6}V\/$/);
      expect(r.rows.every((x) => x.contract === operations[x.operation].status)).toBe(true);
    });

    it("prints a table, the settings to use, exits 0, and never prints the key", async () => {
      const { code, out, err } = await cli(["--endpoint", emu.url, "--api-key", KEY]);
      expect(err).toBe("");
      expect(code).toBe(0);
      expect(out).toMatch(/^OPERATION\s+ROUTE\s+CONTRACT\s+STATUS$/m);
      expect(out).toMatch(/^getVolume\s+GET volumes\/\{volume_id\}\/\s+inferred\s+ok$/m);
      expect(out).toMatch(/^listInstances\s+GET vms\/\s+inferred \(verb documented\)\s+ok$/m);
      expect(out).toMatch(/\d+ read-only operations: \d+ ok, 0 schema mismatch, 0 HTTP error, 0 unreachable, 0 skipped/);
      expect(out).toContain("BARRACK_AUTH_SCHEME=bearer");
      expect(out).not.toContain(KEY);
    });
  });

  it("an empty account: operations that need an id are skipped (no object to read)", async () => {
    const emu = await emulator();
    try {
      const r = await runDoctorCheck(settings(emu));
      const needsId = readOnlyOperations().filter((n) => operations[n].path.includes("{"));
      for (const n of needsId) expect(rowOf(r, n)).toMatchObject({ status: "skipped", detail: "skipped (no object to read)" });
      expect(r.summary.ok).toBe(readOnlyOperations().length - needsId.length);
      expect((await cli(["--endpoint", emu.url, "--api-key", KEY])).code).toBe(0);
    } finally {
      await emu.stop();
    }
  });

  it("variant rename-field: a schema mismatch naming the field, what was seen and the unknown field", async () => {
    const emu = await emulator({ variants: { renameFields: [{ key: "volumes", field: "size_gb", to: "size" }] } });
    try {
      await seedClient(emu.url, KEY).call("createVolume", { body: { name: "data", region: "FINLAND-1", volume_type: "NVMe", size_gb: 100 } });
      const r = await runDoctorCheck(settings(emu));
      expect(rowOf(r, "listVolumes")).toMatchObject({
        status: "schema_mismatch",
        httpStatus: 200,
        issues: [{ field: "volumes[0].size_gb", expected: "number", seen: "missing", unexpectedSiblings: ["size"] }],
      });
      // getVolume answers under "volume" (not renamed) and is still read, with the id from the list.
      expect(rowOf(r, "getVolume").status).toBe("ok");
      expect(Object.entries(statuses(r)).filter(([, s]) => s !== "ok" && s !== "skipped")).toEqual([["listVolumes", "schema_mismatch"]]);

      const { code, out, err } = await cli(["--endpoint", emu.url, "--api-key", KEY]);
      expect(code).toBe(1);
      expect(out).toMatch(/^listVolumes\s+GET volumes\/\s+inferred\s+schema mismatch: field "volumes\[0\]\.size_gb" is missing \(expected number\); unknown field\(s\) there: size$/m);
      expect(err).toBe("barrack: 1 operation(s) do not match the contract: listVolumes\n");
    } finally {
      await emu.stop();
    }
  });

  it("variant rename-field on a value-bearing field: the value seen is shown truncated, and redacted in --json", async () => {
    const emu = await emulator({ variants: { renameFields: [{ key: "balance", field: "currency", to: "amount" }] } });
    try {
      const r = await runDoctorCheck(settings(emu));
      // `amount` now holds the currency code, `currency` is missing: the issue on `amount`'s type shows no number.
      expect(rowOf(r, "getBalance").status).toBe("schema_mismatch");
      const issues = rowOf(r, "getBalance").issues!;
      expect(issues.map((i) => i.field).sort()).toEqual(["balance.amount", "balance.currency"]);
      expect(issues.find((i) => i.field === "balance.amount")).toMatchObject({ expected: "number", seen: '"USD"' });
      const shared = shareableReport(r);
      expect(rowOf(shared, "getBalance").issues!.find((i) => i.field === "balance.amount")!.seen).toBe("[redacted string]");

      const { code, out } = await cli(["--endpoint", emu.url, "--api-key", KEY, "--json"]);
      expect(code).toBe(1);
      const json = JSON.parse(out) as DoctorReport;
      expect(json.tool).toBe("barrack doctor");
      expect(out).not.toContain(KEY);
      expect(out).not.toContain('"USD"');
      expect(out).not.toMatch(/1000/); // the balance amount
      expect(json.summary.schema_mismatch).toBe(1);
    } finally {
      await emu.stop();
    }
  });

  it("values in a report are at most 40 characters", async () => {
    const emu = await emulator({ variants: { renameFields: [{ key: "regions", field: "location", to: "tier" }] } });
    try {
      const r = await runDoctorCheck(settings(emu));
      const issues = rowOf(r, "listRegions").issues!;
      expect(issues.length).toBeGreaterThan(0);
      for (const i of issues) expect(i.seen.length).toBeLessThanOrEqual(40);
    } finally {
      await emu.stop();
    }
  });

  it("variant X-API-Key only: detects the header, says BARRACK_AUTH_SCHEME=x-api-key, and checks with it", async () => {
    const emu = await emulator({ authScheme: "x-api-key" });
    try {
      const r = await runDoctorCheck(settings(emu, "bearer"));
      expect(r.settings.authScheme).toMatchObject({ configured: "bearer", detected: "x-api-key" });
      expect(r.summary.ok + r.summary.skipped).toBe(r.rows.length);
      expect(r.recommendations[0]).toMatch(/^BARRACK_AUTH_SCHEME=x-api-key/);
      const { code, out, err } = await cli(["--endpoint", emu.url, "--api-key", KEY]);
      expect(out).toContain("Auth: Authorization: Bearer → 401, X-API-Key → 200");
      expect(code).toBe(1);
      expect(err).toBe("barrack: the API wants BARRACK_AUTH_SCHEME=x-api-key (configured: bearer)\n");
      // Configured right, all is well.
      expect((await cli(["--endpoint", emu.url, "--api-key", KEY, "--auth-scheme", "x-api-key"])).code).toBe(0);
    } finally {
      await emu.stop();
    }
  });

  it("Bearer only, configured x-api-key: detects bearer", async () => {
    const emu = await emulator({ authScheme: "bearer" });
    try {
      const r = await runDoctorCheck(settings(emu, "x-api-key"));
      expect(r.settings.authScheme).toMatchObject({ configured: "x-api-key", detected: "bearer" });
      expect(r.recommendations[0]).toMatch(/^BARRACK_AUTH_SCHEME=bearer/);
    } finally {
      await emu.stop();
    }
  });

  it("variant no-trailing-slash: detects it, checks every route without the slash, says the contract needs a change", async () => {
    const emu = await emulator({ variants: { noTrailingSlash: true } });
    try {
      // The client sends the contract's routes (with slashes): refused.
      await expect(seedClient(emu.url, KEY).call("listVolumes")).rejects.toMatchObject({ status: 404 });
      const r = await runDoctorCheck(settings(emu));
      expect(r.settings.trailingSlash.accepted).toBe(false);
      expect(r.settings.trailingSlash.evidence).toBe("GET regions/ → 404, GET regions → 200");
      expect(r.summary.ok + r.summary.skipped).toBe(r.rows.length);
      expect(rowOf(r, "listVolumes")).toMatchObject({ status: "ok", requestPath: "volumes" });
      expect(r.recommendations.join("\n")).toMatch(/Trailing slashes are refused.*provider\/contract\.ts .*needs a change/);
      const { code, out, err } = await cli(["--endpoint", emu.url, "--api-key", KEY]);
      expect(out).toMatch(/^listVolumes\s+GET volumes\s+inferred\s+ok$/m);
      expect(out).toContain("Trailing slashes: refused");
      expect(code).toBe(1);
      expect(err).toBe("barrack: the API refuses trailing slashes: the contract's routes need a change\n");
    } finally {
      await emu.stop();
    }
  });

  it("a wrong key: 401 with both headers, said once, exit 1", async () => {
    const emu = await emulator();
    try {
      const r = await runDoctorCheck({ ...settings(emu), apiKey: "not-the-key-987654321" });
      expect(r.settings.authScheme.evidence).toMatch(/refused with both headers/);
      expect(rowOf(r, "listRegions")).toMatchObject({ status: "http_error", httpStatus: 401 });
      expect(rowOf(r, "getPricing").status).toBe("ok"); // public
      const { code, out, err } = await cli(["--endpoint", emu.url, "--api-key", "not-the-key-987654321"]);
      expect(code).toBe(1);
      expect(err.split("\n").filter(Boolean)).toHaveLength(1);
      expect(out + err).not.toContain("not-the-key-987654321");
    } finally {
      await emu.stop();
    }
  });

  it("an unreachable endpoint: every row unreachable, one line, exit 1", async () => {
    const emu = await emulator();
    const url = emu.url;
    await emu.stop();
    const { code, out, err } = await cli(["--endpoint", url, "--api-key", KEY]);
    expect(out).toMatch(/^getBalance\s+GET balance\/\s+inferred \(verb documented\)\s+unreachable \(ECONNREFUSED\)$/m);
    expect(code).toBe(1);
    expect(err).toBe(`barrack: ${url} is unreachable\n`);
  });

  it("without a key, outside a Pulumi project: one line saying how to set it", async () => {
    const saved = process.env.BARRACK_API_KEY;
    const cwd = process.cwd(); // this repository is a Pulumi project (tests/cli/options.test.ts covers one)
    delete process.env.BARRACK_API_KEY;
    process.chdir(os.tmpdir());
    try {
      const { code, err } = await cli(["--endpoint", "http://127.0.0.1:9/api/"]);
      expect(code).toBe(1);
      expect(err).toBe("barrack: No Barrack API key: set BARRACK_API_KEY in the environment (or pass --api-key)\n");
      expect(err.split("\n").filter(Boolean)).toHaveLength(1);
    } finally {
      process.chdir(cwd);
      if (saved !== undefined) process.env.BARRACK_API_KEY = saved;
    }
  });
});
