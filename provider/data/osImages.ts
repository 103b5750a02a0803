/** getOsImages: the OS images instances and bootable volumes boot from. */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Region } from "../contract";
import { regionSchema } from "../resources/shared/schema";
import { DataOptions, InputArgs, dataClient, outputForm, parseArgs } from "./common";

export interface GetOsImagesArgs {
  /** Only images available in this region. */
  region?: Region;
}

export interface OsImageInfo {
  /** What instances (`osImageId`) and bootable volumes (`imageId`) take. */
  id: string;
  name: string;
  region: Region;
  /** E.g. "Ubuntu". */
  type: string;
  version: string;
  sizeGb: number;
}

export interface GetOsImagesResult {
  region?: Region;
  images: OsImageInfo[];
}

const argsSchema = z.strictObject({ region: regionSchema.optional() });

/** OS images, e.g. `(await getOsImages({ region: "CANADA-1" })).images.find((i) => i.type === "Ubuntu")`. */
export async function getOsImages(args: GetOsImagesArgs = {}, opts: DataOptions = {}): Promise<GetOsImagesResult> {
  const { region } = parseArgs("getOsImages", argsSchema, args);
  const { images } = await dataClient(opts).call("listOsImages", { query: { region } });
  return {
    ...(region !== undefined ? { region } : {}),
    images: images
      .filter((i) => region === undefined || i.region === region)
      .map((i) => ({ id: i.id, name: i.name, region: i.region, type: i.type, version: i.version, sizeGb: i.size_gb })),
  };
}

/** {@link getOsImages} as an Output, for args that are Outputs themselves. */
export function getOsImagesOutput(args?: InputArgs<GetOsImagesArgs>, opts?: DataOptions): pulumi.Output<GetOsImagesResult> {
  return outputForm(getOsImages, args, opts);
}
