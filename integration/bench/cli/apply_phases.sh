#!/bin/bash
# Two netvirt builds side by side, interleaved (A B, B A, ...): a whole-process apply of N zones (the linux-apply
# topology: one VNIC each on 10 tenant VLANs, IPv4 + IPv6, default protection) into a fresh database, with the phase
# trace, then destroy and a pause for the kernel to free the namespaces. Per apply: wall, user and system CPU, when the
# kernel's first batch started, storing the documents (with creating the database), the nftables transaction (beside
# the namespaces), and the two big batches (namespaces + bridges + table, then the veth pairs), which is where
# kernel-side changes show; the whole-process wall on this 2-core VM swings with its state, the batches much less.
# docs/performance.md, issue 14 seventh pass. Root; prefix nvt + hex, destroyed after each apply (also on failure).
#
#   integration/bench/cli/apply_phases.sh /tmp/base/netvirt src/NetVirt.Cli/bin/Release/publish/netvirt 4 1000
set -euo pipefail
a=${1:?first netvirt apphost}; b=${2:?second netvirt apphost}; pairs=${3:-4}; zones=${4:-1000}; settle=${SETTLE:-8}
work=$(mktemp -d /tmp/netvirt-apply-phases-XXXXXX)
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
zones_yaml "$zones" > "$work/zones.yaml"
raise_neighbour_tables "$zones"
one() {
  local label=$1 nv=$2
  current=$nv
  rm -f "$work"/db*
  /usr/bin/time -f "%e %U %S" -o "$work/time" env NETVIRT_TRACE_PHASES=1 "$nv" --db "$work/db" --prefix "$prefix" apply -f "$work/zones.yaml" --auto-approve >/dev/null 2>"$work/err"
  local ns veth first store nft
  ns=$(awk '/phase execute create bridge\+netns/ {print $5}' "$work/err")
  veth=$(awk '/phase execute create forwarding\+leg\+veth/ {print $5}' "$work/err")
  first=$(grep -o 'execute create bridge+netns.*began [0-9]*' "$work/err" | grep -o '[0-9]*$')
  store=$(awk '$2 == "store" && $3 != "open" {print $3; exit}' "$work/err")
  nft=$(awk '$2 == "kernel" && $3 == "nft" {print $4; exit}' "$work/err")
  "$nv" --db "$work/db" --prefix "$prefix" destroy --auto-approve >/dev/null
  current=""
  read -r wall user sys < "$work/time"
  printf '| %s | %s s | %s + %s s | %s ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms |\n' "$label" "$wall" "$user" "$sys" "$first" "$store" "$nft" "$ns" "$veth"
  sleep "$settle"
}
echo "$zones zones, $pairs pairs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| build | apply wall | CPU user + system | kernel's first batch began | storing | nftables | namespaces, bridges, table | veth pairs |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for i in $(seq 1 "$pairs"); do
  if [ $((i % 2)) -eq 1 ]; then one A "$a"; one B "$b"; else one B "$b"; one A "$a"; fi
done
