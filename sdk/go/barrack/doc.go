// Manage Barrack AI GPU cloud resources: GPU instances, volumes, firewalls, snapshots, images, SSH keys and startup scripts.
package barrack
