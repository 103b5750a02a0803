/**
 * The public types are hand-written (no zod in a user's compilation); these checks keep them and the
 * zod schemas that validate the same values from drifting apart.
 *  - agreement.check.ts (compiled here) asserts, type by type, that each public Args interface and its
 *    schema's input type agree both ways: same keys, same optionality, same value types;
 *    and that the outputs each resource class declares have the provider's output types;
 *  - deliberately drifted copies must fail to compile, naming the key (the check can fail);
 *  - at run time, the zod-free key lists (keys.ts) and constants name what the schemas and contract do.
 */
import * as contract from "../../provider/contract";
import * as constants from "../../provider/constants";
import { FIREWALL_OUTPUT_KEYS, firewallArgsSchema } from "../../provider/resources/firewall/args";
import { FIREWALL_KEYS } from "../../provider/resources/firewall/keys";
import { IMAGE_OUTPUT_KEYS, imageArgsSchema } from "../../provider/resources/image/args";
import { IMAGE_KEYS } from "../../provider/resources/image/keys";
import { INSTANCE_OUTPUT_KEYS, POWER_STATES, instanceArgsSchema } from "../../provider/resources/instance/args";
import { INSTANCE_KEYS } from "../../provider/resources/instance/keys";
import { GPU_COUNTS } from "../../provider/platform";
import { SNAPSHOT_OUTPUT_KEYS, snapshotArgsSchema } from "../../provider/resources/snapshot/args";
import { SNAPSHOT_KEYS } from "../../provider/resources/snapshot/keys";
import { SSH_KEY_OUTPUT_KEYS, sshKeyArgsSchema } from "../../provider/resources/sshKey/args";
import { SSH_KEY_KEYS } from "../../provider/resources/sshKey/keys";
import { STARTUP_SCRIPT_OUTPUT_KEYS, startupScriptArgsSchema } from "../../provider/resources/startupScript/args";
import { STARTUP_SCRIPT_KEYS } from "../../provider/resources/startupScript/keys";
import { VOLUME_OUTPUT_KEYS, volumeArgsSchema } from "../../provider/resources/volume/args";
import { VOLUME_KEYS } from "../../provider/resources/volume/keys";
import { typeCheck } from "./compile";

jest.setTimeout(120_000);

describe("public types agree with the schemas (type level)", () => {
  it("agreement.check.ts compiles: every Args interface, rule, data args and constant agrees with its schema", () => {
    expect(typeCheck(["tests/types/agreement.check.ts"])).toEqual([]);
  });

  it("a drifted interface fails to compile, naming where it drifts", () => {
    const drifted = `
      import type * as pulumi from "@pulumi/pulumi";
      import type { z } from "zod";
      import type { InstanceArgs, VolumeArgs } from "../../provider";
      import type { instanceArgsSchema } from "../../provider/resources/instance/args";
      import type { volumeArgsSchema } from "../../provider/resources/volume/args";
      import type { Agreement, Autonamed } from "./agree";
      type S<T extends z.ZodType> = Autonamed<z.input<T>>;
      export const optional: Agreement<Omit<VolumeArgs, "sizeGb"> & { sizeGb?: pulumi.Input<number> }, S<typeof volumeArgsSchema>> = "agree";
      export const wider: Agreement<Omit<VolumeArgs, "type"> & { type: pulumi.Input<string> }, S<typeof volumeArgsSchema>> = "agree";
      export const missing: Agreement<Omit<VolumeArgs, "cloneFrom">, S<typeof volumeArgsSchema>> = "agree";
      export const extra: Agreement<VolumeArgs & { extra?: string }, S<typeof volumeArgsSchema>> = "agree";
      export const nestedExtra: Agreement<Omit<InstanceArgs, "waitFor"> & { waitFor?: { ssh?: boolean; timeout?: string; poll?: number } }, S<typeof instanceArgsSchema>> = "agree";
      export const nestedType: Agreement<Omit<InstanceArgs, "waitFor"> & { waitFor?: { ssh?: boolean; timeout?: number } }, S<typeof instanceArgsSchema>> = "agree";
      export const arrayItems: Agreement<Omit<InstanceArgs, "securityRules"> & { securityRules?: { direction: "ingress"; protocol: "tcp" }[] }, S<typeof instanceArgsSchema>> = "agree";
      export const notArray: Agreement<Omit<InstanceArgs, "sshKeyIds"> & { sshKeyIds?: pulumi.Input<string> }, S<typeof instanceArgsSchema>> = "agree";
      export const fine: Agreement<InstanceArgs, S<typeof instanceArgsSchema>> = "agree";
      export const outputs: import("./agree").OutputAgreement<import("../../provider").Volume, Omit<import("../../provider/resources/volume/args").VolumeOutputs, "sizeGb"> & { sizeGb: string }> = "agree";
    `;
    const problems = typeCheck([], { "tests/types/drifted.check.ts": drifted });
    const byLine = (line: number) => problems.filter((p) => p.startsWith(`tests/types/drifted.check.ts(${line})`)).join("\n");
    expect(byLine(9)).toMatch(/disagree: "sizeGb \(optional on one side only\)"/);
    expect(byLine(10)).toMatch(/disagree: "type"/);
    expect(byLine(11)).toMatch(/disagree: "cloneFrom"/);
    expect(byLine(12)).toMatch(/disagree: "extra"/);
    expect(byLine(13)).toMatch(/disagree: "waitFor\.poll"/);
    expect(byLine(14)).toMatch(/disagree: "waitFor\.timeout"/);
    expect(byLine(15)).toMatch(/disagree: "securityRules"/);
    expect(byLine(16)).toMatch(/disagree: "sshKeyIds"/);
    expect(byLine(18)).toMatch(/disagree: "sizeGb"/);
    expect(problems).toHaveLength(9); // `fine` agrees
  });
});

