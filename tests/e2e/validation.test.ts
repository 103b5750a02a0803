/**
 * End-to-end: bad input is refused at PREVIEW by the real Pulumi engine, naming the property, with a clear
 * message, and without a single mutating API call (the emulator's counters and inventory prove it).
 *
 * The fixture program tests/e2e/fixtures/bad-inputs declares one case at a time (config `case`): a valid
 * control (the same resource kinds with good inputs, which must preview cleanly: so a refusal below is the
 * bad input's doing, not the fixture's), then one bad input per case across Volume, Firewall, Instance and
 * Snapshot. Finally `pulumi up` of a bad case fails the same way and leaves nothing behind.
 *
 * Never skipped: without the Pulumi CLI, createTestStack throws.
 */
import * as path from "path";
import type { OperationResult, TestStack } from "./harness";
import { mutations, objectCounts, useE2eEmulator } from "./support";

jest.setTimeout(300_000);

const PROGRAM_DIR = path.join(__dirname, "fixtures", "bad-inputs");

interface BadCase {
  /** The fixture's `case`. */
  name: string;
  /** The resource (logical name) and property the failure must name. */
  resource: string;
  property: string;
  /** What the message must say. */
  reason: RegExp;
}

const BAD_CASES: BadCase[] = [
  { name: "bootable-volume-in-finland", resource: "boot", property: "bootable", reason: /bootable volumes exist only in CANADA-1, not FINLAND-1/ },
  { name: "volume-too-small", resource: "data", property: "sizeGb", reason: /NVMe volumes are 100.10000 GB, not 50/ },
  { name: "invalid-cidr", resource: "fw", property: "rules.0.remoteIpPrefix", reason: /must be an IPv4 CIDR/ },
  { name: "gpu-count-3", resource: "node", property: "gpuCount", reason: /must be one of 1, 2, 4, 8/ },
  { name: "two-boot-sources", resource: "node", property: "imageId", reason: /set exactly one boot source, not osImageId and imageId/ },
  { name: "snapshot-bad-instance-id", resource: "snap", property: "instanceId", reason: /must be an instance id such as BRK-000123D/ },
];

const emu = useE2eEmulator();
let stack: TestStack;

beforeAll(async () => {
  stack = await emu.createStack({ programDir: PROGRAM_DIR, config: { case: "valid" } });
});

/** No mutating API call since the counters were reset, and the emulator holds no object. */
function expectUntouched(): void {
  expect(mutations(emu)).toEqual({});
  expect(objectCounts(emu.inventory())).toEqual({ instances: 0, volumes: 0, firewalls: 0, snapshots: 0, images: 0, sshKeys: 0, scripts: 0 });
}

function errorsOf(result: OperationResult): string[] {
  return result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
}

/** The failure must be reported on the resource, name the property and give the reason, in one message. */
function expectRefusal(result: OperationResult, c: BadCase): void {
  expect(result.ok).toBe(false);
  const errors = errorsOf(result);
  const onResource = errors.filter((m) => m.includes(`'${c.resource}'`) || result.diagnostics.some((d) => d.message === m && d.urn?.endsWith(`::${c.resource}`)));
  const naming = onResource.filter((m) => m.includes(c.property) && c.reason.test(m));
  if (naming.length === 0) {
    throw new Error(`case ${c.name}: no error names ${c.resource}.${c.property} with ${c.reason}; errors were:\n${errors.join("\n---\n")}`);
  }
  // No create was attempted: the engine stopped at check.
  expect(result.steps.filter((s) => s.op === "create" && s.completed && !s.failed).map((s) => s.name)).toEqual([]);
}

describe("bad input fails at preview, naming the property, with no API mutation", () => {
  it("control: the same resources with valid input preview cleanly (creates, no mutation)", async () => {
    emu.resetCounters();
    const preview = await stack.preview();
    expect(preview.counts).toMatchObject({ create: 6 }); // stack + 5 resources
    for (const name of ["data", "boot", "fw", "node", "snap"]) expect(preview.opFor(name)).toBe("create");
    expect(errorsOf(preview)).toEqual([]);
    expectUntouched();
  });

  for (const c of BAD_CASES) {
    it(`${c.name}: preview fails naming ${c.property}`, async () => {
      await stack.setConfig("case", c.name);
      emu.resetCounters();
      const preview = await stack.preview({ expectFailure: true });
      expectRefusal(preview, c);
      expectUntouched();
    });
  }

  it("`pulumi up` of a bad input fails the same way and creates nothing", async () => {
    const c = BAD_CASES[0]!; // the bootable volume in FINLAND-1
    await stack.setConfig("case", c.name);
    emu.resetCounters();
    const up = await stack.up({ expectFailure: true });
    expectRefusal(up, c);
    expectUntouched();
    expect(await stack.resources()).toEqual([]);
  });
});
