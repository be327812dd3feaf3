namespace NetVirt.Audit.Frames;

/// <summary>ARP opcode (RFC 826).</summary>
public enum ArpOperation : ushort
{
    /// <summary>Not an ARP frame, or an opcode the codec does not name.</summary>
    None = 0,

    /// <summary>Who-has request.</summary>
    Request = 1,

    /// <summary>Is-at reply.</summary>
    Reply = 2,
}
