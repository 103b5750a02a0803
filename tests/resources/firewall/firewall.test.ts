import { BarrackNotFoundError } from "../../../provider/client";
import { firewallProvider } from "../../../provider/resources/firewall/provider";
import { PartialCreateError } from "../../../provider/engine/crud";
import { UNKNOWN, engineInputs, mutationCount, named, useEmulator } from "../support";
import { activeInstance, calls, waitForInstance } from "./fixtures";

const handle = useEmulator();

const ssh = { direction: "ingress", protocol: "tcp", portRangeMin: 22, portRangeMax: 22 };
const https = { direction: "ingress", protocol: "tcp", portRangeMin: 443, portRangeMax: 443, remoteIpPrefix: "10.0.0.0/8" };
const ping = { direction: "ingress", protocol: "icmp" };
/** `ssh` as check() completes it. */
const sshChecked = { ...ssh, ethertype: "IPv4", remoteIpPrefix: "0.0.0.0/0" };

async function checked(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await firewallProvider.check({}, news);
  expect(result.failures).toBeUndefined();
  return result.inputs!;
}

async function create(news: Record<string, unknown>) {
  const inputs = await checked(news);
  const created = await firewallProvider.create(engineInputs(inputs));
  return { inputs, ...created };
}

const getFirewall = async (id: string) => (await handle.client.call("getFirewall", { params: { firewall_id: id } })).firewall;
const counters = () => handle.emulator.counters();
/** Rules as a comparable set (order and key order ignored). */
const sortRules = (rules: unknown) =>
  (rules as Record<string, unknown>[]).map((r) => JSON.stringify(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)))).sort();

