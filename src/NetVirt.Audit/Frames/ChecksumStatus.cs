namespace NetVirt.Audit.Frames;

/// <summary>
/// Result of verifying a checksum on parse. Frames captured on the sending side of a device with checksum offload
/// (veth included) can carry a partial checksum that the hardware or peer would have completed: such frames read as
/// <see cref="Invalid"/> although nothing is wrong on the wire.
/// </summary>
public enum ChecksumStatus
{
    /// <summary>Not verified: no such checksum in this frame, or the data was incomplete (fragment, truncation).</summary>
    NotChecked = 0,

    /// <summary>Verified and correct.</summary>
    Valid,

    /// <summary>Verified and wrong.</summary>
    Invalid,

    /// <summary>The optional checksum is absent (UDP over IPv4 with checksum 0).</summary>
    Absent,
}
