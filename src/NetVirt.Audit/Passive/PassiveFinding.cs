namespace NetVirt.Audit.Passive;

/// <summary>
/// A frame seen in passive mode whose source is not what the model allows: sent by a VNIC with a MAC or IP that is
/// not its own or allowed (<see cref="Outbound"/>), or received from a VNIC whose frames should never get there.
/// </summary>
/// <param name="Kind">FOREIGN_SOURCE, or SPOOF_PASSED / LEAK when the sender is known and the frame got through.</param>
/// <param name="Endpoint">The VNIC whose capture saw the frame.</param>
/// <param name="Sender">The VNIC that sent it when known by its MAC, else -1.</param>
/// <param name="Outbound">True when the frame left <see cref="Endpoint"/>; false when it arrived there.</param>
/// <param name="Source">The offending source, e.g. <c>MAC 00:00:5e:00:53:01</c> or <c>IPv4 192.0.2.1</c>.</param>
/// <param name="Expected">What the model allows, in words.</param>
/// <param name="Count">How many such frames.</param>
/// <param name="Frames">The first frames with their timestamps (evidence).</param>
public sealed record PassiveFinding(
    Verdicts.FindingKind Kind,
    int Endpoint,
    int Sender,
    bool Outbound,
    string Source,
    string Expected,
    int Count,
    IReadOnlyList<(long TimestampMicroseconds, byte[] Frame)> Frames);
