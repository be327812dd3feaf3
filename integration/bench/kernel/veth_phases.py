#!/usr/bin/env python3
"""What the kernel itself takes for the veth batch of a 1,000-zone apply, part by part, with no NetVirt code in the way
(docs/performance.md, issue 14, ninth pass): creating N veth pairs (host end on one of 10 bridges, zone end made
inside its namespace with a MAC), setting the host ends (alias, no IPv6 link-local, bridge, up: one request each, as
NetVirt sends it), then inside each namespace setting the zone end's alias, and bringing it up (the carrier comes on
at both ends then). The namespaces get NetVirt's sysctls first (no DAD, no router solicitations).

Creating and setting go through `ip -batch` (one process, one netlink socket); the work inside the namespaces runs
on one thread that enters each namespace and sends one request on a fresh socket. Each part is timed from the first
request to the last answer; what the kernel defers (link watch, the zones' MLD reports, which NetVirt's table drops
at the bridge and this bench does not) runs after it.

Everything carries a prefix nvt + 3 hex digits and is deleted after each round, also on failure. Root.

    python3 integration/bench/kernel/veth_phases.py --zones 1000 --rounds 3
"""
import argparse
import ctypes
import os
import random
import socket
import struct
import subprocess
import time

CLONE_NEWNET = 0x40000000
RTM_SETLINK, NLM_F_REQUEST, NLM_F_ACK = 19, 1, 4
IFLA_IFNAME, IFLA_IFALIAS = 3, 20
IFF_UP = 1
libc = ctypes.CDLL("libc.so.6", use_errno=True)
SYSCTLS = (("net/ipv6/conf/default/accept_dad", "0"), ("net/ipv6/conf/all/accept_dad", "0"),
           ("net/ipv6/conf/default/router_solicitations", "0"))


def attr(kind, data):
    length = 4 + len(data)
    return struct.pack("HH", length, kind) + data + b"\0" * ((4 - length % 4) % 4)


def set_link(name, alias, up):
    flags = IFF_UP if up else 0
    body = struct.pack("BxHiII", 0, 0, 0, flags, IFF_UP if up else 0) + attr(IFLA_IFNAME, name.encode() + b"\0")
    if alias:
        body += attr(IFLA_IFALIAS, alias.encode())
    return struct.pack("IHHII", 16 + len(body), RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 0) + body


def batch(lines, check=True):
    subprocess.run(["ip", "-batch", "-"], input="".join(lines).encode(), check=check, capture_output=not check)


def enter(path):
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {path}")
    finally:
        os.close(fd)


def in_each(namespaces, request):
    host = "/proc/self/ns/net"
    home = os.open(host, os.O_RDONLY | os.O_CLOEXEC)
    try:
        for ns in namespaces:
            enter(f"/run/netns/{ns}")
            with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0) as s:
                s.bind((0, 0))
                s.send(request(ns))
                error = struct.unpack("i", s.recv(4096)[16:20])[0]
                if error:
                    raise OSError(-error, f"in {ns}")
    finally:
        libc.setns(home, CLONE_NEWNET)
        os.close(home)


def timed(work):
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def round_(zones, prefix):
    names = [f"{prefix}z{i:05x}" for i in range(zones)]
    bridges = [f"{prefix}b{b}" for b in range(10)]
    try:
        batch(f"link add {b} type bridge\nlink set {b} addrgenmode none up\n" for b in bridges)
        batch(f"netns add {n}\n" for n in names)
        home = os.open("/proc/self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        try:
            for n in names:
                enter(f"/run/netns/{n}")
                for key, value in SYSCTLS:
                    with open(f"/proc/sys/{key}", "w") as f:
                        f.write(value)
        finally:
            libc.setns(home, CLONE_NEWNET)
            os.close(home)
        create = timed(lambda: batch(
            f"link add {n}h numtxqueues 1 numrxqueues 1 mtu 1500 master {bridges[i % 10]} type veth peer name net0 "
            f"numtxqueues 1 numrxqueues 1 address 02:00:00:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x} mtu 1500 netns {n}\n"
            for i, n in enumerate(names)))
        set_host = timed(lambda: batch(
            f"link set {n}h alias \"netvirt vnic z{i}/net0\" addrgenmode none master {bridges[i % 10]} up\n" for i, n in enumerate(names)))
        alias = timed(lambda: in_each(names, lambda n: set_link("net0", f"netvirt vnic {n}/net0", False)))
        up = timed(lambda: in_each(names, lambda n: set_link("net0", None, True)))
        return create, set_host, alias, up
    finally:
        batch((f"netns delete {n}\n" for n in names), check=False)
        time.sleep(3)
        batch((f"link delete {b}\n" for b in bridges), check=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--settle", type=float, default=8)
    args = parser.parse_args()
    prefix = f"nvt{random.randrange(4096):03x}"
    print(f"{args.zones} zones, prefix {prefix}")
    print("| round | create pairs | set host ends (alias, no link-local, bridge, up) | zone ends: alias | zone ends: up |")
    print("|---:|---:|---:|---:|---:|")
    for r in range(args.rounds):
        parts = round_(args.zones, prefix)
        print(f"| {r + 1} | " + " | ".join(f"{p * 1000:.0f} ms ({p * 1e6 / args.zones:.0f} µs each)" for p in parts) + " |")
        time.sleep(args.settle)


if __name__ == "__main__":
    main()
