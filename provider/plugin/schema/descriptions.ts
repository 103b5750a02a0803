/**
 * Descriptions: the change sentences resource inputs get, and the words for what the code leaves
 * undocumented (the schema gives every property a description; the TSDoc, when there is one, wins).
 */

/** Sentences an input's TSDoc may already state about changes, which the schema's sentence replaces. */
const CHANGE_SENTENCES = [/^A change replaces the [\w ]+\.$/i, /^Replaces\.$/i, /^In place\.$/i, /^Changes in place\.$/i];

/** The description without sentences that only say what a change does. */
export function withoutChangeSentences(text: string): string {
  return text
    .split("\n\n")
    .map((paragraph) =>
      paragraph
        .split(/(?<=[.!?])\s+/)
        .filter((s) => !CHANGE_SENTENCES.some((re) => re.test(s.trim())))
        .join(" ")
        .trim(),
    )
    .filter((paragraph) => paragraph !== "")
    .join("\n\n");
}

/** The description with `sentence` (what a change does, per the provider) in place of the TSDoc's own. */
export function withChangeSentence(text: string, sentence: string | undefined): string {
  const rest = withoutChangeSentences(text);
  if (sentence === undefined) return rest;
  return rest === "" ? sentence : `${rest} ${sentence}`;
}

/**
 * What the code does not document, by `Owner.property` (a resource, type, or a function's result
 * interface; "Owner." alone for the owner itself), or `*.property` for any owner. An entry the code has
 * since documented is an error (build.ts), so this list only shrinks.
 */
export const FALLBACK_DESCRIPTIONS: Record<string, string> = {
  // Any owner.
  "*.createdAt": "When the object was created, as the API reports it (an ISO 8601 timestamp).",
  "*.currency": "The currency of `costPerHour`.",
  "*.status": "The object's status, as the API reports it.",
  "*.tier": 'The platform tier: "legacy" or "advanced".',
  "*.prices": "The price in each billing currency, per `unit`.",
  "*.unit": 'What the prices are per, verbatim from the API (e.g. "per GPU per hour").',
  "*.gpuModel": 'The GPU model, e.g. "H100-SXM5-80GB".',
  "*.regions": "The regions that offer it.",
  "*.volumeType": 'The volume type: "SSD", "NVMe" or "HDD".',
  "*.vcpus": "Virtual CPUs.",
  "*.ramGb": "Memory, in GB.",
  "*.diskGb": "Local disk, in GB.",
  // Resources.
  "Instance.ipAddress": "The instance's public IP address, when it has one.",
  "Snapshot.sizeGb": "The snapshot's size in GB, as the API reports it.",
  "SshKey.fingerprint": "The key's fingerprint, as the API reports it.",
  "StartupScript.updatedAt": "When the script last changed, as the API reports it (an ISO 8601 timestamp).",
  // Data function results.
  "GetBalanceResult.amount": "The credit balance, in `currency`.",
  "GetGpuSpecsResult.specs": "The GPU models that match the arguments, with their sizes, regions and prices.",
  "GetGpuStockResult.stocks": "Free GPUs per region and model, for those that match the arguments.",
  "GetOsImagesResult.images": "The OS images (of `region`, when given).",
  "GetPricingResult.volumes": "Volume prices per tier and volume type (empty when `resourceType` names another kind).",
  "GetPricingResult.snapshots": "Snapshot prices per tier (empty when `resourceType` names another kind).",
  "GetPricingResult.gpus": "GPU prices per tier and model (empty when `resourceType` names another kind).",
  "GetPricingResult.volumeMinimumSizeGb": "The smallest size a volume can have, in GB.",
  "GetPricingResult.supportedCurrencies": "The currencies prices can be given in.",
  "GetPricingResult.supportedTiers": "The tiers prices are given for.",
  "GetRegionsResult.regions": "The regions (of `tier`, when given), with what each offers.",
  "GetVolumeTypesResult.volumeTypes": "The volume types (offered in `region`, when given), with their size range and prices.",
  // Types.
  "Prices.USD": "In US dollars.",
  "Prices.EUR": "In euros.",
  "Prices.INR": "In Indian rupees.",
  "GpuFlavor.gpuCount": "GPUs per instance of this size.",
  "GpuPrice.maxCount": "The largest GPU count per instance of this model.",
  "GpuSpecInfo.vramGb": "Memory per GPU, in GB.",
  "GpuStockInfo.region": "The region of this stock.",
  "OsImageInfo.name": "The image's name.",
  "OsImageInfo.region": "The region the image is available in.",
  "OsImageInfo.version": "The OS version.",
  "OsImageInfo.sizeGb": "The image's size, in GB.",
  "RegionInfo.name": 'The region\'s name, e.g. "FINLAND-1".',
  "RegionInfo.location": "Where the region is, as the API names it.",
  "RegionInfo.bootableVolumes": "The region offers bootable volumes.",
  "RegionInfo.snapshots": "The region offers instance snapshots.",
  "SnapshotPrice.price": "In the result's `currency`.",
  "VolumeTypeInfo.minSizeGb": "The smallest size of a volume of this type, in GB.",
  "VolumeTypeInfo.maxSizeGb": "The largest size of a volume of this type, in GB.",
  "VolumeTypeInfo.bootable": "Volumes of this type can be bootable.",
};

export function fallbackDescription(owner: string, name: string): { key: string; text: string } | undefined {
  const keys = name === "" ? [`${owner}.`] : [`${owner}.${name}`, `*.${name}`];
  const key = keys.find((k) => FALLBACK_DESCRIPTIONS[k] !== undefined);
  return key === undefined ? undefined : { key, text: FALLBACK_DESCRIPTIONS[key] };
}
