#!/usr/bin/env bash
# Removes host objects left by crashed test runs (namespaces nvtXXX-z-*/-r-*, links nvtXXX-b/v/g/i*, the nft table
# bridge nvtXXX): only names with the test prefix 'nvt' (never 'nv' alone, never
# anything else). Tests remove their own objects; this is the safety net for a killed run.
set -uo pipefail
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^nvt[0-9a-f]{3}' || true); do
  ip netns delete "$ns" 2>/dev/null || true
done
for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^nvt[0-9a-f]{3}' || true); do
  ip link delete "$link" 2>/dev/null || true
done
for table in $(nft list tables 2>/dev/null | awk '{print $2" "$3}' | grep -E ' nvt[0-9a-f]{3}' | tr ' ' ':' || true); do
  nft delete table "${table%%:*}" "${table##*:}" 2>/dev/null || true
done
exit 0