describe("Firewall check", () => {
  const base = { name: "web", region: "CANADA-1" };
  const rule = (extra: Record<string, unknown>) => ({ ...base, rules: [{ ...ssh, ...extra }] });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["empty name", { ...base, name: "" }, "name", /1–50/],
    ["name with a slash", { ...base, name: "a/b" }, "name", /letters, digits/],
    ["name too long", { ...base, name: "x".repeat(51) }, "name", /1–50/],
    ["unknown region", { ...base, region: "MARS-1" }, "region", /CANADA-1/],
    ["description too long", { ...base, description: "d".repeat(256) }, "description", /255/],
    ["bad direction", rule({ direction: "sideways" }), "rules.0.direction", /ingress, egress/],
    ["bad protocol", rule({ protocol: "tcpp" }), "rules.0.protocol", /tcp/],
    ["bad ethertype", rule({ ethertype: "IPv5" }), "rules.0.ethertype", /IPv4, IPv6/],
    ["prefix too long", rule({ remoteIpPrefix: "10.0.0.0/33" }), "rules.0.remoteIpPrefix", /IPv4 CIDR/],
    ["not a CIDR", rule({ remoteIpPrefix: "10.0.0.1" }), "rules.0.remoteIpPrefix", /CIDR/],
    ["IPv6 prefix on an IPv4 rule", rule({ remoteIpPrefix: "::/0" }), "rules.0.remoteIpPrefix", /IPv4 CIDR/],
    ["port above 65535", rule({ portRangeMax: 70000 }), "rules.0.portRangeMax", /1 to 65535/],
    ["port 0", rule({ portRangeMin: 0 }), "rules.0.portRangeMin", /1 to 65535/],
    ["fractional port", rule({ portRangeMin: 22.5, portRangeMax: 23 }), "rules.0.portRangeMin", /integer|int/i],
    ["min above max", rule({ portRangeMin: 100, portRangeMax: 99 }), "rules.0.portRangeMax", /≥ portRangeMin/],
    ["min without max", rule({ portRangeMax: undefined }), "rules.0.portRangeMax", /go together/],
    ["ports on icmp", { ...base, rules: [{ direction: "ingress", protocol: "icmp", portRangeMin: 1, portRangeMax: 2 }] }, "rules.0.portRangeMin", /only to tcp/],
    ["unknown rule field", rule({ port: 22 }), "rules.0", /port/],
    ["second rule bad", { ...base, rules: [ssh, { ...https, portRangeMax: 65536 }] }, "rules.1.portRangeMax", /1 to 65535/],
    ["duplicate rule", { ...base, rules: [ssh, ping, { ...sshChecked }] }, "rules.2", /repeats rules.0/],
    ["instance name instead of id", { ...base, instanceIds: ["web-1"] }, "instanceIds.0", /BRK-000123D/],
    ["volume id as instance", { ...base, instanceIds: ["BRK-000001V"] }, "instanceIds.0", /instance id/],
    ["instance listed twice", { ...base, instanceIds: ["BRK-000001D", "BRK-000001D"] }, "instanceIds.1", /already listed/],
    ["bad timeout", { ...base, timeouts: { create: "soon" } }, "timeouts.create", /duration/],
    ["unknown input", { ...base, colour: "red" }, "(inputs)", /colour/],
  ].map(([label, news, property, reason]) => [`${label} → ${property}`, news, property, reason] as [string, Record<string, unknown>, string, RegExp]))("%s", async (_label, news, property, reason) => {
    const result = await firewallProvider.check({}, news);
    expect(result.inputs).toBeUndefined();
    const failure = named(result.failures)?.find((f) => f.property === property);
    expect(failure).toBeDefined();
    expect(failure!.reason).toMatch(reason);
    expect(Object.values(counters()).reduce((a, b) => a + b, 0)).toBe(0); // refused before any API call
  });

  it("applies defaults: description, rules, instanceIds, rule ethertype and prefix", async () => {
    expect(await checked({ ...base, rules: [ssh, { direction: "egress", protocol: "any", ethertype: "IPv6" }] })).toEqual({
      ...base,
      description: "",
      instanceIds: [],
      rules: [sshChecked, { direction: "egress", protocol: "any", ethertype: "IPv6", remoteIpPrefix: "::/0" }],
    });
  });

  it("lets unknown values through at preview, keeping them unknown", async () => {
    const inputs = await checked({ name: UNKNOWN, region: "CANADA-1", rules: [{ ...ssh, remoteIpPrefix: UNKNOWN }], instanceIds: [UNKNOWN, "BRK-000001D"] });
    expect(inputs.name).toBe(UNKNOWN);
    expect(inputs.instanceIds).toEqual([UNKNOWN, "BRK-000001D"]);
    expect(await checked({ ...base, rules: UNKNOWN, instanceIds: UNKNOWN })).toMatchObject({ rules: UNKNOWN, instanceIds: UNKNOWN });
  });

  it("applies defaults next to unknown values, so preview plans an in-place update, not a replacement", async () => {
    const inputs = await checked({ ...base, instanceIds: [UNKNOWN] });
    expect(inputs).toEqual({ ...base, description: "", rules: [], instanceIds: [UNKNOWN] });
    const olds = { ...base, description: "", rules: [], instanceIds: ["BRK-000001D"], firewallId: "BRK-000001F" };
    expect(await firewallProvider.diff("BRK-000001F", olds, engineInputs(inputs))).toEqual({ changes: true });
  });

  it("still reports known failures next to unknown values", async () => {
    const result = await firewallProvider.check({}, { ...base, region: "MARS-1", instanceIds: [UNKNOWN] });
    expect(result.failures?.map((f) => f.property)).toEqual(["region"]);
  });

  it("warns at preview when an instance is in another region", async () => {
    const vm = await activeInstance(handle.client, "FINLAND-1");
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      await checked({ ...base, instanceIds: [vm.vm_id] });
      expect(log.mock.calls.flat().join("\n")).toMatch(new RegExp(`warning: .*${vm.vm_id} is in FINLAND-1, but the firewall is in CANADA-1`));
    } finally {
      log.mockRestore();
    }
  });
});

