# Sourced by the scripts that fill the cache outside the repo (~/.cache/pulumi-barrack): jest workers,
# CI legs and several checkouts may run them at once, and two Go builds at once on a small machine take
# longer than one after the other.
#
# take_lock FILE WHAT: holds FILE's lock on fd 9 until the script exits (or closes fd 9), saying WHAT it
# waits for when another process holds it. Without flock it says so and goes on unguarded. The caller's
# `log` prints.
take_lock() {
  if ! command -v flock >/dev/null 2>&1; then
    log "flock not found: not guarding against a concurrent build"
    return 0
  fi
  exec 9>"$1"
  if ! flock -n 9; then
    log "$2; waiting for it"
    flock 9
  fi
}
