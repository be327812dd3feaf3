#!/usr/bin/env python3
"""What the first sysctl of each of N fresh network namespaces costs, through the host's /proc and through private
procfs instances (docs/performance.md, issue 14, seventh pass; src/NetVirt.Backends.Linux/Namespaces/Sysctl.cs).

Every namespace has its own /proc/sys/net directory, and the kernel keeps all of them in one hash chain of a /proc
mount (same parent, same name): the first lookup in a new namespace compares against every other namespace's entry.

Each way makes N namespaces (`ip -batch netns add`), then on one thread enters each in turn and writes
net/ipv6/conf/default/router_solicitations once; only the enter-and-write loop is timed:
- `host`: the host's /proc/sys (NetVirt before, and `ip netns exec ... sysctl`);
- `private`: a detached procfs instance (fsopen/fsconfig/fsmount, nothing mounted) replaced every --uses files
  (NetVirt now);
- `each`: a new instance for every namespace (what an instance costs);
- `none`: enter only.
Root; names carry the test prefix nvt6e6 and are removed after each way, also on failure.

    python3 integration/bench/kernel/sysctl_lookup.py --namespaces 250,1000,2000 --rounds 2
"""
import argparse
import ctypes
import os
import statistics
import subprocess
import tempfile
import time

PREFIX = "nvt6e6"
CLONE_NEWNET = 0x40000000
SYS_FSOPEN, SYS_FSCONFIG, SYS_FSMOUNT = 430, 431, 432
FSCONFIG_CMD_CREATE = 6
KEY = "sys/net/ipv6/conf/default/router_solicitations"

libc = ctypes.CDLL("libc.so.6", use_errno=True)
libc.syscall.restype = ctypes.c_long


def batch(lines):
    with tempfile.NamedTemporaryFile("w", suffix=".batch") as f:
        f.write("\n".join(lines) + "\n")
        f.flush()
        subprocess.run(["ip", "-batch", f.name], check=True)


def procfs_instance():
    context = libc.syscall(SYS_FSOPEN, b"proc", 1)
    if context < 0:
        raise OSError(ctypes.get_errno(), "fsopen(proc)")
    try:
        if libc.syscall(SYS_FSCONFIG, context, FSCONFIG_CMD_CREATE, None, None, 0) != 0:
            raise OSError(ctypes.get_errno(), "fsconfig(CMD_CREATE)")
        mount = libc.syscall(SYS_FSMOUNT, context, 1, 0)
        if mount < 0:
            raise OSError(ctypes.get_errno(), "fsmount")
        return mount
    finally:
        os.close(context)


def run(way, n, uses):
    names = [f"{PREFIX}{way[0]}{i}" for i in range(n)]
    batch([f"netns add {name}" for name in names])
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    instance, used = None, 0
    try:
        start = time.perf_counter()
        for name in names:
            fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
            try:
                if libc.setns(fd, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), f"setns {name}")
            finally:
                os.close(fd)
            if way == "none":
                continue
            if way == "host":
                f = os.open("/proc/" + KEY, os.O_WRONLY)
            else:
                if instance is None or used >= (1 if way == "each" else uses):
                    if instance is not None:
                        os.close(instance)
                    instance, used = procfs_instance(), 0
                used += 1
                f = os.open(KEY, os.O_WRONLY, dir_fd=instance)
            os.write(f, b"0\n")
            os.close(f)
        return time.perf_counter() - start
    finally:
        libc.setns(home, CLONE_NEWNET)
        os.close(home)
        if instance is not None:
            os.close(instance)
        batch([f"netns delete {name}" for name in names])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--namespaces", default="250,1000,2000")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--uses", type=int, default=64, help="files per private instance (NetVirt: Sysctl.UsesPerInstance)")
    parser.add_argument("--ways", default="host,private,each,none")
    args = parser.parse_args()
    print(f"load {open('/proc/loadavg').read().strip()}")
    print("| namespaces | way | median (min–max) | per namespace |")
    print("|---:|---|---:|---:|")
    for n in [int(x) for x in args.namespaces.split(",")]:
        times = {way: [] for way in args.ways.split(",")}
        for _ in range(args.rounds):
            for way in times:
                times[way].append(run(way, n, args.uses))
                time.sleep(1)  # the kernel's cleanup of the deleted namespaces, outside the next timing
        for way, t in times.items():
            m = statistics.median(t)
            print(f"| {n:,} | {way} | {m:.3f} s ({min(t):.3f}–{max(t):.3f}) | {m / n * 1000:.3f} ms |", flush=True)


if __name__ == "__main__":
    main()
