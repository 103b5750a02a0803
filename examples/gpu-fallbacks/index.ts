/**
 * A GPU node that lands where the GPUs are: 2× H100-SXM5-80GB in FINLAND-1, else in FINLAND-2, else 2×
 * H100-PCIe-NVLink-80GB in CANADA-1, waiting up to `waitForStock` for the first of them to come into stock.
 * Preview says which it would take now and what that costs; the outputs say which it took. Config (all
 * optional): fallbackOrder ("listed", or "cheapest" to try the cheapest first), waitForStock ("20m").
 *
 * Its `connection` output is what `@pulumi/command`'s `remote.Command` takes (see README.md).
 */
import * as pulumi from "@pulumi/pulumi";
import * as barrack from "pulumi-barrack";

const config = new pulumi.Config();

const key = new barrack.SshKey("trainer-key", {});

const trainer = new barrack.Instance("trainer", {
  // The first choice...
  region: "FINLAND-1",
  gpuModel: "H100-SXM5-80GB",
  gpuCount: 2,
  // ...then these, each taking the first choice's value for what it leaves out.
  fallbacks: [{ region: "FINLAND-2" }, { region: "CANADA-1", gpuModel: "H100-PCIe-NVLink-80GB" }],
  fallbackOrder: config.get("fallbackOrder") === "cheapest" ? "cheapest" : "listed",
  waitForStock: config.get("waitForStock") ?? "20m",
  timeouts: { create: "45m" }, // bounds the wait for stock and the boot together
  // Boot source and volumes tie an instance to regions: this image is offered in every region.
  osImageId: "ubuntu-22.04-cuda-12.4",
  sshKeyIds: [key.id],
});

export const placement = pulumi.interpolate`${trainer.gpuCount}× ${trainer.gpuModel} in ${trainer.region}`;
export const costPerHour = trainer.costPerHour;
export const connection = trainer.connection;
export const sshPrivateKey = key.privateKey; // a secret: `pulumi stack output sshPrivateKey --show-secrets`
