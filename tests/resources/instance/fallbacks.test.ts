/**
 * Instance fallbacks, provider level against the emulator: ordered choices of region, GPU model and count
 * (check: each choice validated, regional ties; diff: an instance stays while it runs on a choice; create:
 * the first in stock, or the first to come into stock; preview: the choice it would take and what the
 * plan's burn counts), and the `connection` output.
 */
import { instanceProvider } from "../../../provider/resources/instance/provider";
import { planLedger, resetPlanLedger } from "../../../provider/deployment/spend";
import { engineInputs, importedSshKey, named, useEmulator, UNKNOWN } from "../support";

const handle = useEmulator();

const H100 = "H100-SXM5-80GB";
const H100_PCIE = "H100-PCIe-NVLink-80GB";
/** Offered in every region. */
const OS_IMAGE = "ubuntu-22.04-cuda-12.4";

/** 2× H100 in FINLAND-1, then in FINLAND-2, then 2× H100-PCIe in CANADA-1 (the example). */
async function trainer(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return {
    name: "trainer",
    region: "FINLAND-1",
    gpuModel: H100,
    gpuCount: 2,
    osImageId: OS_IMAGE,
    sshKeyIds: [await importedSshKey(handle.client)],
    fallbacks: [{ region: "FINLAND-2" }, { region: "CANADA-1", gpuModel: H100_PCIE }],
    ...overrides,
  };
}

/** What `run` printed: progress lines, preview notes and warnings. */
async function withLogs<T>(run: () => Promise<T>): Promise<{ result?: T; error?: unknown; lines: string[] }> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, "log").mockImplementation((...parts: unknown[]) => void lines.push(parts.map(String).join(" ")));
  try {
    return { result: await run(), lines };
  } catch (error) {
    return { error, lines };
  } finally {
    spy.mockRestore();
  }
}

async function checked(news: Record<string, unknown>, olds: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const result = await instanceProvider.check(olds, news);
  expect(result.failures).toBeUndefined();
  return result.inputs!;
}

async function create(args: Record<string, unknown>) {
  return withLogs(async () => instanceProvider.create(engineInputs(await checked(args))));
}

function outOfStock(region: string, model = H100): void {
  handle.emulator.setGpuStock(region, model, 0);
}

function deploys(): number {
  return handle.emulator.counters()["POST vms/"] ?? 0;
}

