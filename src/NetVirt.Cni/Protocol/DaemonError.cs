namespace NetVirt.Cni.Protocol;

/// <summary>A refusal or failure the daemon answers with: the CNI error it becomes.</summary>
public sealed record DaemonError
{
    /// <summary>CNI error code (<see cref="CniErrorCode"/>).</summary>
    public required int Code { get; init; }

    /// <summary>Short message.</summary>
    public required string Msg { get; init; }

    /// <summary>Long message.</summary>
    public string? Details { get; init; }
}
