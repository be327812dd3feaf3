using System.Buffers.Binary;

namespace NetVirt.Audit.Frames;

/// <summary>A decoded view over a BOOTP/DHCP message (RFC 2131), from <see cref="FrameParser.TryParseDhcp"/>.</summary>
public readonly ref struct ParsedDhcpMessage
{
    private readonly ReadOnlySpan<byte> message;

    internal ParsedDhcpMessage(ReadOnlySpan<byte> message) => this.message = message;

    /// <summary>op: 1 BOOTREQUEST, 2 BOOTREPLY.</summary>
    public byte Operation => message[0];

    /// <summary>xid.</summary>
    public uint TransactionId => BinaryPrimitives.ReadUInt32BigEndian(message[4..]);

    /// <summary>True when the broadcast bit of flags is set.</summary>
    public bool Broadcast => (BinaryPrimitives.ReadUInt16BigEndian(message[10..]) & 0x8000) != 0;

    /// <summary>ciaddr.</summary>
    public ReadOnlySpan<byte> ClientAddress => message.Slice(12, 4);

    /// <summary>yiaddr: the address offered or assigned.</summary>
    public ReadOnlySpan<byte> YourAddress => message.Slice(16, 4);

    /// <summary>siaddr: next server.</summary>
    public ReadOnlySpan<byte> NextServerAddress => message.Slice(20, 4);

    /// <summary>giaddr: relay agent.</summary>
    public ReadOnlySpan<byte> GatewayAddress => message.Slice(24, 4);

    /// <summary>chaddr as a MAC (the first six bytes; htype 1/hlen 6 is the only kind NetVirt sees).</summary>
    public MacAddress ClientHardwareAddress => new(message[28..]);

    /// <summary>Option 53, or <see cref="DhcpMessageType.None"/>.</summary>
    public DhcpMessageType MessageType => TryGetOption(53, out var value) && value.Length == 1 ? (DhcpMessageType)value[0] : DhcpMessageType.None;

    /// <summary>Option 54 (4 bytes), or empty.</summary>
    public ReadOnlySpan<byte> ServerIdentifier => TryGetOption(54, out var value) && value.Length == 4 ? value : default;

    /// <summary>Option 51 in seconds, or null.</summary>
    public uint? LeaseSeconds => TryGetOption(51, out var value) && value.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(value) : null;

    /// <summary>The options area after the magic cookie.</summary>
    public ReadOnlySpan<byte> Options => message[FrameBuilder.BootpFixedLength..];

    /// <summary>Finds the first option <paramref name="code"/> (pad 0 and end 255 are not options).</summary>
    public bool TryGetOption(byte code, out ReadOnlySpan<byte> value)
    {
        var options = Options;
        while (!options.IsEmpty)
        {
            var current = options[0];
            if (current == 255)
            {
                break;
            }

            if (current == 0)
            {
                options = options[1..];
                continue;
            }

            if (options.Length < 2 || options.Length < 2 + options[1])
            {
                break; // truncated option: stop rather than read past the message
            }

            if (current == code)
            {
                value = options.Slice(2, options[1]);
                return true;
            }

            options = options[(2 + options[1])..];
        }

        value = default;
        return false;
    }
}
