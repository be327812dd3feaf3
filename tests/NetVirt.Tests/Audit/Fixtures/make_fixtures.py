#!/usr/bin/env python3
"""Helper of make-fixtures.sh: sends the traffic (inside namespace A), splits the capture into one hex file per
frame kind, and writes the hand-made fixtures (RFC layouts, built here independently of the C# code)."""
import ctypes, datetime, fcntl, os, socket, struct, subprocess, sys, tempfile, time

A4, B4 = "192.0.2.10", "192.0.2.11"
A6, B6 = "2001:db8::a", "2001:db8::b"
MAC_A, MAC_B = bytes.fromhex("02005e10000a"), bytes.fromhex("02005e10000b")


def disable_tx_checksum(ifname):
    # SIOCETHTOOL / ETHTOOL_STXCSUM with data 0: compute checksums in software (what `ethtool -K dev tx off` does).
    value = ctypes.create_string_buffer(struct.pack("II", 0x17, 0))
    request = struct.pack("16sP", ifname.encode(), ctypes.addressof(value))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s, 0x8946, request)


def traffic(ifname):
    disable_tx_checksum(ifname)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((A4, 40000))
        s.sendto(b"netvirt-udp4-fixture", (B4, 40001))  # first packet: the kernel ARPs for B first
    time.sleep(0.3)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP) as s:
        s.bind((A4, 0x4e56))  # a ping socket's bound port is the echo identifier
        s.sendto(struct.pack("!BBHHH", 8, 0, 0, 0, 1) + b"netvirt-icmp4-fixture", (B4, 0))
        s.settimeout(2)
        s.recv(2048)
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
        s.bind((A6, 40000))
        s.sendto(b"netvirt-udp6-fixture", (B6, 40001))  # first packet: neighbour solicitation for B first
    time.sleep(0.3)
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, socket.IPPROTO_ICMPV6) as s:
        s.bind((A6, 0x4e56))
        s.sendto(struct.pack("!BBHHH", 128, 0, 0, 0, 1) + b"netvirt-icmp6-fixture", (B6, 0))
        s.settimeout(2)
        s.recv(2048)
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
        group = socket.inet_pton(socket.AF_INET6, "ff15::4e56")
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, group + struct.pack("@I", socket.if_nametoindex(ifname)))
        time.sleep(0.3)


def read_pcap(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic == 0xA1B2C3D4, hex(magic)
    offset, frames = 24, []
    while offset < len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[offset:offset + 16])
        frames.append(data[offset + 16:offset + 16 + incl])
        offset += 16 + incl
    return frames


def classify(f):
    etype = struct.unpack("!H", f[12:14])[0]
    if etype == 0x0806:
        return {1: "arp-request", 2: "arp-reply"}.get(struct.unpack("!H", f[20:22])[0])
    if etype == 0x0800:
        proto = f[23]
        if proto == 1:
            return {8: "icmp4-echo-request", 0: "icmp4-echo-reply"}.get(f[34])
        if proto == 17:
            return "udp4"
    if etype == 0x86DD:
        nh = f[20]
        if nh == 58 and f[54] == 135 and f[22:38] == bytes(16):
            # Duplicate address detection (source ::, no link-layer option) for the address make-fixtures.sh adds;
            # link-local addresses may be checked too, at unpredictable times, and are ignored.
            return "ndp-dad-neighbor-solicitation" if f[62:78] == socket.inet_pton(socket.AF_INET6, "2001:db8::c") else None
        if nh == 58:
            return {128: "icmp6-echo-request", 129: "icmp6-echo-reply", 135: "ndp-neighbor-solicitation",
                    136: "ndp-neighbor-advertisement"}.get(f[54])
        if nh == 17:
            return "udp6"
        if nh == 0 and f[54] == 58 and f[62] == 143:
            return "mldv2-report"  # hop-by-hop (router alert), then ICMPv6 type 143
    return None


def tcpdump_decode(frames):
    with tempfile.NamedTemporaryFile(suffix=".pcap", delete=False) as t:
        t.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for f in frames:
            t.write(struct.pack("<IIII", 1700000000, 0, len(f), len(f)) + f)
        name = t.name
    try:
        out = subprocess.run(["tcpdump", "-r", name, "-e", "-nn", "-vvv", "-t"], capture_output=True, text=True).stdout
    finally:
        os.unlink(name)
    return out.rstrip("\n")


def write_fixture(directory, name, frame, origin):
    lines = [f"# {name}: {origin}", "# tcpdump -e -nn -vvv of these bytes:"]
    lines += ["#   " + line for line in tcpdump_decode([frame]).splitlines()]
    lines += [frame[i:i + 16].hex(" ") for i in range(0, len(frame), 16)]
    open(os.path.join(directory, name + ".hex"), "w").write("\n".join(lines) + "\n")


