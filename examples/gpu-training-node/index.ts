/**
 * A GPU training node: a generated SSH key, a startup script, a firewall that lets SSH in, an NVMe data
 * volume, and an H100 instance that mounts the volume. Config (all optional):
 *   region (FINLAND-1), gpuModel (H100-SXM5-80GB), gpuCount (1), dataSizeGb (500), powerState (running),
 *   openPorts ("22,6006": SSH and TensorBoard; one inbound TCP rule per port, "" for none)
 */
import * as pulumi from "@pulumi/pulumi";
import * as barrack from "pulumi-barrack";

const config = new pulumi.Config();
const region = (config.get("region") ?? "FINLAND-1") as barrack.Region;
const gpuModel = config.get("gpuModel") ?? "H100-SXM5-80GB";
const gpuCount = config.getNumber("gpuCount") ?? 1;
const powerState = (config.get("powerState") ?? "running") as "running" | "stopped" | "hibernated";
const openPorts = (config.get("openPorts") ?? "22,6006")
  .split(",")
  .map((port) => port.trim())
  .filter((port) => port !== "")
  .map(Number);

const key = new barrack.SshKey("trainer-key", {});

const setup = new barrack.StartupScript("trainer-setup", {
  content: "#!/bin/bash\nset -e\nmkdir -p /data && mount /dev/vdb /data || true\npip install --quiet torch\n",
  description: "Mount the data volume and install PyTorch",
});

const data = new barrack.Volume("trainer-data", {
  region,
  type: "NVMe",
  sizeGb: config.getNumber("dataSizeGb") ?? 500,
});

const ubuntu = barrack.getOsImagesOutput({ region }).apply(({ images }) => {
  const image = images.find((i) => i.name.includes("Ubuntu"));
  if (!image) throw new Error(`no Ubuntu image in ${region}`);
  return image.id;
});

const trainer = new barrack.Instance("trainer", {
  region,
  gpuModel,
  gpuCount,
  osImageId: ubuntu,
  sshKeyIds: [key.id],
  startupScriptId: setup.id,
  volumeIds: [data.id],
  publicIp: true,
  powerState,
});

const firewall = new barrack.Firewall("trainer-fw", {
  region,
  // Changing the description would replace the firewall; changing openPorts updates its rules in place.
  description: "Inbound TCP ports of the training node, from anywhere",
  rules: openPorts.map((port) => ({ direction: "ingress" as const, protocol: "tcp" as const, portRangeMin: port, portRangeMax: port })),
  // The firewall owns its attachments: this is the complete set of instances it protects.
  instanceIds: [trainer.id],
});

export const instanceId = trainer.id;
export const ipAddress = trainer.ipAddress;
export const status = trainer.status;
export const instanceCostPerHour = trainer.costPerHour;
export const volumeId = data.id;
export const volumeCostPerHour = data.costPerHour;
export const firewallId = firewall.id;
export const sshPrivateKey = key.privateKey; // a secret: `pulumi stack output sshPrivateKey --show-secrets`
export const sshCommand = pulumi.interpolate`ssh -i trainer.pem ubuntu@${trainer.ipAddress}`;
