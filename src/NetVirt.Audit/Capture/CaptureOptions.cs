namespace NetVirt.Audit.Capture;

/// <summary>How a capture handle is opened. The defaults suit the isolation audit: many small handles, inbound only.</summary>
public sealed record CaptureOptions
{
    /// <summary>The defaults.</summary>
    public static CaptureOptions Default { get; } = new();

    /// <summary>
    /// Bytes kept of each frame. 2048 covers a 1500-byte MTU with two VLAN tags; it also sizes each ring slot, so a
    /// smaller value fits more frames into <see cref="BufferSize"/>.
    /// </summary>
    public int SnapshotLength { get; init; } = 2048;

    /// <summary>Receive frames addressed to other MACs too; the audit needs it to see frames that leak to a zone.</summary>
    public bool Promiscuous { get; init; } = true;

    /// <summary>Deliver each frame as soon as it arrives instead of batching; needed for poll-driven reading.</summary>
    public bool ImmediateMode { get; init; } = true;

    /// <summary>Kernel ring size in bytes. Small by default because the audit opens hundreds of handles at once.</summary>
    public int BufferSize { get; init; } = 512 * 1024;

    /// <summary>Read timeout handed to the engine; reads never block here, so this only matters to engines that batch.</summary>
    public int ReadTimeoutMilliseconds { get; init; } = 10;

    /// <summary>Direction filter; <see cref="CaptureDirection.Inbound"/> by default.</summary>
    public CaptureDirection Direction { get; init; } = CaptureDirection.Inbound;

    /// <summary>A BPF expression (pcap-filter(7)) installed when the handle opens, or null for none.</summary>
    public string? Filter { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for values no engine can honour.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(SnapshotLength, 64, nameof(SnapshotLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(BufferSize, 64 * 1024, nameof(BufferSize));
        ArgumentOutOfRangeException.ThrowIfNegative(ReadTimeoutMilliseconds, nameof(ReadTimeoutMilliseconds));
        if (!Enum.IsDefined(Direction))
        {
            throw new ArgumentOutOfRangeException(nameof(Direction), Direction, "unknown capture direction");
        }
    }
}
