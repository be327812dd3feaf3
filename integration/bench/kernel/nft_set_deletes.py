#!/usr/bin/env python3
"""What deleting elements from an nftables set costs the kernel, by set kind: the anti-spoofing table's
(port . IPv4 address) pairs in a set with `flags interval` (a concatenation with intervals is the kernel's pipapo set)
against the same pairs in a hash set, N elements present, M deleted in one transaction (as an apply that removes M
zones does), through `nft -f -` (docs/performance.md, issue 14, eleventh pass; src/NetVirt.Backends.Linux/README.md).

The table is `bridge nvt` + 3 hex digits, deleted after each trial, also on failure. Root.

    python3 integration/bench/kernel/nft_set_deletes.py
    python3 integration/bench/kernel/nft_set_deletes.py --sizes 1000:100,2000:500
"""
import argparse, random, subprocess, time

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000:1,1000:100,2000:1,2000:500,4000:100,10000:10", help="N:M pairs")
    args = parser.parse_args()
    table = "nvt%03x" % random.randrange(4096)
    port = lambda i: f'"{table}-v{i:07x}"'
    address = lambda i: f"10.{50 + i // 60000}.{(i // 250) % 240}.{i % 250 + 2}"

    def nft(text):
        done = subprocess.run(["nft", "-f", "-"], input=text.encode(), capture_output=True)
        if done.returncode:
            raise SystemExit(f"nft failed: {done.stderr.decode().strip()}")

    def trial(n, m, declaration):
        nft(f"add table bridge {table}\nadd set bridge {table} s {{ {declaration} }}\n"
            + "add element bridge " + table + " s { " + ", ".join(f"{port(i)} . {address(i)}" for i in range(n)) + " }\n")
        try:
            start = time.monotonic()
            nft("delete element bridge " + table + " s { " + ", ".join(f"{port(i)} . {address(i)}" for i in range(n - m, n)) + " }\n")
            return time.monotonic() - start
        finally:
            subprocess.run(["nft", "delete", "table", "bridge", table], capture_output=True)

    print("| present | deleted | interval set (pipapo) | hash set |")
    print("|---:|---:|---:|---:|")
    for pair in args.sizes.split(","):
        n, m = (int(x) for x in pair.split(":"))
        pipapo = trial(n, m, "type ifname . ipv4_addr; flags interval;")
        hashed = trial(n, m, "type ifname . ipv4_addr;")
        print(f"| {n:,} | {m:,} | {pipapo * 1000:,.0f} ms | {hashed * 1000:,.0f} ms |", flush=True)

if __name__ == "__main__":
    main()
