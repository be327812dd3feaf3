namespace NetVirt.Audit.Runs;

/// <summary>Where an audit run is, for progress bars.</summary>
public enum AuditPhase
{
    /// <summary>Checking namespaces and reading the zones' addresses.</summary>
    Inspecting,

    /// <summary>Opening a capture in every zone.</summary>
    Opening,

    /// <summary>Broadcasts and gateway queries.</summary>
    Discovering,

    /// <summary>Sending the probes.</summary>
    Probing,

    /// <summary>Waiting for the last frames.</summary>
    Settling,

    /// <summary>Comparing with the model.</summary>
    Judging,
}
