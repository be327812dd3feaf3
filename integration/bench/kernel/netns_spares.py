#!/usr/bin/env python3
"""What making N network namespaces costs when nothing names them: unshare(CLONE_NEWNET) and a descriptor held per
namespace, on one thread and on two (docs/performance.md, issue 14, eighth pass; src/NetVirt.Backends.Linux/
Namespaces/SpareNamespaces.cs). This is the part of creating a zone's namespace that an apply now does ahead, on a
thread of its own, while it stores and plans; naming (a bind mount under /run/netns) and setting up (sysctls, lo up)
stay in the journaled step.

Nothing is named or mounted: the namespaces live only as this process's descriptors and are freed when they are
closed (after each round; the kernel's cleanup then runs for a while, so rounds pause --settle seconds). Root.

    python3 integration/bench/kernel/netns_spares.py --namespaces 1000 --rounds 3
"""
import argparse
import ctypes
import os
import threading
import time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL("libc.so.6", use_errno=True)


def make(count, held, lock):
    mine = []
    for _ in range(count):
        if libc.unshare(CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET)")
        mine.append(os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC))
    with lock:
        held.extend(mine)


def round_(namespaces, threads):
    held, lock = [], threading.Lock()
    workers = [threading.Thread(target=make, args=(namespaces // threads + (1 if i < namespaces % threads else 0), held, lock))
               for i in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    for fd in held:
        os.close(fd)
    if len(held) != namespaces:
        raise SystemExit(f"made {len(held)} of {namespaces}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namespaces", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--settle", type=float, default=8)
    args = parser.parse_args()
    print(f"| threads | {args.namespaces} namespaces, unshared and held (each round) | per namespace |")
    print("|---:|---|---:|")
    for threads in (1, 2):
        times = []
        for _ in range(args.rounds):
            times.append(round_(args.namespaces, threads))
            time.sleep(args.settle)
        best = min(times)
        print(f"| {threads} | {', '.join(f'{t:.3f} s' for t in times)} | {best / args.namespaces * 1000:.3f} ms |")


if __name__ == "__main__":
    main()
