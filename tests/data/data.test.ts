/**
 * Data functions against the emulator, with credentials from the environment as in a Pulumi program
 * (BARRACK_API_KEY / BARRACK_API_URL); stack config and `opts` take precedence.
 */
import * as pulumi from "@pulumi/pulumi";
import { RunningEmulator, startEmulator } from "../../emulator";
import { setProviderSettings } from "../../provider/config";
import { REGIONS } from "../../provider/contract";
import {
  getBalance,
  getBalanceOutput,
  getGpuSpecs,
  getGpuSpecsOutput,
  getGpuStock,
  getGpuStockOutput,
  getOsImages,
  getOsImagesOutput,
  getPricing,
  getPricingOutput,
  getRegions,
  getRegionsOutput,
  getVolumeTypes,
  getVolumeTypesOutput,
} from "../../provider/data";

let emulator: RunningEmulator;
const saved = { key: process.env.BARRACK_API_KEY, url: process.env.BARRACK_API_URL };

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, timeScale: 0.001, currency: "EUR", balance: 42.5 });
  setProviderSettings({}); // nothing from a provider's configure(): a program only has config and env
  process.env.BARRACK_API_KEY = emulator.apiKey;
  process.env.BARRACK_API_URL = emulator.url;
});
beforeEach(() => emulator.reset());
afterEach(() => pulumi.runtime.setAllConfig({}));
afterAll(async () => {
  for (const [name, value] of [["BARRACK_API_KEY", saved.key], ["BARRACK_API_URL", saved.url]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await emulator.stop();
});

/** An Output's value (outside a program, Outputs still resolve). */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("getRegions", () => {
  it("lists every region with its tier and capabilities, in camelCase", async () => {
    const { regions } = await getRegions();
    expect(regions.map((r) => r.name).sort()).toEqual([...REGIONS].sort());
    expect(regions.find((r) => r.name === "CANADA-1")).toEqual({
      name: "CANADA-1",
      tier: "legacy",
      location: expect.any(String),
      volumeTypes: ["SSD"],
      bootableVolumes: true,
      volumeCloneResize: false,
      snapshots: true,
    });
    expect(emulator.counters()["GET regions/"]).toBe(1);
  });

  it("filters by tier", async () => {
    const { regions, tier } = await getRegions({ tier: "advanced" });
    expect(tier).toBe("advanced");
    expect(regions.map((r) => r.name).sort()).toEqual(["FINLAND-1", "FINLAND-2", "FINLAND-3", "ICELAND-1"]);
    expect(regions.every((r) => r.tier === "advanced" && r.volumeCloneResize && !r.snapshots)).toBe(true);
  });

  it("resolves as an Output", async () => {
    const result = await valueOf(getRegionsOutput({ tier: pulumi.output("legacy" as const) }));
    expect(result.regions.map((r) => r.name)).toEqual(["CANADA-1"]);
  });
});

describe("getGpuStock", () => {
  it("lists stock per region and model with the configurations map", async () => {
    emulator.setGpuStock("FINLAND-1", "H100-SXM5-80GB", 5);
    const { stocks, totalAvailableGpus } = await getGpuStock();
    expect(stocks.length).toBeGreaterThan(1);
    expect(stocks.find((s) => s.region === "FINLAND-1" && s.gpuModel === "H100-SXM5-80GB")).toEqual({
      region: "FINLAND-1",
      gpuModel: "H100-SXM5-80GB",
      availableGpus: 5,
      configurations: { "1x": 5, "2x": 2, "4x": 1, "8x": 0 },
    });
    expect(totalAvailableGpus).toBe(stocks.reduce((n, s) => n + s.availableGpus, 0));
  });

  it("filters by region and GPU model", async () => {
    const inRegion = await getGpuStock({ region: "CANADA-1" });
    expect(inRegion.stocks.length).toBeGreaterThan(0);
    expect(inRegion.stocks.every((s) => s.region === "CANADA-1")).toBe(true);

    const one = await getGpuStock({ region: "CANADA-1", gpuModel: "RTX-A6000" });
    expect(one.stocks).toEqual([expect.objectContaining({ region: "CANADA-1", gpuModel: "RTX-A6000" })]);
    expect(one).toMatchObject({ region: "CANADA-1", gpuModel: "RTX-A6000" });

    // An advanced-tier model is not offered in the legacy region.
    expect((await getGpuStock({ region: "CANADA-1", gpuModel: "H100-SXM5-80GB" })).stocks).toEqual([]);
  });

  it("refuses a bad filter before any API call, naming it", async () => {
    await expect(getGpuStock({ region: "MARS-1" as never })).rejects.toThrow(/^getGpuStock: region must be one of CANADA-1, FINLAND-1/);
    await expect(getGpuStock({ gpu_model: "x" } as never)).rejects.toThrow(/getGpuStock: .*gpu_model/);
    expect(emulator.counters()).toEqual({});
  });

  it("resolves as an Output", async () => {
    const { stocks } = await valueOf(getGpuStockOutput({ region: "ICELAND-1", gpuModel: pulumi.output("B300-262GB") }));
    expect(stocks).toEqual([expect.objectContaining({ region: "ICELAND-1", gpuModel: "B300-262GB", availableGpus: expect.any(Number) })]);
  });
});

describe("getGpuSpecs", () => {
  it("lists models with flavors and prices, in camelCase", async () => {
    const { specs } = await getGpuSpecs();
    const a6000 = specs.find((s) => s.gpuModel === "RTX-A6000");
    expect(a6000).toMatchObject({
      tier: "legacy",
      regions: ["CANADA-1"],
      vramGb: 48,
      maxCount: 4,
      prices: { USD: 0.69, EUR: 0.75, INR: 49 },
    });
    expect(a6000!.flavors[0]).toEqual({ gpuCount: a6000!.gpuCounts[0], vcpus: expect.any(Number), ramGb: expect.any(Number), diskGb: expect.any(Number) });
  });

  it("filters by model, tier and region", async () => {
    expect((await getGpuSpecs({ gpuModel: "L40" })).specs.map((s) => s.gpuModel)).toEqual(["L40"]);
    const advanced = await getGpuSpecs({ tier: "advanced" });
    expect(advanced.specs.length).toBeGreaterThan(0);
    expect(advanced.specs.every((s) => s.tier === "advanced")).toBe(true);
    const finland = await getGpuSpecs({ region: "FINLAND-2" });
    expect(finland.specs.every((s) => s.regions.includes("FINLAND-2"))).toBe(true);
    expect(finland.specs.map((s) => s.gpuModel)).not.toContain("RTX-A6000");
  });

  it("resolves as an Output", async () => {
    const { specs } = await valueOf(getGpuSpecsOutput({ gpuModel: "B300-262GB" }));
    expect(specs).toEqual([expect.objectContaining({ gpuModel: "B300-262GB", vramGb: 262 })]);
  });
});

describe("getPricing", () => {
  it("flattens volume, snapshot and GPU prices, in USD by default", async () => {
    const pricing = await getPricing();
    expect(pricing.currency).toBe("USD");
    expect(pricing.volumes).toContainEqual({ tier: "advanced", volumeType: "NVMe", prices: { USD: 0.3, EUR: 0.35, INR: 30 }, price: 0.3, unit: expect.any(String) });
    expect(pricing.snapshots).toContainEqual(expect.objectContaining({ tier: "legacy", price: 0.1, fixedSizeGb: 100 }));
    expect(pricing.gpus).toContainEqual(expect.objectContaining({ tier: "legacy", gpuModel: "H100-PCIe-NVLink-80GB", price: 2.29, maxCount: 8 }));
    expect(pricing.volumeMinimumSizeGb).toBe(100);
    expect(pricing.supportedCurrencies).toEqual(expect.arrayContaining(["USD", "EUR", "INR"]));
    expect(emulator.counters()["POST pricing/"]).toBe(1);
  });

  it("filters by resource type and tier, and prices in the chosen currency", async () => {
    const pricing = await getPricing({ currency: "INR", tier: "advanced", resourceType: "gpus" });
    expect(pricing).toMatchObject({ currency: "INR", tier: "advanced", resourceType: "gpus", volumes: [], snapshots: [] });
    expect(pricing.gpus.length).toBeGreaterThan(0);
    expect(pricing.gpus.every((g) => g.tier === "advanced" && g.price === g.prices.INR)).toBe(true);
    expect(pricing.gpus).toContainEqual(expect.objectContaining({ gpuModel: "B300-262GB", price: 499 }));
  });

  it("refuses an unknown currency before any API call", async () => {
    await expect(getPricing({ currency: "GBP" as never })).rejects.toThrow("getPricing: currency must be one of USD, EUR, INR");
    expect(emulator.counters()).toEqual({});
  });

  it("resolves as an Output", async () => {
    const { volumes } = await valueOf(getPricingOutput({ resourceType: "volumes", tier: "legacy" }));
    expect(volumes).toEqual([expect.objectContaining({ tier: "legacy", volumeType: "SSD" })]);
  });
});

describe("getOsImages", () => {
  it("lists images with their region, in camelCase", async () => {
    const { images } = await getOsImages();
    expect(images).toContainEqual({ id: "ubuntu-22.04-cuda-12.4", name: expect.stringContaining("Ubuntu"), region: "CANADA-1", type: "Ubuntu", version: "22.04", sizeGb: expect.any(Number) });
  });

  it("filters by region", async () => {
    const { images, region } = await getOsImages({ region: "ICELAND-1" });
    expect(region).toBe("ICELAND-1");
    expect(images.length).toBeGreaterThan(0);
    expect(images.every((i) => i.region === "ICELAND-1")).toBe(true);
    expect(images.map((i) => i.id)).not.toContain("debian-12"); // legacy-only image
  });

  it("resolves as an Output", async () => {
    const { images } = await valueOf(getOsImagesOutput({ region: "CANADA-1" }));
    expect(images.map((i) => i.id)).toContain("debian-12");
  });
});

describe("getVolumeTypes", () => {
  it("lists volume types with sizes and prices, in camelCase", async () => {
    const { volumeTypes } = await getVolumeTypes();
    expect(volumeTypes.map((t) => t.volumeType).sort()).toEqual(["HDD", "NVMe", "SSD"]);
    expect(volumeTypes.find((t) => t.volumeType === "SSD")).toEqual({
      volumeType: "SSD",
      tier: "legacy",
      regions: ["CANADA-1"],
      minSizeGb: 100,
      maxSizeGb: 102400,
      bootable: true,
      cloneResize: false,
      prices: { USD: 0.1, EUR: 0.1, INR: 10 },
      unit: expect.any(String),
    });
  });

  it("filters by region", async () => {
    expect((await getVolumeTypes({ region: "FINLAND-3" })).volumeTypes.map((t) => t.volumeType).sort()).toEqual(["HDD", "NVMe"]);
    expect((await getVolumeTypes({ region: "CANADA-1" })).volumeTypes.map((t) => t.volumeType)).toEqual(["SSD"]);
  });

  it("resolves as an Output", async () => {
    const { volumeTypes } = await valueOf(getVolumeTypesOutput({ region: pulumi.output("CANADA-1" as const) }));
    expect(volumeTypes.map((t) => t.volumeType)).toEqual(["SSD"]);
  });
});

describe("getBalance", () => {
  it("reports the balance, in camelCase", async () => {
    expect(await getBalance()).toEqual({ amount: 42.5, currency: "EUR", minimumBalance: expect.any(Number), profileComplete: true });
  });

  it("resolves as an Output", async () => {
    expect((await valueOf(getBalanceOutput())).amount).toBe(42.5);
  });
});

describe("credentials", () => {
  it("prefers opts over stack config over the environment, never showing the key", async () => {
    await expect(getBalance({}, { apiKey: "wrong-key-from-opts" })).rejects.toThrow(/HTTP 401/);

    pulumi.runtime.setConfig("barrack:apiKey", "wrong-key-from-config");
    const error: Error = await getBalance().then(() => new Error("resolved"), (e: Error) => e);
    expect(error.message).toMatch(/HTTP 401/);
    expect(error.message).not.toContain("wrong-key-from-config");
    // opts win over the (wrong) config.
    expect((await getBalance({}, { apiKey: emulator.apiKey })).amount).toBe(42.5);
  });

  it("takes the endpoint from stack config", async () => {
    // The client refuses plain HTTP to a non-loopback host before sending anything: proof it used this one.
    pulumi.runtime.setConfig("barrack:endpoint", "http://barrack.example/api/");
    await expect(getBalance()).rejects.toThrow(/Refusing plain HTTP to barrack\.example/);
    expect(emulator.counters()).toEqual({});
  });

  it("explains a missing key", async () => {
    const key = process.env.BARRACK_API_KEY;
    delete process.env.BARRACK_API_KEY;
    try {
      await expect(getRegions()).rejects.toThrow(/No Barrack API key.*barrack:apiKey.*BARRACK_API_KEY/);
    } finally {
      process.env.BARRACK_API_KEY = key;
    }
  });
});
