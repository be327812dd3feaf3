using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NetVirt.Backends.Linux.Netlink;

/// <summary>
/// An <c>AF_NETLINK</c>/<c>NETLINK_ROUTE</c> socket, bound to the network namespace of the thread that opened it
/// (the kernel keeps that binding for the socket's life, whichever thread uses it later). Requests are sent in
/// chunks of many messages per <c>send</c>: the kernel processes a chunk synchronously and queues one
/// acknowledgement per message, which are then read back in one go. .NET's <see cref="System.Net.Sockets.Socket"/>
/// refuses the netlink family, so the descriptor is driven through libc.
/// </summary>
internal sealed class NetlinkSocket : IDisposable
{
    private const int MaxChunkBytes = 60 * 1024;
    private const int MaxChunkMessages = 256;
    private const int BufferBytes = 1 << 20;
    private const uint DumpSequence = 0x7fff_0000;

    [ThreadStatic]
    private static byte[]? t_buffer;

    private int _fd;
    private uint _dumps;

    private NetlinkSocket(int fd) => _fd = fd;

    /// <summary>Opens a socket in the calling thread's network namespace.</summary>
    public static unsafe NetlinkSocket Open()
    {
        var fd = Interop.Socket(Interop.AF_NETLINK, Interop.SOCK_RAW | Interop.SOCK_CLOEXEC, Interop.NETLINK_ROUTE);
        if (fd < 0)
        {
            throw new IOException($"cannot open a netlink socket: {Interop.Describe(Marshal.GetLastPInvokeError())}");
        }

        var socket = new NetlinkSocket(fd);
        // Room for the acknowledgements of a whole chunk (each costs about a kilobyte of socket memory), and
        // short acknowledgements with the kernel's reason text.
        var size = 8 << 20;
        var one = 1;
        Interop.SetSockOpt(fd, Interop.SOL_SOCKET, Interop.SO_RCVBUFFORCE, &size, sizeof(int));
        Interop.SetSockOpt(fd, Interop.SOL_SOCKET, Interop.SO_SNDBUFFORCE, &size, sizeof(int));
        Interop.SetSockOpt(fd, Interop.SOL_NETLINK, Interop.NETLINK_CAP_ACK, &one, sizeof(int));
        Interop.SetSockOpt(fd, Interop.SOL_NETLINK, Interop.NETLINK_EXT_ACK, &one, sizeof(int));
        return socket;
    }

    /// <summary>Sends every request of <paramref name="batch"/> and returns the kernel's answer to each, in order.</summary>
    public NetlinkResult[] Execute(NetlinkBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var results = new NetlinkResult[batch.Count];
        var answered = new bool[batch.Count];
        var first = 0;
        while (first < batch.Count)
        {
            var count = 0;
            var bytes = 0;
            while (first + count < batch.Count && count < MaxChunkMessages && (count == 0 || bytes + batch.Message(first + count).Length <= MaxChunkBytes))
            {
                bytes += batch.Message(first + count).Length;
                count++;
            }

            SendAll(batch.Messages(first, count));
            var pending = count;
            var buffer = Buffer();
            while (pending > 0)
            {
                var received = ReceiveInto(buffer);
                foreach (var (type, flags, sequence, payload) in Messages(buffer.AsSpan(0, received)))
                {
                    if (type != Rtnl.NLMSG_ERROR || sequence < first || sequence >= first + count || answered[sequence])
                    {
                        continue;
                    }

                    results[sequence] = ParseError(buffer.AsSpan(payload.Offset, payload.Length), flags);
                    answered[sequence] = true;
                    pending--;
                }
            }

            first += count;
        }

        return results;
    }

