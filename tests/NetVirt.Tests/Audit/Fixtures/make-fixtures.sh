#!/usr/bin/env bash
# Regenerates the captured frame fixtures in this folder. Needs root, iproute2, tcpdump and python3.
#
# Two throwaway namespaces (<prefix>-a, <prefix>-b) joined by a veth pair with fixed MACs and addresses. tcpdump
# captures on B's end while B runs duplicate address detection for a new address and the kernel in A sends UDP (v4 and v6, through the kernel's own ARP and neighbour
# discovery), ICMP echo (v4 and v6, through ping sockets: the kernel writes the ICMP header and checksum) and an
# MLDv2 report (a multicast join), and B's kernel answers. Checksum offload is switched off on A's end first, or
# veth would hand B UDP packets with only the pseudo-header sum filled in. Frames the kernel did not produce
# (DHCPOFFER, VLAN-tagged frames) are written by make_fixtures.py from the RFC layouts, independently of the C#
# builder, and decoded by tcpdump as a cross-check. Everything created is removed on exit, also on failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="nvt$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n' | cut -c1-3)"
a="$prefix-a" b="$prefix-b"
work="$(mktemp -d)"
tcpdump_pid=""

cleanup() {
    [[ -n "$tcpdump_pid" ]] && kill "$tcpdump_pid" 2>/dev/null || true
    ip netns del "$a" 2>/dev/null || true
    ip netns del "$b" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$a"
ip netns add "$b"
ip link add "${prefix}a" netns "$a" address 02:00:5e:10:00:0a type veth peer name "${prefix}b" netns "$b" address 02:00:5e:10:00:0b
for ns in "$a" "$b"; do
    ip netns exec "$ns" sysctl -qw net.ipv4.ping_group_range="0 0"
done
ip -n "$a" addr add 192.0.2.10/24 dev "${prefix}a"
ip -n "$b" addr add 192.0.2.11/24 dev "${prefix}b"
ip -n "$a" addr add 2001:db8::a/64 dev "${prefix}a" nodad
ip -n "$b" addr add 2001:db8::b/64 dev "${prefix}b" nodad
ip -n "$a" link set "${prefix}a" up
ip -n "$b" link set "${prefix}b" up
sleep 1

ip netns exec "$b" tcpdump -i "${prefix}b" -U -s 0 -w "$work/captured.pcap" 2>"$work/tcpdump.err" &
tcpdump_pid=$!
sleep 1
ip netns exec "$a" python3 "$here/make_fixtures.py" traffic "${prefix}a"
# A new address without nodad: B's kernel runs duplicate address detection (NS from ::, nonce option, RFC 7527).
ip -n "$b" addr add 2001:db8::c/64 dev "${prefix}b"
sleep 2
kill "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null || true
tcpdump_pid=""

python3 "$here/make_fixtures.py" split "$work/captured.pcap" "$here" "$(tcpdump --version 2>&1 | head -1)"
python3 "$here/make_fixtures.py" handmade "$here"
echo "fixtures written to $here"
