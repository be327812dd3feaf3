#!/usr/bin/env python3
# dump.py PREFIX: prints the RTM_GETLINK / RTM_GETADDR / RTM_GETROUTE dumps of the current network namespace as
# "<type> <hex payload after the nlmsghdr>" lines, the way NetlinkSocket.Dump hands them to RtnlDecoder. With a
# PREFIX, links whose name does not start with it are left out (the host namespace of a shared machine).
import socket, struct, sys
def dump(sock, msgtype, body, seq):
    hdr = struct.pack("=LHHLL", 16 + len(body), msgtype, 0x301, seq, 0)
    sock.send(hdr + body)
    out = []
    while True:
        data = sock.recv(1 << 20)
        off = 0
        while off + 16 <= len(data):
            length, t, flags, s, pid = struct.unpack_from("=LHHLL", data, off)
            if t == 3:
                return out
            if t == 2:
                raise SystemExit("dump error")
            out.append((t, data[off + 16: off + length]))
            off += (length + 3) & ~3
def name(payload):
    off = 16
    while off + 4 <= len(payload):
        l, t = struct.unpack_from("=HH", payload, off)
        if l < 4: break
        if t & 0x3fff == 3:
            return payload[off + 4: off + l].rstrip(b"\0").decode()
        off += (l + 3) & ~3
    return ""
prefix = sys.argv[1] if len(sys.argv) > 1 else ""
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
lines = dump(s, 18, struct.pack("=BxHiII", 0, 0, 0, 0, 0) + struct.pack("=HHI", 8, 29, 8), 1)
if prefix:
    lines = [(t, p) for t, p in lines if name(p).startswith(prefix)]
else:
    lines += dump(s, 22, struct.pack("=BBBBi", 0, 0, 0, 0, 0), 2)
    lines += dump(s, 26, struct.pack("=BBBBBBBBI", 0, 0, 0, 0, 0, 0, 0, 0, 0), 3)
for t, p in lines:
    print(f"{t} {p.hex()}")