describe("zod-free key lists and constants (run time)", () => {
  const resources = [
    ["Volume", VOLUME_KEYS, volumeArgsSchema, VOLUME_OUTPUT_KEYS],
    ["Instance", INSTANCE_KEYS, instanceArgsSchema, INSTANCE_OUTPUT_KEYS],
    ["Firewall", FIREWALL_KEYS, firewallArgsSchema, FIREWALL_OUTPUT_KEYS],
    ["Snapshot", SNAPSHOT_KEYS, snapshotArgsSchema, SNAPSHOT_OUTPUT_KEYS],
    ["Image", IMAGE_KEYS, imageArgsSchema, IMAGE_OUTPUT_KEYS],
    ["SshKey", SSH_KEY_KEYS, sshKeyArgsSchema, SSH_KEY_OUTPUT_KEYS],
    ["StartupScript", STARTUP_SCRIPT_KEYS, startupScriptArgsSchema, STARTUP_SCRIPT_OUTPUT_KEYS],
  ] as const;
  const sorted = (keys: Iterable<string>) => [...new Set(keys)].sort();

  it.each(resources)("%s: keys.ts inputs are the schema's keys, and inputs + outputs are every output args.ts declares", (_type, keys, schema, outputKeys) => {
    const visible = Object.keys(schema.shape).filter((k) => !k.startsWith("__"));
    expect(sorted(keys.inputs)).toEqual(sorted(visible));
    expect(sorted([...keys.inputs, ...keys.outputs])).toEqual(sorted([...visible, ...outputKeys]));
    expect(keys.outputs.filter((k) => (keys.inputs as readonly string[]).includes(k))).toEqual([]);
  });

  it("the constants are the contract's and platform's lists", () => {
    expect(constants.REGIONS).toEqual(contract.REGIONS);
    expect(constants.TIERS).toEqual(contract.TIERS);
    expect(constants.VOLUME_TYPES).toEqual(contract.VOLUME_TYPES);
    expect(constants.CURRENCIES).toEqual(contract.CURRENCIES);
    expect(constants.DIRECTIONS).toEqual(contract.DIRECTIONS);
    expect(constants.ETHERTYPES).toEqual(contract.ETHERTYPES);
    expect(constants.PROTOCOLS).toEqual(contract.PROTOCOLS);
    expect(constants.POWER_STATES).toEqual(POWER_STATES);
    expect(constants.GPU_COUNTS).toEqual(GPU_COUNTS);
  });
});
