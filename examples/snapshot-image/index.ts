/**
 * Golden image workflow (snapshots exist in the legacy tier, CANADA-1):
 * a base instance → a snapshot of it → a custom image from the snapshot → a new instance from the image;
 * and a second instance restored directly from the snapshot. Config (optional):
 *   imageVersion (1): bump it to rebuild the image (and redeploy the instance booted from it)
 */
import * as pulumi from "@pulumi/pulumi";
import * as barrack from "pulumi-barrack";

const config = new pulumi.Config();
const region = "CANADA-1";
const gpuModel = "RTX-A6000";
const imageVersion = config.get("imageVersion") ?? "1";

const key = new barrack.SshKey("golden-key", {});
const ubuntu = barrack.getOsImagesOutput({ region }).apply(({ images }) => {
  const image = images.find((i) => i.type === "Ubuntu");
  if (!image) throw new Error(`no Ubuntu image in ${region}`);
  return image.id;
});

const base = new barrack.Instance("golden-base", {
  region,
  gpuModel,
  gpuCount: 1,
  osImageId: ubuntu,
  sshKeyIds: [key.id],
  cloudInit: "#cloud-config\npackages: [nvtop, htop]\n",
});

const snapshot = new barrack.Snapshot("golden-snap", { instanceId: base.id, description: "base image with tooling" });
const image = new barrack.Image("golden-image", { snapshotId: snapshot.id, description: `golden image v${imageVersion}` });

const fromImage = new barrack.Instance("from-image", {
  region,
  gpuModel,
  gpuCount: 1,
  imageId: image.id,
  sshKeyIds: [key.id],
});

// A restore creates a new instance that inherits the snapshot's GPU model, count and SSH keys.
const restored = new barrack.Instance("restored", { region, snapshotId: snapshot.id });

export const baseId = base.id;
export const snapshotId = snapshot.id;
export const imageId = image.id;
export const fromImageId = fromImage.id;
export const fromImageBootSource = fromImage.bootSource;
export const restoredId = restored.id;
export const restoredBootSource = restored.bootSource;
export const restoredGpuModel = restored.gpuModel;
