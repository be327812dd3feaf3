#!/bin/bash
# Two netvirt builds side by side, interleaved (A B, B A, ...): N zones applied (the linux-apply topology: one VNIC each
# on 10 tenant VLANs, IPv4 + IPv6, default protection), then the same model with only the first K zones applied as a
# whole process: the shrink deletes N - K zones, their namespaces, veths and anti-spoofing elements. Per shrink: wall,
# CPU, the nftables transaction and the wait for the kernel to release the deleted namespaces (phase trace); then
# destroy and a pause. docs/performance.md, issue 14 eleventh pass. Root; prefix nvt + hex, destroyed after each round
# (also on failure).
#
#   integration/bench/cli/shrink.sh /tmp/base/netvirt src/NetVirt.Cli/bin/Release/publish/netvirt 3 2000 500
set -euo pipefail
a=${1:?first netvirt apphost}; b=${2:?second netvirt apphost}; pairs=${3:-3}; zones=${4:-2000}; keep=${5:-500}; settle=${SETTLE:-8}
work=$(mktemp -d /tmp/netvirt-shrink-XXXXXX)
prefix=nvt$(printf '%03x' $((RANDOM % 4096)))
current=""
restore=()
cleanup() {
  [ -n "$current" ] && "$current" --db "$work/db" --prefix "$prefix" destroy --auto-approve >/dev/null 2>&1 || true
  [ ${#restore[@]} -eq 0 ] || sysctl -qw "${restore[@]}"
  rm -rf "$work"
}
trap cleanup EXIT
source "$(dirname "$0")/linux_apply_model.sh"
for n in "$zones" "$keep"; do zones_yaml "$n" > "$work/zones-$n.yaml"; done
raise_neighbour_tables "$zones"
one() {
  local label=$1 nv=$2
  current=$nv
  rm -f "$work"/db*
  "$nv" --db "$work/db" --prefix "$prefix" apply -f "$work/zones-$zones.yaml" --auto-approve >/dev/null
  sleep 2
  local outcome=succeeded nft release
  /usr/bin/time -f "%e %U %S" -o "$work/time" env NETVIRT_TRACE_PHASES=1 "$nv" --db "$work/db" --prefix "$prefix" apply -f "$work/zones-$keep.yaml" --auto-approve >"$work/out" 2>"$work/err" \
    || outcome="failed: $(grep -h -m1 -o 'the name is removed.*' "$work/out" | cut -c1-110 || tail -1 "$work/out")"
  nft=$(awk '$2 == "kernel" && $3 == "nft" {s += $4} END {print s + 0}' "$work/err")
  release=$(awk '$2 == "kernel" && $3 == "wait" && $4 == "for" && $5 == "release" {s += $6} END {print s + 0}' "$work/err")
  "$nv" --db "$work/db" --prefix "$prefix" destroy --auto-approve >/dev/null
  current=""
  read -r wall user sys < <(tail -1 "$work/time") # time writes a line of its own first when the command failed
  printf '| %s | %s s | %s + %s s | %.0f ms | %.0f ms | %s |\n' "$label" "$wall" "$user" "$sys" "$nft" "$release" "$outcome"
  sleep "$settle"
}
echo "$zones zones shrunk to $keep, $pairs pairs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| build | shrink wall | CPU user + system | nftables | waiting for the kernel to release the namespaces | outcome |"
echo "|---|---:|---:|---:|---:|---|"
for i in $(seq 1 "$pairs"); do
  if [ $((i % 2)) -eq 1 ]; then one A "$a"; one B "$b"; else one B "$b"; one A "$a"; fi
done
