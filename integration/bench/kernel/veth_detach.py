#!/usr/bin/env python3
"""What taking a container's veth off the network costs the kernel, per way (docs/performance.md, CNI, fifth pass).

Each round makes a bridge port as a CNI ADD leaves it (a veth pair: the host end on a bridge and up, the other end up in
a namespace of its own), then times one `ip` command on it, interleaved over the ways:
- `delete`: `ip link del HOST_END` (the pair goes; what DEL did, and what the reference bridge plugin does from inside);
- `delete inside`: `ip -n NS link del eth0` (the same pair, deleted from the container's side);
- `nomaster down`: `ip link set HOST_END nomaster down` (what NetVirt's DEL now does before it answers);
- `floor`: `ip link show lo` (starting `ip`, for comparison).
Root; every object carries the test prefix nvt6e7 and is removed at the end, also on failure.

    python3 integration/bench/kernel/veth_detach.py --rounds 20
"""
import argparse
import statistics
import subprocess
import time

PREFIX = "nvt6e7"
BRIDGE = f"{PREFIX}br"
HOST_END = f"{PREFIX}h"
NETNS = f"{PREFIX}n"


def ip(*args, check=True):
    subprocess.run(["ip", *args], check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def timed(*args):
    start = time.perf_counter()
    ip(*args)
    return (time.perf_counter() - start) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()
    ways = {
        "delete": lambda: timed("link", "del", HOST_END),
        "delete inside": lambda: timed("-n", NETNS, "link", "del", "eth0"),
        "nomaster down": lambda: timed("link", "set", HOST_END, "nomaster", "down"),
        "floor": lambda: timed("link", "show", "lo"),
    }
    times = {way: [] for way in ways}
    print(f"{options.rounds} rounds; load {open('/proc/loadavg').read().strip()}")
    try:
        ip("link", "add", BRIDGE, "type", "bridge")
        ip("link", "set", BRIDGE, "up")
        for r in range(options.rounds):
            for way in (list(ways) if r % 2 == 0 else list(reversed(ways))):
                ip("netns", "add", NETNS)
                ip("link", "add", HOST_END, "type", "veth", "peer", "name", "eth0", "netns", NETNS)
                ip("link", "set", HOST_END, "master", BRIDGE, "up")
                ip("-n", NETNS, "link", "set", "eth0", "up")
                time.sleep(0.05)
                times[way].append(ways[way]())
                ip("link", "del", HOST_END, check=False)
                ip("netns", "del", NETNS)
                time.sleep(0.05)
    finally:
        ip("link", "del", HOST_END, check=False)
        ip("netns", "del", NETNS, check=False)
        ip("link", "del", BRIDGE, check=False)
    print("| way | median (min–max), the `ip` process included |")
    print("|---|---:|")
    for way, t in times.items():
        print(f"| {way} | {statistics.median(t):.1f} ms ({min(t):.1f}–{max(t):.1f}) |")


if __name__ == "__main__":
    main()
