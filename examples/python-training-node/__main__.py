"""A GPU training node, in Python, with the native plugin and the generated SDK (pulumi_barrack).

A generated SSH key, an NVMe data volume and an instance that mounts it, booted from the region's Ubuntu
image; a detached HDD volume to stage datasets on; and what the catalogue says about GPU stock there.
Config (all optional):
  region (FINLAND-1), gpuModel (H100-SXM5-80GB), gpuCount (1), dataSizeGb (200), stagingSizeGb (500)
A larger stagingSizeGb grows that volume in place (volumes grow while detached); another gpuModel or
gpuCount replaces the instance.
"""
import pulumi
import pulumi_barrack as barrack

config = pulumi.Config()
region = config.get("region") or "FINLAND-1"
gpu_model = config.get("gpuModel") or "H100-SXM5-80GB"
gpu_count = config.get_int("gpuCount") or 1

key = barrack.SshKey("trainer-key")

data = barrack.Volume(
    "trainer-data",
    region=region,
    type="NVMe",
    size_gb=config.get_int("dataSizeGb") or 200,
)

staging = barrack.Volume(
    "dataset-staging",
    region=region,
    type="HDD",
    size_gb=config.get_int("stagingSizeGb") or 500,
)

# The region's Ubuntu image, looked up when the program runs.
ubuntu = barrack.get_os_images_output(region=region).apply(
    lambda result: next(image.id for image in result.images if "Ubuntu" in image.name)
)

trainer = barrack.Instance(
    "trainer",
    region=region,
    gpu_model=gpu_model,
    gpu_count=gpu_count,
    os_image_id=ubuntu,
    ssh_key_ids=[key.id],
    volume_ids=[data.id],
    public_ip=True,
)

stock = barrack.get_gpu_stock(region=region, gpu_model=gpu_model)

pulumi.export("instanceId", trainer.id)
pulumi.export("instanceName", trainer.name)
pulumi.export("ipAddress", trainer.ip_address)
pulumi.export("hourlyCost", trainer.cost_per_hour)
pulumi.export("volumeId", data.id)
pulumi.export("stagingVolumeId", staging.id)
pulumi.export("stagingSizeGb", staging.size_gb)
pulumi.export("gpusInStock", stock.total_available_gpus)
pulumi.export("sshPrivateKey", key.private_key)  # a secret: pulumi stack output sshPrivateKey --show-secrets