describe("Firewall diff", () => {
  const olds = {
    name: "web", region: "CANADA-1", description: "", rules: [sshChecked], instanceIds: ["BRK-000001D", "BRK-000002D"],
    firewallId: "BRK-000001F", status: "SUCCESS", createdAt: "2025-01-01T00:00:00Z", ruleIds: ["BRK-000001R"],
    __provider: "serialized-provider-text",
  };
  const news = { name: "web", region: "CANADA-1", description: "", rules: [sshChecked], instanceIds: ["BRK-000001D", "BRK-000002D"], __provider: "serialized-provider-text" };
  const diff = (changes: Record<string, unknown>) => firewallProvider.diff("BRK-000001F", olds, { ...news, ...changes });

  it.each<[string, Record<string, unknown>, { replaces?: string[]; deleteBeforeReplace?: boolean } | "in place" | "none"]>([
    ["nothing", {}, "none"],
    ["name", { name: "web2" }, { replaces: ["name"] }],
    ["region (same name)", { region: "FINLAND-1" }, { replaces: ["region"], deleteBeforeReplace: true }],
    ["description (same name)", { description: "public web" }, { replaces: ["description"], deleteBeforeReplace: true }],
    ["a rule added", { rules: [sshChecked, { ...ping, ethertype: "IPv4", remoteIpPrefix: "0.0.0.0/0" }] }, "in place"],
    ["a rule changed", { rules: [{ ...sshChecked, remoteIpPrefix: "10.0.0.0/8" }] }, "in place"],
    ["all rules removed", { rules: [] }, "in place"],
    ["an instance added", { instanceIds: ["BRK-000001D", "BRK-000002D", "BRK-000003D"] }, "in place"],
    ["an instance removed", { instanceIds: ["BRK-000002D"] }, "in place"],
    ["instances emptied", { instanceIds: [] }, "in place"],
    ["instances reordered", { instanceIds: ["BRK-000002D", "BRK-000001D"] }, "none"],
    ["timeouts", { timeouts: { create: "1h" } }, "none"],
    ["unknown instance id", { instanceIds: [UNKNOWN] }, "in place"],
    ["unknown rules", { rules: UNKNOWN }, "in place"],
    ["unknown name", { name: UNKNOWN }, { replaces: ["name"] }],
  ])("%s", async (_label, changes, expected) => {
    const result = await diff(changes);
    if (expected === "none") expect(result).toEqual({ changes: false });
    else if (expected === "in place") expect(result).toEqual({ changes: true });
    else expect(result).toEqual({ changes: true, ...expected });
  });

  it("ignores the API's rule order", async () => {
    const two = [sshChecked, { ...ping, ethertype: "IPv4", remoteIpPrefix: "0.0.0.0/0" }];
    const result = await firewallProvider.diff("BRK-000001F", { ...olds, rules: two }, { ...news, rules: [...two].reverse() });
    expect(result).toEqual({ changes: false });
  });
});

