#!/bin/bash
# What a veth pair's queue count costs the kernel (docs/performance.md, issue 14 seventh pass;
# src/NetVirt.Backends.Linux/Netlink/RtnlRequests.CreateVeth): N pairs in the host namespace with one `ip -batch`,
# left to the kernel's default (a queue per possible CPU, cut to one in the same request: an expedited RCU grace period
# per end) against one transmit and one receive queue per end (what NetVirt asks for), interleaved over the rounds,
# each deleted and given a pause for the kernel's cleanup before the next. Root; names nvt6e7q*/nvt6e7r*, removed also
# on failure.
#
#   integration/bench/kernel/veth_queues.sh 1000 3
set -euo pipefail
n=${1:-1000}; rounds=${2:-3}
work=$(mktemp -d /tmp/netvirt-veth-queues-XXXXXX)
cleanup() {
  for i in $(seq 0 $((n - 1))); do echo "link del nvt6e7q$i"; done > "$work/del"
  ip -force -batch "$work/del" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for i in $(seq 0 $((n - 1))); do echo "link add nvt6e7q$i type veth peer name nvt6e7r$i"; done > "$work/default"
for i in $(seq 0 $((n - 1))); do echo "link add nvt6e7q$i numtxqueues 1 numrxqueues 1 type veth peer name nvt6e7r$i numtxqueues 1 numrxqueues 1"; done > "$work/one"
for i in $(seq 0 $((n - 1))); do echo "link del nvt6e7q$i"; done > "$work/del"
echo "$n pairs, $rounds rounds, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); default queues per end: $(ip link add nvt6e7x type veth peer name nvt6e7y && ip -d link show nvt6e7x | grep -o 'numtxqueues [0-9]*'; ip link del nvt6e7x)"
for r in $(seq 1 "$rounds"); do
  for way in default one; do
    start=$(date +%s.%N); ip -batch "$work/$way"; end=$(date +%s.%N)
    printf 'round %d %-8s %.3f s\n' "$r" "$way" "$(echo "$end - $start" | bc)"
    ip -batch "$work/del"; sleep 3
  done
done
