/**
 * Advanced-tier (FINLAND-*, ICELAND-1) storage: a dataset volume you can grow in place, a clone of it,
 * and a cheap HDD archive. Config (all optional):
 *   region (FINLAND-1), datasetSizeGb (500), datasetType (NVMe), cloneSource (the dataset volume's id)
 */
import * as pulumi from "@pulumi/pulumi";
import * as barrack from "pulumi-barrack";

const config = new pulumi.Config();
const region = config.get("region") ?? "FINLAND-1";

// Raising datasetSizeGb grows the volume in place (same id); lowering it is refused at preview.
const dataset = new barrack.Volume("dataset", {
  region,
  type: (config.get("datasetType") ?? "NVMe") as "NVMe" | "HDD",
  sizeGb: config.getNumber("datasetSizeGb") ?? 500,
});

// A clone starts with its source's contents; pointing cloneFrom elsewhere replaces it.
const snapshotCopy = new barrack.Volume("dataset-copy", {
  region,
  type: "NVMe",
  sizeGb: config.getNumber("copySizeGb") ?? 500,
  cloneFrom: config.get("cloneSource") ?? dataset.id,
});

const archive = new barrack.Volume("archive", { region, type: "HDD", sizeGb: 2000 });

export const datasetId = dataset.id;
export const datasetSizeGb = dataset.sizeGb;
export const copyId = snapshotCopy.id;
export const copySource = snapshotCopy.cloneFrom;
export const archiveId = archive.id;
export const storageCostPerHour = pulumi
  .all([dataset.costPerHour, snapshotCopy.costPerHour, archive.costPerHour])
  .apply((costs) => costs.reduce<number>((sum, c) => sum + (c ?? 0), 0));
