/** getOsImages: the OS images instances and bootable volumes boot from. */
import type * as pulumi from "@pulumi/pulumi";
import type { Region } from "../constants";
import { DataOptions, InputArgs, outputForm } from "./common";

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

/** OS images, e.g. `(await getOsImages({ region: "CANADA-1" })).images.find((i) => i.type === "Ubuntu")`. */
export async function getOsImages(args: GetOsImagesArgs = {}, opts: DataOptions = {}): Promise<GetOsImagesResult> {
  return calls().getOsImages(args, opts);
}

/** {@link getOsImages} as an Output, for args that are Outputs themselves. */
export function getOsImagesOutput(args?: InputArgs<GetOsImagesArgs>, opts?: DataOptions): pulumi.Output<GetOsImagesResult> {
  return outputForm(getOsImages, args, opts);
}

/** The implementation, loaded on the first call (it brings zod and the HTTP client). */
function calls(): typeof import("./calls") {
  return require("./calls");
}
