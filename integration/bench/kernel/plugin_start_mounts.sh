#!/usr/bin/env bash
# The CNI plugins' start against the host's mount table (docs/performance.md, CNI, fourth pass): `perf stat` of
# VERSION for netvirt-cni (artifacts/cni, built by scripts/setup.sh) and Go's bridge, with no named namespaces of the
# test prefix and then with N of them (each a mount under /run/netns). Root, perf; the namespaces are removed at the end,
# also on failure.
#   bash integration/bench/kernel/plugin_start_mounts.sh 1000
set -euo pipefail
n="${1:-1000}"
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
plugins=("$repo/artifacts/cni/netvirt-cni" /usr/lib/cni/bridge)
input="$(mktemp)"
echo '{"cniVersion":"1.0.0"}' > "$input"
cleanup() {
  for i in $(seq "$n"); do echo "netns del nvt6e3-$i"; done | ip -batch - 2>/dev/null || true
  rm -f "$input"
}
trap cleanup EXIT
measure() {
  for plugin in "${plugins[@]}"; do
    printf '%s lines, %s: ' "$(wc -l < /proc/self/mountinfo)" "$(basename "$plugin")"
    CNI_COMMAND=VERSION perf stat -r 200 -x, -e task-clock,duration_time "$plugin" < "$input" 2>&1 >/dev/null \
      | awk -F, '$3 == "task-clock" {printf "CPU %.2f ms, ", $1} $3 == "duration_time" {printf "wall %.2f ms\n", $1 / 1e6}'
  done
}
measure
for i in $(seq "$n"); do echo "netns add nvt6e3-$i"; done | ip -batch -
sleep 5
measure