describe("Firewall create", () => {
  it("creates the firewall, adds its rules, attaches it, and waits until all are ready", async () => {
    const vm = await activeInstance(handle.client);
    const { id, outs, inputs } = await create({ name: "web", region: "CANADA-1", description: "front", rules: [ssh, https, ping], instanceIds: [vm.vm_id] });

    expect(id).toMatch(/^BRK-\d{6}F$/);
    expect(outs).toMatchObject({ name: "web", region: "CANADA-1", description: "front", instanceIds: [vm.vm_id], firewallId: id, status: "SUCCESS" });
    expect(sortRules(outs.rules)).toEqual(sortRules(inputs.rules));
    expect(typeof outs.createdAt).toBe("string");
    expect(JSON.parse(JSON.stringify(outs))).toEqual(outs); // plain JSON

    const api = await getFirewall(id);
    expect(api.status).toBe("SUCCESS");
    expect(api.attachments).toEqual([{ vm_id: vm.vm_id, status: "SUCCESS" }]);
    expect(outs.ruleIds).toEqual(api.rules.map((r) => r.rule_id));
    expect(calls(counters(), "POST firewalls/")).toBe(1);
    expect(calls(counters(), "POST firewalls/{firewall_id}/rules/")).toBe(3);
    expect(calls(counters(), "POST firewalls/{firewall_id}/attach/")).toBe(1);
  });

  it("creates a bare firewall without rule or attach calls", async () => {
    const { outs } = await create({ name: "bare", region: "FINLAND-2" });
    expect(outs).toMatchObject({ name: "bare", region: "FINLAND-2", description: "", rules: [], instanceIds: [], ruleIds: [] });
    expect(mutationCount(handle.emulator)).toBe(1);
  });

  it("records a firewall whose attachment is refused as a partial create, with a helpful error, and finishes on the next update", async () => {
    const vm = await activeInstance(handle.client, "FINLAND-1");
    const inputs = engineInputs(await checked({ name: "web", region: "CANADA-1", rules: [ssh], instanceIds: [vm.vm_id] }));
    const error = await firewallProvider.create(inputs).then(() => undefined, (e: unknown) => e);

    expect(error).toBeInstanceOf(PartialCreateError);
    const partial = error as PartialCreateError;
    expect(partial.message).toMatch(new RegExp(`${vm.vm_id} is in FINLAND-1, but the firewall is in CANADA-1`));
    expect(partial.message).toMatch(/ACTIVE instances in its own region/);
    expect(partial.properties).toMatchObject({ firewallId: partial.id, __provider: "serialized-provider-text", rules: [sshChecked], instanceIds: [] });
    expect((await handle.client.listAll("listFirewalls", "firewalls")).map((f) => f.firewall_id)).toEqual([partial.id]);

    // The next `pulumi up` updates the recorded firewall: fixing the input finishes the job.
    const other = await activeInstance(handle.client, "CANADA-1");
    const { outs } = await firewallProvider.update(partial.id, partial.properties, { ...inputs, instanceIds: [other.vm_id] });
    expect(outs).toMatchObject({ firewallId: partial.id, instanceIds: [other.vm_id], rules: [sshChecked] });
  });

  it("explains a refused attachment of an instance that is not ACTIVE", async () => {
    const vm = await activeInstance(handle.client);
    await handle.client.call("stopInstance", { params: { vm_id: vm.vm_id } });
    await waitForInstance(handle.client, vm.vm_id, "SHUTOFF");
    const error = await create({ name: "web", region: "CANADA-1", instanceIds: [vm.vm_id] }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PartialCreateError);
    expect((error as Error).message).toMatch(new RegExp(`${vm.vm_id} is SHUTOFF, and only ACTIVE instances can be attached`));
  });

  it("adopts the firewall an ambiguous create made, instead of creating a second one", async () => {
    handle.emulator.injectFault({ method: "POST", path: "firewalls/", kind: "commitThenFail" });
    const { id, outs } = await create({ name: "web", region: "CANADA-1", rules: [ssh] });

    const firewalls = await handle.client.listAll("listFirewalls", "firewalls");
    expect(firewalls.map((f) => f.firewall_id)).toEqual([id]);
    expect(calls(counters(), "POST firewalls/")).toBe(1);
    expect(outs).toMatchObject({ firewallId: id, status: "SUCCESS", rules: [sshChecked] }); // rules applied to the adopted one
  });
});

describe("Firewall read", () => {
  it("reports a rule removed out of band, which diff then plans to add back in place", async () => {
    const { id, outs, inputs } = await create({ name: "web", region: "CANADA-1", rules: [ssh, https] });
    const api = await getFirewall(id);
    const httpsRule = api.rules.find((r) => r.port_range_min === 443)!;
    await handle.client.call("removeFirewallRule", { params: { firewall_id: id, rule_id: httpsRule.rule_id } });

    const read = await firewallProvider.read(id, outs);
    expect(read.id).toBe(id);
    expect(read.props!.rules).toEqual([sshChecked]);
    expect(read.props!.ruleIds).toEqual([api.rules.find((r) => r.port_range_min === 22)!.rule_id]);
    expect(await firewallProvider.diff(id, read.props!, engineInputs(inputs))).toEqual({ changes: true });
  });

  it("reports an attachment changed out of band", async () => {
    const vm = await activeInstance(handle.client);
    const { id, outs } = await create({ name: "web", region: "CANADA-1", instanceIds: [vm.vm_id] });
    await handle.client.call("attachFirewall", { params: { firewall_id: id }, body: { vm_ids: [] } });
    expect((await firewallProvider.read(id, outs)).props!.instanceIds).toEqual([]);
  });

  it("drops a firewall deleted out of band", async () => {
    const { id, outs } = await create({ name: "web", region: "CANADA-1" });
    await handle.client.call("deleteFirewall", { params: { firewall_id: id } });
    expect(await firewallProvider.read(id, outs)).toEqual({});
  });
});

