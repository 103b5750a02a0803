/**
 * Advanced-tier (FINLAND-*, ICELAND-1) storage: a dataset volume you can grow in place, a clone of it,
 * and a cheap HDD archive. Config (all optional):
 *   region (FINLAND-1), datasetType (NVMe), datasetSizeGb (500),
 *   copySizeGb (the dataset's size), cloneSource (the dataset volume's id)
 */
import * as pulumi from "@pulumi/pulumi";
import * as barrack from "pulumi-barrack";

const config = new pulumi.Config();
const region = (config.get("region") ?? "FINLAND-1") as barrack.Region;
const datasetType = (config.get("datasetType") ?? "NVMe") as "NVMe" | "HDD";
const datasetSize = config.getNumber("datasetSizeGb") ?? 500;

// Raising datasetSizeGb grows the volume in place (same id); lowering it is refused at preview.
// Changing region or datasetType replaces it (and its clone).
const dataset = new barrack.Volume("dataset", { region, type: datasetType, sizeGb: datasetSize });

// A clone starts with its source's contents, region and type, at least at its size; pointing
// cloneFrom at another volume (cloneSource) replaces the clone.
const copy = new barrack.Volume("dataset-copy", {
  region,
  type: datasetType,
  sizeGb: config.getNumber("copySizeGb") ?? datasetSize,
  cloneFrom: config.get("cloneSource") ?? dataset.id,
});

const archive = new barrack.Volume("archive", { region, type: "HDD", sizeGb: 2000 });

export const datasetId = dataset.id;
export const datasetSizeGb = dataset.sizeGb;
export const copyId = copy.id;
export const copySource = copy.cloneFrom;
export const archiveId = archive.id;
export const storageCostPerHour = pulumi
  .all([dataset.costPerHour, copy.costPerHour, archive.costPerHour])
  .apply((costs) => costs.reduce<number>((sum, c) => sum + (c ?? 0), 0));
