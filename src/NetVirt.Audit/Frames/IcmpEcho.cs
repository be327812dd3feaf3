namespace NetVirt.Audit.Frames;

/// <summary>An ICMP or ICMPv6 echo message header (the data goes in the builder's payload).</summary>
/// <param name="Identifier">Identifier.</param>
/// <param name="SequenceNumber">Sequence number.</param>
/// <param name="IsReply">Reply (ICMP type 0 / ICMPv6 129) instead of request (8 / 128).</param>
public sealed record IcmpEcho(ushort Identifier, ushort SequenceNumber, bool IsReply = false);
