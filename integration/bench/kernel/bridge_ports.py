#!/usr/bin/env python3
"""What one more port costs a Linux bridge as it fills, without NetVirt (docs/performance.md, CNI, fourth pass).

N veth pairs are made one at a time with `ip`, each host end put on a bridge and up, the other end up in one namespace;
the time of each is taken, and the median of the first and of the last 100 printed. `--bridges 16` spreads the pairs
over 16 bridges (as container leaves do); `--ipv6 on` leaves the ends' IPv6 as the kernel sets it (NetVirt's ends are
quiet). Root; every object carries the test prefix nvt6e0 and is removed at the end, also on failure.

    python3 integration/bench/kernel/bridge_ports.py --pairs 1000 --bridges 1 --ipv6 off
"""
import argparse
import statistics
import subprocess
import time

PREFIX = "nvt6e0"


def run(*args):
    subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--bridges", type=int, default=1)
    parser.add_argument("--ipv6", choices=["on", "off"], default="off")
    options = parser.parse_args()
    netns = f"{PREFIX}ns"
    made = []
    try:
        for b in range(options.bridges):
            run("ip", "link", "add", f"{PREFIX}b{b}", "type", "bridge")
            made.append(f"{PREFIX}b{b}")
            run("ip", "link", "set", f"{PREFIX}b{b}", "up")
        run("ip", "netns", "add", netns)
        if options.ipv6 == "off":
            run("ip", "netns", "exec", netns, "sysctl", "-w", "net.ipv6.conf.default.disable_ipv6=1")
        times = []
        for i in range(options.pairs):
            host = f"{PREFIX}h{i}"
            start = time.perf_counter()
            run("ip", "link", "add", host, "type", "veth", "peer", "name", f"{PREFIX}c{i}", "netns", netns)
            made.append(host)
            if options.ipv6 == "off":
                with open(f"/proc/sys/net/ipv6/conf/{host}/disable_ipv6", "w") as f:
                    f.write("1")
            run("ip", "link", "set", host, "master", f"{PREFIX}b{i % options.bridges}", "up")
            run("ip", "-n", netns, "link", "set", f"{PREFIX}c{i}", "up")
            times.append((time.perf_counter() - start) * 1e3)
        print(f"{options.pairs} pairs on {options.bridges} bridge(s), IPv6 {options.ipv6}: "
              f"first 100 p50 {statistics.median(times[:100]):.2f} ms, last 100 p50 {statistics.median(times[-100:]):.2f} ms")
    finally:
        subprocess.run(["ip", "netns", "del", netns], stderr=subprocess.DEVNULL)
        for name in reversed(made):
            subprocess.run(["ip", "link", "del", name], stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
