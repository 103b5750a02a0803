/** Instances to attach firewalls to and to snapshot, made directly through the API client. */
import type { BarrackClient } from "../../../provider/client";
import type { Instance, Region } from "../../../provider/contract";
import { REGION_TIER } from "../../../provider/platform";

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE1oB2l4ZxE6dW3vXl7m0ZfJt3b3R7n2b1rjv6Kx0y9Q test@example";
/** A model and an OS image each tier offers (emulator catalogue). */
const GPU: Record<"legacy" | "advanced", string> = { legacy: "RTX-A6000", advanced: "H100-SXM5-80GB" };
const OS_IMAGE = "ubuntu-22.04-cuda-12.4";

let keyCounter = 0;

/** Deploys an instance and waits for ACTIVE (quick with the emulator's time scale). */
export async function activeInstance(client: BarrackClient, region: Region = "CANADA-1"): Promise<Instance> {
  const { ssh_key } = await client.call("createSshKey", { body: { name: `key-${process.pid}-${++keyCounter}`, public_key: PUBLIC_KEY } });
  const { vm } = await client.call("deployInstance", {
    body: {
      vm_name: `vm-${++keyCounter}`,
      region,
      gpu_model: GPU[REGION_TIER[region]],
      gpu_count: 1,
      os_image_id: OS_IMAGE,
      ssh_key_ids: [ssh_key.key_id],
    },
  });
  return waitForInstance(client, vm.vm_id, "ACTIVE");
}

export async function waitForInstance(client: BarrackClient, id: string, status: string): Promise<Instance> {
  for (let i = 0; i < 500; i++) {
    const { vm } = await client.call("getInstance", { params: { vm_id: id } });
    if (vm.status.toUpperCase() === status) return vm;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`instance ${id} never became ${status}`);
}

/** Requests per route ("POST firewalls/{firewall_id}/rules/") since the last reset, read from the emulator. */
export function calls(counters: Record<string, number>, route: string): number {
  return counters[route] ?? 0;
}
