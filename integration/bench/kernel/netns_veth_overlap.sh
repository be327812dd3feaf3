#!/usr/bin/env bash
# Whether the kernel overlaps making namespaces with making veth pairs (docs/performance.md, issue 14, sixth pass):
# `ip -batch` of N `netns add` and `ip -batch` of N veth pairs (each peer into one of N other namespaces made before),
# one after the other and then at the same time, ROUNDS times, 12 s apart so that the kernel's cleanup of the round
# before is over. Root; every namespace and link carries the prefix nvt6f4 and is removed at the end, also on failure.
#   bash integration/bench/kernel/netns_veth_overlap.sh 1000 3
set -euo pipefail
n="${1:-1000}"
rounds="${2:-3}"
names() { for i in $(seq 0 $((n - 1))); do echo "netns add nvt6f4$1$i"; done; }
pairs() { for i in $(seq 0 $((n - 1))); do echo "link add nvt6f4h$i type veth peer name eth0 netns nvt6f4b$i"; done; }
clean() {
  ip netns list | awk '/^nvt6f4/{print "netns del "$1}' | ip -batch - 2>/dev/null || true
  sleep 12
}
trap clean EXIT
now() { date +%s.%N; }
for round in $(seq "$rounds"); do
  names b | ip -batch -
  t0=$(now); names a | ip -batch -; t1=$(now); pairs | ip -batch -; t2=$(now)
  echo "round $round, one after the other: namespaces $(echo "$t1 - $t0" | bc) s, veth pairs $(echo "$t2 - $t1" | bc) s, both $(echo "$t2 - $t0" | bc) s"
  clean
  names b | ip -batch -
  t0=$(now); (names a | ip -batch -) & (pairs | ip -batch -) & wait; t1=$(now)
  echo "round $round, at the same time: both $(echo "$t1 - $t0" | bc) s"
  clean
done