describe("Firewall update", () => {
  it("adds and removes rules one call each, keeping the firewall", async () => {
    const { id, outs } = await create({ name: "web", region: "CANADA-1", rules: [ssh, https] });
    const sshId = (await getFirewall(id)).rules.find((r) => r.port_range_min === 22)!.rule_id;
    const news = await checked({ name: "web", region: "CANADA-1", rules: [ssh, ping] });
    expect(await firewallProvider.diff(id, outs, engineInputs(news))).toEqual({ changes: true });

    const before = { ...counters() };
    const { outs: after } = await firewallProvider.update(id, outs, engineInputs(news));
    const delta = (route: string) => calls(counters(), route) - calls(before, route);

    expect(after.firewallId).toBe(id);
    expect(sortRules(after.rules)).toEqual(sortRules(news.rules));
    expect(delta("DELETE firewalls/{firewall_id}/rules/{rule_id}/")).toBe(1);
    expect(delta("POST firewalls/{firewall_id}/rules/")).toBe(1);
    expect(delta("POST firewalls/")).toBe(0);
    expect(delta("DELETE firewalls/{firewall_id}/")).toBe(0);
    expect(delta("POST firewalls/{firewall_id}/attach/")).toBe(0);
    // The unchanged rule kept its id: it was not removed and re-added.
    expect((await getFirewall(id)).rules.map((r) => r.rule_id)).toContain(sshId);
  });

  it("moves the attachment set with one attach call, and detaches all with an empty set", async () => {
    const [a, b] = [await activeInstance(handle.client), await activeInstance(handle.client)];
    const { id, outs } = await create({ name: "web", region: "CANADA-1", instanceIds: [a.vm_id] });

    const before = calls(counters(), "POST firewalls/{firewall_id}/attach/");
    const both = await firewallProvider.update(id, outs, engineInputs(await checked({ name: "web", region: "CANADA-1", instanceIds: [a.vm_id, b.vm_id] })));
    expect([...(both.outs.instanceIds as string[])].sort()).toEqual([a.vm_id, b.vm_id].sort());
    expect((await getFirewall(id)).attachments.every((x) => x.status === "SUCCESS")).toBe(true);

    const onlyB = await firewallProvider.update(id, both.outs, engineInputs(await checked({ name: "web", region: "CANADA-1", instanceIds: [b.vm_id] })));
    expect(onlyB.outs.instanceIds).toEqual([b.vm_id]);
    const none = await firewallProvider.update(id, onlyB.outs, engineInputs(await checked({ name: "web", region: "CANADA-1" })));
    expect(none.outs.instanceIds).toEqual([]);
    expect(calls(counters(), "POST firewalls/{firewall_id}/attach/") - before).toBe(3);
    expect(calls(counters(), "POST firewalls/")).toBe(1);
  });

  it("repairs drift the state does not know about (rule re-added after an out-of-band removal)", async () => {
    const { id, outs } = await create({ name: "web", region: "CANADA-1", rules: [ssh] });
    const api = await getFirewall(id);
    await handle.client.call("removeFirewallRule", { params: { firewall_id: id, rule_id: api.rules[0].rule_id } });
    const news = await checked({ name: "web", region: "CANADA-1", rules: [ssh, ping] });
    const { outs: after } = await firewallProvider.update(id, outs, engineInputs(news));
    expect(sortRules(after.rules)).toEqual(sortRules(news.rules));
  });
});

describe("Firewall delete", () => {
  it("detaches from every instance first, then deletes and waits until gone", async () => {
    const vm = await activeInstance(handle.client);
    const { id, outs } = await create({ name: "web", region: "CANADA-1", rules: [ssh], instanceIds: [vm.vm_id] });
    await firewallProvider.delete(id, outs);

    await expect(getFirewall(id)).rejects.toBeInstanceOf(BarrackNotFoundError);
    expect(calls(counters(), "POST firewalls/{firewall_id}/attach/")).toBe(2); // attach at create, detach-all at delete
    expect((await handle.client.call("getInstance", { params: { vm_id: vm.vm_id } })).vm.firewall_ids).toEqual([]);
  });

  it("tolerates a firewall that is already gone", async () => {
    const { id, outs } = await create({ name: "web", region: "CANADA-1" });
    await firewallProvider.delete(id, outs);
    await expect(firewallProvider.delete(id, outs)).resolves.toBeUndefined();
  });
});