    /// <summary>
    /// Runs a dump (<c>RTM_GET*</c> with <c>NLM_F_DUMP</c>) and hands every answer message's type and payload (after
    /// the netlink header) to <paramref name="visit"/>. A dump the kernel marks as interrupted by a concurrent change
    /// is started again.
    /// </summary>
    public void Dump(ushort type, Action<NetlinkBatch> header, DumpVisitor visit)
    {
        for (var attempt = 0; ; attempt++)
        {
            var request = new NetlinkBatch();
            request.Begin(type, Rtnl.NLM_F_DUMP);
            header(request);
            request.End();
            var sequence = DumpSequence + _dumps++;
            var bytes = request.Message(0).ToArray();
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), sequence);
            SendAll(bytes);
            var interrupted = false;
            var buffer = Buffer();
            var done = false;
            var collected = new List<(ushort Type, byte[] Payload)>();
            while (!done)
            {
                var received = ReceiveInto(buffer);
                foreach (var (messageType, flags, messageSequence, payload) in Messages(buffer.AsSpan(0, received)))
                {
                    if (messageSequence != (sequence & int.MaxValue))
                    {
                        continue;
                    }

                    interrupted |= (flags & Rtnl.NLM_F_DUMP_INTR) != 0;
                    if (messageType == Rtnl.NLMSG_DONE)
                    {
                        done = true;
                    }
                    else if (messageType == Rtnl.NLMSG_ERROR)
                    {
                        var error = ParseError(buffer.AsSpan(payload.Offset, payload.Length), flags);
                        throw new IOException($"netlink dump (type {type}) failed: {error}");
                    }
                    else
                    {
                        collected.Add((messageType, buffer.AsSpan(payload.Offset, payload.Length).ToArray()));
                    }
                }
            }

            if (interrupted && attempt < 5)
            {
                continue;
            }

            foreach (var (messageType, payload) in collected)
            {
                visit(messageType, payload);
            }

            return;
        }
    }

    /// <summary>Closes the descriptor.</summary>
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Interop.Close(fd);
        }
    }

    private static byte[] Buffer() => t_buffer ??= new byte[BufferBytes];

    private unsafe void SendAll(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            while (true)
            {
                var sent = Interop.Send(_fd, p, (nuint)bytes.Length, 0);
                if (sent >= 0)
                {
                    return;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != Interop.EINTR)
                {
                    throw new IOException($"netlink send failed: {Interop.Describe(errno)}");
                }
            }
        }
    }

    private unsafe int ReceiveInto(byte[] buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var received = Interop.Receive(_fd, p, (nuint)buffer.Length, 0);
                if (received >= 0)
                {
                    return (int)received;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != Interop.EINTR)
                {
                    throw new IOException($"netlink receive failed: {Interop.Describe(errno)}");
                }
            }
        }
    }

    /// <summary>Splits a received datagram into messages: type, flags, sequence and payload range (after the header).</summary>
    internal static List<(ushort Type, ushort Flags, long Sequence, (int Offset, int Length) Payload)> Messages(ReadOnlySpan<byte> data)
    {
        var list = new List<(ushort, ushort, long, (int, int))>();
        var offset = 0;
        while (offset + Rtnl.HeaderLength <= data.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
            if (length < Rtnl.HeaderLength || offset + length > data.Length)
            {
                break;
            }

            var type = BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 4)..]);
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 6)..]);
            var sequence = BinaryPrimitives.ReadUInt32LittleEndian(data[(offset + 8)..]) & int.MaxValue;
            list.Add((type, flags, sequence, (offset + Rtnl.HeaderLength, length - Rtnl.HeaderLength)));
            offset += (length + 3) & ~3;
        }

        return list;
    }

    /// <summary>Decodes an <c>nlmsgerr</c>: the (negative) error, the echoed header and, with ack TLVs, the kernel's message.</summary>
    internal static NetlinkResult ParseError(ReadOnlySpan<byte> payload, ushort flags)
    {
        if (payload.Length < 4)
        {
            return new NetlinkResult(5, "truncated netlink acknowledgement");
        }

        var errno = -BinaryPrimitives.ReadInt32LittleEndian(payload);
        string? message = null;
        if ((flags & Rtnl.NLM_F_ACK_TLVS) != 0 && payload.Length >= 4 + Rtnl.HeaderLength)
        {
            // With NETLINK_CAP_ACK the echoed request is only its header.
            var attributes = new NetlinkAttributes(payload[(4 + Rtnl.HeaderLength)..]);
            while (attributes.MoveNext())
            {
                if (attributes.Type == Rtnl.NLMSGERR_ATTR_MSG)
                {
                    message = attributes.AsString();
                }
            }
        }

        return new NetlinkResult(errno, message);
    }
}

/// <summary>Receives one message of a dump: its type and its payload after the netlink header.</summary>
internal delegate void DumpVisitor(ushort type, ReadOnlySpan<byte> payload);
