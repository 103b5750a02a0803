/**
 * End-to-end, real Pulumi engine: `Resource.get(name, id)` on objects made out of band (by the client,
 * as another tool or the dashboard would). The engine reads them through our provider (`opts.id`: read
 * with the registered inputs, `__provider` included), the outputs come from the API, the state marks
 * them external, and neither `up` nor `destroy` changes anything in the account.
 *
 * Never skipped: without the Pulumi CLI, createTestStack throws and every test fails.
 */
import * as pulumi from "@pulumi/pulumi";
import { Instance, SshKey, StartupScript, Volume } from "../../provider";
import { BarrackClient } from "../../provider/client";
import type { TestStack } from "./harness";
import { mutations, useE2eEmulator } from "./support";

jest.setTimeout(240_000);

const NAMES = ["data", "key", "setup", "trainer"] as const;

describe("e2e: Volume.get / Instance.get / SshKey.get / StartupScript.get read existing objects and never delete them", () => {
  const emu = useE2eEmulator();
  let stack: TestStack;
  let ids: { volume: string; key: string; script: string; instance: string };

  beforeAll(async () => {
    const client = new BarrackClient({ apiKey: emu.apiKey, baseUrl: emu.url });
    const { volume } = await client.call("createVolume", { body: { name: "existing-data", region: "FINLAND-1", volume_type: "NVMe", size_gb: 250 } });
    const { ssh_key } = await client.call("createSshKey", { body: { name: "existing-key" } });
    const { script } = await client.call("createScript", { body: { name: "existing-setup", content: "#!/bin/bash\necho ready\n", description: "made elsewhere" } });
    const { vm } = await client.call("deployInstance", {
      body: { vm_name: "existing-trainer", region: "FINLAND-1", gpu_model: "H100-SXM5-80GB", gpu_count: 1, os_image_id: "ubuntu-22.04-cuda-12.4", ssh_key_ids: [ssh_key.key_id] },
    });
    ids = { volume: volume.volume_id, key: ssh_key.key_id, script: script.script_id, instance: vm.vm_id };

    stack = await emu.createStack({
      program: async () => {
        const data = Volume.get("data", ids.volume);
        const key = SshKey.get("key", ids.key);
        const setup = StartupScript.get("setup", ids.script);
        const trainer = Instance.get("trainer", ids.instance);
        return {
          volume: pulumi.all([data.id, data.volumeId, data.name, data.region, data.type, data.sizeGb, data.status]),
          key: pulumi.all([key.id, key.name, key.fingerprint, key.publicKey]),
          script: pulumi.all([setup.id, setup.name, setup.content, setup.description]),
          instance: pulumi.all([trainer.id, trainer.name, trainer.gpuModel, trainer.gpuCount, trainer.sshKeyIds, trainer.osImageId, trainer.bootSource, trainer.flavor, trainer.powerState]),
        };
      },
    });
  });

  it("up reads each object by id: outputs from the API, no API mutation, state marks them external", async () => {
    emu.resetCounters();
    const result = await stack.up();
    expect(mutations(emu)).toEqual({});
    for (const name of NAMES) expect(result.opsFor(name)).toEqual(["read"]);

    const inv = emu.inventory();
    const outputs = await stack.outputs();
    expect(outputs.volume).toEqual([ids.volume, ids.volume, "existing-data", "FINLAND-1", "NVMe", 250, inv.volumes[0].status]);
    expect(outputs.key).toEqual([ids.key, "existing-key", inv.sshKeys[0].fingerprint, inv.sshKeys[0].public_key]);
    expect(outputs.script).toEqual([ids.script, "existing-setup", "#!/bin/bash\necho ready\n", "made elsewhere"]);
    const vm = inv.instances[0];
    expect(outputs.instance).toEqual([
      ids.instance, "existing-trainer", "H100-SXM5-80GB", 1, [ids.key], "ubuntu-22.04-cuda-12.4", "os_image",
      { vcpus: vm.flavor.vcpus, ramGb: vm.flavor.ram_gb, diskGb: vm.flavor.disk_gb }, "running",
    ]);

    const state = await stack.resources();
    const read = state.filter((r) => (NAMES as readonly string[]).includes(r.name));
    expect(read.map((r) => [r.name, r.id, r.raw.external]).sort()).toEqual(
      [["data", ids.volume, true], ["key", ids.key, true], ["setup", ids.script, true], ["trainer", ids.instance, true]].sort(),
    );
  });

  it("destroy forgets them but the emulator still holds every object", async () => {
    emu.resetCounters();
    await stack.destroy();
    expect(mutations(emu)).toEqual({});
    const inv = emu.inventory();
    expect(inv.volumes.map((v) => v.volume_id)).toEqual([ids.volume]);
    expect(inv.sshKeys.map((k) => k.key_id)).toEqual([ids.key]);
    expect(inv.scripts.map((s) => s.script_id)).toEqual([ids.script]);
    expect(inv.instances.map((i) => i.vm_id)).toEqual([ids.instance]);
    expect(await stack.resources()).toEqual([]);
  });
});
