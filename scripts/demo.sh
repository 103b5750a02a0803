#!/usr/bin/env bash
# The main job: a real `pulumi up` of the demo stack (Pulumi.yaml at the repo root) against the embedded
# Barrack emulator, then the stack outputs and what the emulator holds, with its cost per hour.
#
#   npm run demo                 # up (installs what is missing; a second run changes nothing)
#   npm run demo -- preview      # or: destroy, refresh
#
# Everything stays under .barrack/ (gitignored): the emulator's state file, the Pulumi state backend and
# PULUMI_HOME. Nothing reaches the network and no account is needed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$PWD"
command="${1:-up}"
case "$command" in up | preview | destroy | refresh) ;; *)
  echo "usage: npm run demo [-- up|preview|destroy|refresh]" >&2
  exit 2
  ;;
esac

[ -d node_modules/@pulumi/pulumi ] || npm ci --no-audit --no-fund
npm run --silent build
# A `pulumi` the user already has (3.248.0 or newer, as an official install ships it with its Node.js
# language host) is used as it is; only without one is the CLI built from Go modules (minutes, once).
# The tests pin exact versions instead (scripts/ensure-pulumi.sh).
version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }
on_path="$(command -v pulumi || true)"
on_path_version="$( [ -n "$on_path" ] && "$on_path" version 2>/dev/null | sed 's/^v//' || true)"
if [ -n "$on_path_version" ] && version_at_least "$on_path_version" "3.248.0" &&
  { [ -x "$(dirname "$(readlink -f "$on_path")")/pulumi-language-nodejs" ] || command -v pulumi-language-nodejs >/dev/null; }; then
  echo "Using pulumi v$on_path_version from PATH ($on_path)"
else
  bin_dir="$(bash scripts/ensure-pulumi.sh | tail -n 1)"
  export PATH="$bin_dir:$PATH"
fi

demo_dir="$repo/.barrack"
mkdir -p "$demo_dir/state" "$demo_dir/pulumi-home"
export PULUMI_BACKEND_URL="file://$demo_dir/state"
export PULUMI_HOME="$demo_dir/pulumi-home"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-barrack-demo}"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_NODEJS_TRANSPILE_ONLY=true
# The demo talks to the emulator only: never to a real account configured in this shell.
unset BARRACK_API_URL BARRACK_API_KEY BARRACK_AUTH_SCHEME

# The emulator, at 50x speed (a ~60 s GPU deploy takes ~1 s), keeping its state across runs. Its endpoint
# and key stay the same from run to run: Pulumi deletes and refreshes with the provider configuration
# recorded by the last `up`, so a moved endpoint would strand the stack.
port="${BARRACK_DEMO_PORT:-8787}"
key_file="$demo_dir/emulator-api-key"
[ -s "$key_file" ] || (umask 077 && head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' | sed 's/^/demo-/' >"$key_file")
api_key="$(cat "$key_file")"
log="$demo_dir/emulator.log"
node dist/emulator/cli.js --port "$port" --api-key "$api_key" --time-scale 0.02 --state-file "$demo_dir/emulator.state.json" >"$log" 2>&1 &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^barrack-emulator listening on \([^ ]*\) .*/\1/p' "$log")"
  [ -n "$url" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the emulator did not start (is port $port in use? set BARRACK_DEMO_PORT):" >&2; cat "$log" >&2; exit 1; }
echo "Barrack emulator running at $url"

pulumi stack select --create demo --non-interactive >/dev/null
# The key is stored encrypted in the stack's config.
pulumi config set barrack:endpoint "$url" --non-interactive
pulumi config set --secret barrack:apiKey "$api_key" --non-interactive

case "$command" in
  up) pulumi up --yes --non-interactive --skip-preview=false ;;
  preview) pulumi preview --non-interactive ;;
  refresh) pulumi refresh --yes --non-interactive ;;
  destroy) pulumi destroy --yes --non-interactive ;;
esac

echo
echo "Stack outputs (secrets hidden; 'pulumi stack output --show-secrets' with the env above reveals them):"
pulumi stack output --non-interactive || true
echo
BARRACK_API_KEY="$api_key" node dist/scripts/inventory.js "$url"