def split(pcap, directory, tcpdump_version):
    seen = {}
    for f in read_pcap(pcap):
        kind = classify(f)
        if kind and kind not in seen:
            seen[kind] = f
    wanted = ["arp-request", "arp-reply", "icmp4-echo-request", "icmp4-echo-reply", "udp4", "ndp-neighbor-solicitation",
              "ndp-neighbor-advertisement", "ndp-dad-neighbor-solicitation", "icmp6-echo-request", "icmp6-echo-reply",
              "udp6", "mldv2-report"]
    missing = [k for k in wanted if k not in seen]
    if missing:
        sys.exit(f"capture lacks {missing}")
    today = datetime.date.today().isoformat()
    origin = f"captured by make-fixtures.sh ({tcpdump_version}, Linux {os.uname().release}) on {today}"
    for kind in wanted:
        write_fixture(directory, kind, seen[kind], origin)

    # The whole savefile as tcpdump wrote it, for the pcap reader tests.
    data = open(pcap, "rb").read()
    lines = [f"# tcpdump-capture.pcap: the savefile tcpdump -w wrote, {origin}; {len(read_pcap(pcap))} records"]
    lines += [data[i:i + 16].hex(" ") for i in range(0, len(data), 16)]
    open(os.path.join(directory, "tcpdump-capture.pcap.hex"), "w").write("\n".join(lines) + "\n")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def handmade(directory):
    # DHCPOFFER from a rogue server 192.0.2.11 (B) to client A, RFC 2131 layout, padded to 300 bytes (RFC 1542).
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128sI", 2, 1, 6, 0, 0x4E565054, 0, 0,
                        bytes(4), socket.inet_aton("192.0.2.10"), bytes(4), bytes(4), MAC_A + bytes(10),
                        bytes(64), bytes(128), 0x63825363)
    options = bytes([53, 1, 2, 54, 4]) + socket.inet_aton(B4) + bytes([51, 4]) + struct.pack("!I", 3600)
    options += bytes([1, 4]) + socket.inet_aton("255.255.255.0") + bytes([3, 4]) + socket.inet_aton("192.0.2.1")
    options += bytes([224, 12]) + b"NVPT" + struct.pack("!Q", 0x0102030405060708) + bytes([255])
    bootp = (bootp + options).ljust(300, b"\0")
    udp = struct.pack("!HHHH", 67, 68, 8 + len(bootp), 0) + bootp
    pseudo = socket.inet_aton(B4) + socket.inet_aton("192.0.2.10") + struct.pack("!BBH", 0, 17, len(udp))
    udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp)) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0x10, 20 + len(udp), 0, 0, 128, 17, 0, socket.inet_aton(B4), socket.inet_aton("192.0.2.10"))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    frame = MAC_A + MAC_B + b"\x08\x00" + ip + udp
    write_fixture(directory, "dhcp-offer", frame, "hand-made by make_fixtures.py from RFC 2131/2132 (xid 0x4e565054, option 224 = probe tag 0x0102030405060708)")

    # VLAN-tagged variants of the captured ARP request: 802.1Q (TPID 0x8100, PCP 5, VID 100) and Q-in-Q
    # (S-tag 0x88a8 VID 300, C-tag 0x8100 VID 100), each padded to 60 bytes with a probe tag in the padding.
    arp = bytes.fromhex("".join(l for l in open(os.path.join(directory, "arp-request.hex")) if not l.startswith("#")).replace(" ", "").replace("\n", ""))
    tag = b"NVPT" + struct.pack("!Q", 0x1122334455667788)
    single = (arp[:12] + struct.pack("!HH", 0x8100, (5 << 13) | 100) + arp[12:] + tag).ljust(60, b"\0")
    write_fixture(directory, "vlan-single-arp-request", single, "hand-made by make_fixtures.py: arp-request with an 802.1Q tag (PCP 5, VID 100) and probe tag 0x1122334455667788 in the padding")
    double = (arp[:12] + struct.pack("!HHHH", 0x88A8, 300, 0x8100, 100) + arp[12:] + tag).ljust(60, b"\0")
    write_fixture(directory, "vlan-double-arp-request", double, "hand-made by make_fixtures.py: arp-request with S-tag 0x88a8 VID 300 and C-tag 0x8100 VID 100, probe tag 0x1122334455667788 in the padding")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "traffic":
        traffic(sys.argv[2])
    elif command == "split":
        split(sys.argv[2], sys.argv[3], sys.argv[4])
    elif command == "handmade":
        handmade(sys.argv[2])
    else:
        sys.exit(f"unknown command {command}")
