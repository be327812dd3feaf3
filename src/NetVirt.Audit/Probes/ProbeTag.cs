using System.Buffers.Binary;

namespace NetVirt.Audit.Probes;

/// <summary>
/// A 12-byte marker the audit hides in a probe frame (ICMP/UDP payload, or the Ethernet padding of ARP and neighbour
/// discovery frames): the magic <c>NVPT</c> followed by a 64-bit big-endian id. It fits in the 18 bytes of padding
/// after a 42-byte ARP frame, so tagging does not change a frame's length. Finding a tag is one vectorised
/// <see cref="MemoryExtensions.IndexOf{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/> over the frame.
/// </summary>
/// <param name="Id">Identifier, unique per probe within an audit run.</param>
public readonly record struct ProbeTag(ulong Id)
{
    /// <summary>Encoded size.</summary>
    public const int Size = 12;

    /// <summary>The four magic bytes that start every tag.</summary>
    public static ReadOnlySpan<byte> Magic => "NVPT"u8;

    /// <summary>Writes the tag to the start of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt64BigEndian(destination[Magic.Length..], Id);
    }

    /// <summary>The encoded tag as a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Finds the first tag anywhere in <paramref name="frame"/>.</summary>
    /// <param name="frame">Frame bytes.</param>
    /// <param name="tag">The tag found.</param>
    /// <param name="offset">Where it starts.</param>
    public static bool TryFind(ReadOnlySpan<byte> frame, out ProbeTag tag, out int offset)
    {
        // A magic too close to the end to hold an id cannot be followed by a complete tag either.
        offset = frame.IndexOf(Magic);
        if (offset >= 0 && offset <= frame.Length - Size)
        {
            tag = new ProbeTag(BinaryPrimitives.ReadUInt64BigEndian(frame[(offset + Magic.Length)..]));
            return true;
        }

        tag = default;
        offset = -1;
        return false;
    }

    /// <summary>Offset of this exact tag in <paramref name="frame"/>, or -1.</summary>
    public int IndexIn(ReadOnlySpan<byte> frame)
    {
        Span<byte> encoded = stackalloc byte[Size];
        WriteTo(encoded);
        return frame.IndexOf(encoded);
    }

    /// <inheritdoc />
    public override string ToString() => $"NVPT:{Id:x16}";
}
