#!/usr/bin/env python3
"""What naming N network namespaces in /run/netns costs, and which part costs (docs/performance.md, issue 14, fifth pass).

Each way runs on one thread, N namespaces, interleaved over the rounds:
- `file`: `ip netns add`'s way: a new empty file per name (open O_CREAT|O_EXCL), unshare(CLONE_NEWNET), bind mount;
- `link`: NetVirt's way: one unnamed file (O_TMPFILE) per batch, each name a hard link to it (linkat AT_EMPTY_PATH),
  unshare, bind mount;
- `none`: unshare and an open descriptor only (no name: the floor of the namespace itself).
The parts are timed apart too: making N new files, and N links. The file system of /run/netns is printed: on a
disk-backed /run (ext4) a new inode can cost far more than on tmpfs. Root; names carry the test prefix nvt6e5 and are
removed at the end, also on failure.

    python3 integration/bench/kernel/netns_names.py --namespaces 1000 --rounds 3
"""
import argparse
import ctypes
import os
import statistics
import subprocess
import time

PREFIX = "nvt6e5"
RUN_NETNS = "/run/netns"
CLONE_NEWNET = 0x40000000
MS_BIND = 4096
MNT_DETACH = 2
AT_FDCWD = -100
AT_EMPTY_PATH = 0x1000
O_TMPFILE = 0o20000000 | os.O_DIRECTORY

libc = ctypes.CDLL(None, use_errno=True)


def check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def path(i):
    return f"{RUN_NETNS}/{PREFIX}-{i}"


def name_all(way, count):
    """Makes `count` namespaces the given way; returns the seconds it took. The calling thread ends in the last one."""
    held = []
    start = time.perf_counter()
    unnamed = os.open(RUN_NETNS, O_TMPFILE | os.O_RDWR, 0) if way == "link" else -1
    for i in range(count):
        if way == "file":
            os.close(os.open(path(i), os.O_CREAT | os.O_EXCL | os.O_RDONLY, 0))
        elif way == "link":
            check(libc.linkat(unnamed, b"", AT_FDCWD, path(i).encode(), AT_EMPTY_PATH), "linkat")
        check(libc.unshare(CLONE_NEWNET), "unshare")
        if way == "none":
            held.append(os.open("/proc/thread-self/ns/net", os.O_RDONLY))
        else:
            check(libc.mount(b"/proc/thread-self/ns/net", path(i).encode(), None, MS_BIND, None), "mount")
    if unnamed >= 0:
        os.close(unnamed)
    elapsed = time.perf_counter() - start
    for fd in held:
        os.close(fd)
    return elapsed


def files_only(way, count):
    start = time.perf_counter()
    unnamed = os.open(RUN_NETNS, O_TMPFILE | os.O_RDWR, 0) if way == "link" else -1
    for i in range(count):
        if way == "file":
            os.close(os.open(path(i), os.O_CREAT | os.O_EXCL | os.O_RDONLY, 0))
        else:
            check(libc.linkat(unnamed, b"", AT_FDCWD, path(i).encode(), AT_EMPTY_PATH), "linkat")
    if unnamed >= 0:
        os.close(unnamed)
    return time.perf_counter() - start


def sweep(count):
    for i in range(count):
        p = path(i)
        if os.path.lexists(p):
            libc.umount2(p.encode(), MNT_DETACH)
            os.unlink(p)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--namespaces", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    n = options.namespaces
    fs = subprocess.run(["findmnt", "-n", "-o", "FSTYPE", "--target", RUN_NETNS], capture_output=True, text=True).stdout.strip()
    subprocess.run(["ip", "netns", "list"], check=True, stdout=subprocess.DEVNULL)  # creates /run/netns as ip does
    print(f"{n} namespaces, {options.rounds} rounds; {RUN_NETNS} on {fs or 'unknown'}; load {open('/proc/loadavg').read().strip()}")
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    times = {}
    try:
        for r in range(options.rounds):
            ways = ["file", "link", "none"] if r % 2 == 0 else ["none", "link", "file"]
            for way in ways:
                times.setdefault(way, []).append(name_all(way, n))
                check(libc.setns(home, CLONE_NEWNET), "setns")
                sweep(n)
                time.sleep(1)  # the kernel frees the namespaces in the background
            for way in (["file", "link"] if r % 2 == 0 else ["link", "file"]):
                times.setdefault(f"{way} only", []).append(files_only(way, n))
                sweep(n)
    finally:
        libc.setns(home, CLONE_NEWNET)
        sweep(n)
    labels = {
        "file": "a new file per name + unshare + bind mount (ip netns add)",
        "link": "a link per name to one O_TMPFILE + unshare + bind mount (NetVirt)",
        "none": "unshare + a descriptor, no name (the namespace alone)",
        "file only": "only the files: a new file per name",
        "link only": "only the names: a link per name",
    }
    print("| way | median (min–max) | per namespace |")
    print("|---|---:|---:|")
    for way, label in labels.items():
        t = times[way]
        print(f"| {label} | {statistics.median(t):.3f} s ({min(t):.3f}–{max(t):.3f}) | {statistics.median(t) / n * 1e3:.3f} ms |")


if __name__ == "__main__":
    main()