describe("check", () => {
  const base = { name: "trainer", region: "FINLAND-1", gpuModel: H100, gpuCount: 2, osImageId: OS_IMAGE, sshKeyIds: ["BRK-000001K"] };
  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ["an empty choice", { fallbacks: [{}] }, "fallbacks.0", /at least one of region, gpuModel, gpuCount/],
    ["a misspelt field", { fallbacks: [{ zone: "FINLAND-2" }] }, "fallbacks.0", /zone/],
    ["a choice that is no object", { fallbacks: ["FINLAND-2"] }, "fallbacks.0", /must be a choice such as \{ region: "FINLAND-2" \}/],
    ["an unknown region", { fallbacks: [{ region: "MARS-1" }] }, "fallbacks.0.region", /FINLAND-1/],
    ["a GPU count not offered", { fallbacks: [{ gpuCount: 3 }] }, "fallbacks.0.gpuCount", /1, 2, 4, 8/],
    ["an unknown GPU model", { fallbacks: [{ gpuModel: "H200-NEW" }] }, "fallbacks.0.gpuModel", /unknown GPU model "H200-NEW"/],
    ["a region outside the model's tier", { fallbacks: [{ region: "CANADA-1" }] }, "fallbacks.0", /H100-SXM5-80GB is sold in the advanced tier .*not in CANADA-1/],
    ["more GPUs than the model takes", { gpuCount: 8, fallbacks: [{ region: "CANADA-1", gpuModel: "RTX-A6000" }] }, "fallbacks.0", /RTX-A6000 takes at most 4 GPUs per instance, not 8/],
    ["a choice listed twice", { fallbacks: [{ region: "FINLAND-2" }, { region: "FINLAND-1" }] }, "fallbacks.1", /repeats the primary choice \(2× H100-SXM5-80GB in FINLAND-1\)/],
    ["a bootable volume with a choice outside CANADA-1", { region: "CANADA-1", gpuModel: "RTX-A6000", osImageId: undefined, bootVolumeId: "BRK-000001V", fallbacks: [{ region: "FINLAND-2", gpuModel: H100 }] }, "fallbacks.0.region", /bootable volumes exist only in CANADA-1, not FINLAND-2/],
    ["a snapshot restore with choices", { region: "CANADA-1", gpuModel: undefined, gpuCount: undefined, osImageId: undefined, sshKeyIds: undefined, snapshotId: "BRK-000001S", fallbacks: [{ gpuCount: 4 }] }, "fallbacks", /snapshot restore .* no other choices/],
    ["an unknown order", { fallbackOrder: "random" }, "fallbackOrder", /listed, cheapest/],
  ];
  it.each(bad)("refuses %s, naming the property", async (_what, overrides, property, reason) => {
    const { failures } = await instanceProvider.check({}, { ...base, ...overrides });
    expect(named(failures)).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringMatching(reason) })]));
  });

  it("passes choices through, and lets unknown ones through at preview", async () => {
    const fallbacks = [{ region: "FINLAND-2" }, { region: "CANADA-1", gpuModel: H100_PCIE }];
    expect(await checked({ ...base, fallbacks, fallbackOrder: "cheapest" })).toMatchObject({ fallbacks, fallbackOrder: "cheapest" });
    expect(await checked({ ...base, fallbacks: [{ region: UNKNOWN }] })).toMatchObject({ fallbacks: [{ region: UNKNOWN }] });
  });

  it("refuses choices in other regions than the first's while the volume ids are unknown (volumes made in the same plan)", async () => {
    const { failures } = await instanceProvider.check({}, { ...base, volumeIds: [UNKNOWN], fallbacks: [{ region: "FINLAND-2" }, { gpuCount: 4 }] });
    expect(failures).toEqual([{ property: "fallbacks.0.region", reason: expect.stringMatching(/^an instance with volumes \(volumeIds\) runs in its volumes' region only, so it cannot have choices in both FINLAND-1 and FINLAND-2: keep every choice in FINLAND-1/) }]);
    // The choices themselves are checked too while an SSH key made in the same plan has no id yet.
    expect(named((await instanceProvider.check({}, { ...base, sshKeyIds: [UNKNOWN], fallbacks: [{ gpuCount: 2 }, { gpuModel: "H200-NEW" }] })).failures)).toEqual([
      { property: "fallbacks.0", reason: expect.stringMatching(/^repeats the primary choice \(2× H100-SXM5-80GB in FINLAND-1\)/) },
      { property: "fallbacks.1.gpuModel", reason: expect.stringMatching(/unknown GPU model "H200-NEW"/) },
    ]);
    // Without volumes, or with every choice in the first's region, the unknown ids are no reason to refuse.
    expect((await instanceProvider.check({}, { ...base, sshKeyIds: [UNKNOWN], fallbacks: [{ region: "FINLAND-2" }] })).failures).toBeUndefined();
    expect((await instanceProvider.check({}, { ...base, volumeIds: [UNKNOWN], fallbacks: [{ gpuCount: 4 }] })).failures).toBeUndefined();
  });

  it("refuses a choice outside the region of a volume, the boot image or the OS image, naming both", async () => {
    const { volume } = await handle.client.call("createVolume", { body: { name: "data", region: "FINLAND-1", size_gb: 500, volume_type: "NVMe" } });
    const args = await trainer({ osImageId: "ubuntu-24.04-cuda-12.8", volumeIds: [volume.volume_id] });
    const { failures } = await instanceProvider.check({}, args);
    expect(failures).toEqual([
      { property: "fallbacks.0.region", reason: `volume ${volume.volume_id} (volumeIds) is in FINLAND-1, not FINLAND-2: an instance uses volumes of its own region only (got "FINLAND-2")` },
      { property: "fallbacks.1.region", reason: `volume ${volume.volume_id} (volumeIds) is in FINLAND-1, not CANADA-1: an instance uses volumes of its own region only (got "CANADA-1")` },
      { property: "fallbacks.1.region", reason: "OS image ubuntu-24.04-cuda-12.8 (osImageId) is in FINLAND-1, FINLAND-2, FINLAND-3, ICELAND-1, not CANADA-1: it is offered in those regions only (got \"CANADA-1\")" },
    ]);
    // The same rule holds the first choice to its volume's region.
    expect((await instanceProvider.check({}, { ...args, region: "FINLAND-3", fallbacks: undefined })).failures).toEqual([
      { property: "region", reason: `volume ${volume.volume_id} (volumeIds) is in FINLAND-1, not FINLAND-3: an instance uses volumes of its own region only` },
    ]);
  });
});

describe("check of an update", () => {
  const olds = { name: "trainer", region: "FINLAND-1", gpuModel: H100, gpuCount: 2, osImageId: OS_IMAGE, sshKeyIds: ["BRK-000001K"], fallbacks: [{ region: "FINLAND-2" }] };

  it("refuses a volume change that needs a stop only when the instance stays whichever choice it runs on", async () => {
    const attach = { ...olds, volumeIds: ["BRK-000001V"] };
    expect(named((await instanceProvider.check(olds, { ...attach, fallbacks: [{ region: "FINLAND-2" }, { region: "ICELAND-1" }] })).failures)).toEqual([
      expect.objectContaining({ property: "volumeIds", reason: expect.stringMatching(/allowStopForUpdate/) }),
    ]);
    // It may run on FINLAND-2, which is dropped: then it is replaced, and the volume needs no stop.
    expect((await instanceProvider.check(olds, { ...attach, fallbacks: [] })).failures).toBeUndefined();
  });
});

describe("diff", () => {
  const inputs = {
    name: "trainer", region: "FINLAND-1", gpuModel: H100, gpuCount: 2, osImageId: OS_IMAGE, sshKeyIds: ["BRK-000001K"],
    publicIp: true, securityRules: [], volumeIds: [], powerState: "running", allowStopForUpdate: false,
    fallbacks: [{ region: "FINLAND-2" }, { region: "CANADA-1", gpuModel: H100_PCIE }],
  };
  /** The stored outputs of an instance that landed on its second choice. */
  const onFinland2 = { ...inputs, region: "FINLAND-2", instanceId: "BRK-000001D", status: "ACTIVE" };
  const diff = (news: Record<string, unknown>, olds: Record<string, unknown> = onFinland2) => instanceProvider.diff("BRK-000001D", olds, news);

  it("sees an instance on a fallback as where its inputs want it", async () => {
    expect(await diff(inputs)).toEqual({ changes: false });
  });

  it.each([
    ["reordered", [{ region: "CANADA-1", gpuModel: H100_PCIE }, { region: "FINLAND-2" }]],
    ["with a choice added", [...inputs.fallbacks, { region: "ICELAND-1" }]],
    ["with another choice removed", [{ region: "FINLAND-2" }]],
  ])("changes nothing when the choices are %s", async (_what, fallbacks) => {
    expect(await diff({ ...inputs, fallbacks })).toEqual({ changes: false });
    expect(await diff({ ...inputs, fallbacks, fallbackOrder: "cheapest" })).toEqual({ changes: false });
  });

  it("changes nothing when the choice it runs on becomes the first", async () => {
    expect(await diff({ ...inputs, region: "FINLAND-2", fallbacks: [{ region: "FINLAND-1" }] })).toEqual({ changes: false });
  });

  it("replaces it when the choice it runs on is removed, saying which placement differs", async () => {
    expect(await diff({ ...inputs, fallbacks: [{ region: "CANADA-1", gpuModel: H100_PCIE }] })).toEqual({ changes: true, replaces: ["region"], deleteBeforeReplace: true });
    expect(await diff({ ...inputs, fallbacks: undefined })).toMatchObject({ replaces: ["region"] });
  });

  it("without fallbacks, a placement change replaces as before", async () => {
    const plain = { ...inputs, fallbacks: undefined };
    expect(await diff({ ...plain, gpuCount: 4 }, { ...plain, instanceId: "BRK-000001D" })).toMatchObject({ replaces: ["gpuCount"] });
  });
});

describe("create", () => {
  it("takes the first choice when it is in stock, with a connection for remote commands", async () => {
    handle.emulator.resetCounters();
    const { result, error, lines } = await create(await trainer());
    expect(error).toBeUndefined();
    expect(result!.outs).toMatchObject({ region: "FINLAND-1", gpuModel: H100, gpuCount: 2, fallbacks: [{ region: "FINLAND-2" }, { region: "CANADA-1", gpuModel: H100_PCIE }] });
    expect(result!.outs.connection).toEqual({ host: result!.outs.ipAddress, port: 22, user: "ubuntu" });
    expect(lines).toContain("barrack Instance trainer: deploying 2× H100-SXM5-80GB in FINLAND-1 (first of 3 choices)");
    expect(deploys()).toBe(1);
  });

  it("takes the second when the first is out of stock, saying so; the next preview is empty", async () => {
    outOfStock("FINLAND-1");
    const args = await trainer();
    const { result, lines } = await create(args);
    expect(result!.outs).toMatchObject({ region: "FINLAND-2", gpuModel: H100, gpuCount: 2 });
    expect(lines).toContain("barrack Instance trainer: deploying 2× H100-SXM5-80GB in FINLAND-2 (FINLAND-1 out of stock)");
    expect(handle.emulator.inventory().instances.map((vm) => vm.region)).toEqual(["FINLAND-2"]);
    expect(await instanceProvider.diff(result!.id, result!.outs, await checked(args, args))).toEqual({ changes: false });
  });

  it("without waitForStock, fails at once when nothing is in stock, naming each choice's problem", async () => {
    outOfStock("FINLAND-1");
    outOfStock("FINLAND-2");
    outOfStock("CANADA-1", H100_PCIE);
    handle.emulator.resetCounters();
    const started = Date.now();
    const { error } = await create(await trainer());
    expect(Date.now() - started).toBeLessThan(3000);
    const message = (error as Error).message;
    expect(message).toMatch(/^cannot create instance "trainer": none of its 3 choices is in stock: \(1\) 2× H100-SXM5-80GB is out of stock in FINLAND-1 .*\(2\) 2× H100-SXM5-80GB is out of stock in FINLAND-2 .*\(3\) 2× H100-PCIe-NVLink-80GB is out of stock in CANADA-1 .*Add choices \(fallbacks\), or set waitForStock/);
    expect(deploys()).toBe(0);
  });

  it("with waitForStock, takes the first choice that comes into stock", async () => {
    outOfStock("FINLAND-1");
    outOfStock("FINLAND-2");
    outOfStock("CANADA-1", H100_PCIE);
    const inputs = await checked(await trainer({ waitForStock: "30s" }));
    handle.emulator.resetCounters();
    const giveBack = setTimeout(() => handle.emulator.setGpuStock("CANADA-1", H100_PCIE, 8), 300);
    const { result, error, lines } = await withLogs(() => instanceProvider.create(engineInputs(inputs)));
    clearTimeout(giveBack);
    expect(error).toBeUndefined();
    expect(result!.outs).toMatchObject({ region: "CANADA-1", gpuModel: H100_PCIE, gpuCount: 2 });
    expect(lines[0]).toMatch(/^barrack Instance trainer: waiting for stock \(0s of up to 30s\): none of its 3 choices is in stock: \(1\) 2× H100-SXM5-80GB is out of stock in FINLAND-1/);
    expect(lines).toContain("barrack Instance trainer: deploying 2× H100-PCIe-NVLink-80GB in CANADA-1 (2× H100-SXM5-80GB in FINLAND-1 out of stock, 2× H100-SXM5-80GB in FINLAND-2 out of stock)");
    expect(deploys()).toBe(1);
  });

  it('with fallbackOrder "cheapest", tries the cheapest choice first', async () => {
    const { result, lines } = await create(await trainer({ fallbacks: [{ region: "CANADA-1", gpuModel: "RTX-A6000" }], fallbackOrder: "cheapest" }));
    expect(result!.outs).toMatchObject({ region: "CANADA-1", gpuModel: "RTX-A6000", gpuCount: 2 });
    expect(lines).toContain("barrack Instance trainer: deploying 2× RTX-A6000 in CANADA-1 (first of 2 choices)");
  });
});

describe("preview", () => {
  beforeEach(() => resetPlanLedger());
  afterEach(() => {
    delete process.env.BARRACK_MAX_HOURLY_SPEND;
  });
  const notes = (lines: string[]) => lines.filter((l) => l.startsWith("Instance ") || l.startsWith("warning: "));

  it("says which choice a create would take now and what it costs; the burn counts that choice", async () => {
    outOfStock("FINLAND-1");
    const { lines } = await withLogs(async () => checked(await trainer({ fallbacks: [{ region: "FINLAND-2" }, { region: "CANADA-1", gpuModel: H100_PCIE, gpuCount: 1 }] })));
    expect(notes(lines)).toEqual(['Instance "trainer" would take 2× H100-SXM5-80GB in FINLAND-2 (FINLAND-1 out of stock) ≈ USD 4.98/h while running or stopped']);
    expect(planLedger()).toEqual([{ type: "Instance", label: "trainer", before: 0, after: 4.98, description: "2× H100-SXM5-80GB trainer" }]);
  });

  it("says so while another input is still unknown (an SSH key made in the same plan)", async () => {
    outOfStock("FINLAND-1");
    const { lines } = await withLogs(async () => checked(await trainer({ sshKeyIds: [UNKNOWN] })));
    expect(notes(lines)).toEqual(['Instance "trainer" would take 2× H100-SXM5-80GB in FINLAND-2 (FINLAND-1 out of stock) ≈ USD 4.98/h while running or stopped']);
  });

  it("counts a cheaper fallback when that is what would be taken", async () => {
    outOfStock("FINLAND-1");
    outOfStock("FINLAND-2");
    await withLogs(async () => checked(await trainer()));
    expect(planLedger()).toEqual([expect.objectContaining({ after: 4.58, description: "2× H100-PCIe-NVLink-80GB trainer" })]);
  });

  it("with nothing in stock, warns naming each choice and counts the dearest, so the spend limit holds", async () => {
    outOfStock("FINLAND-1");
    outOfStock("FINLAND-2");
    outOfStock("CANADA-1", H100_PCIE);
    const { lines } = await withLogs(async () => checked(await trainer({ waitForStock: "20m" })));
    expect(notes(lines)).toEqual([
      expect.stringMatching(/^warning: Instance "trainer": none of its 3 choices is in stock: \(1\) .*The create will wait up to 20m \(waitForStock\) for the first of them\.$/),
      'Instance "trainer" will cost at most USD 4.98/h while running or stopped (the dearest of its 3 choices, 2× H100-SXM5-80GB in FINLAND-1; none is in stock now)',
    ]);
    expect(planLedger()).toEqual([expect.objectContaining({ after: 4.98 })]);
    resetPlanLedger();
    process.env.BARRACK_MAX_HOURLY_SPEND = "4.6";
    const { result } = await withLogs(async () => instanceProvider.check({}, await trainer({ waitForStock: "20m" })));
    expect(result!.failures).toEqual([expect.objectContaining({ property: "gpuCount", reason: expect.stringMatching(/would raise the hourly burn to USD 4\.98, over barrack:maxHourlySpend USD 4\.60/) })]);
  });

  it("an instance on a fallback: changing other choices says and costs nothing; dropping its own says why it is replaced", async () => {
    outOfStock("FINLAND-1");
    const args = await trainer();
    const { result } = await create(args);
    expect(result!.outs.region).toBe("FINLAND-2");
    handle.emulator.setGpuStock("FINLAND-1", H100, 16); // stock back at the first choice moves nothing

    const reordered = { ...args, fallbacks: [{ region: "CANADA-1", gpuModel: H100_PCIE }, { region: "FINLAND-2" }] };
    const kept = await withLogs(() => checked(reordered, args));
    expect(notes(kept.lines)).toEqual([]);
    expect(await instanceProvider.diff(result!.id, result!.outs, kept.result!)).toEqual({ changes: false });
    expect(planLedger()).toEqual([expect.objectContaining({ before: 4.98, after: 4.98 })]);

    resetPlanLedger();
    const dropped = { ...args, fallbacks: [{ region: "CANADA-1", gpuModel: H100_PCIE }] };
    const replaced = await withLogs(() => checked(dropped, args));
    expect(notes(replaced.lines)).toEqual([
      'warning: Instance "trainer" will be replaced: it runs 2× H100-SXM5-80GB in FINLAND-2, which is no longer one of its choices',
      'Instance "trainer" would take 2× H100-SXM5-80GB in FINLAND-1 (first of 2 choices) ≈ USD 4.98/h while running or stopped',
    ]);
    expect(await instanceProvider.diff(result!.id, result!.outs, replaced.result!)).toMatchObject({ replaces: ["region"] });
  });
});
