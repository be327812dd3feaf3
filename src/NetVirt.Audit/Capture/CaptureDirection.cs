namespace NetVirt.Audit.Capture;

/// <summary>Which frames a handle delivers, relative to the interface it is bound to.</summary>
public enum CaptureDirection
{
    /// <summary>Frames received by and sent from the interface.</summary>
    Both = 0,

    /// <summary>
    /// Only frames the interface received. The audit uses this so a zone never counts the probes it injected (or the
    /// replies its own kernel sent) as frames it received. What an interface sends is what its peer end receives:
    /// to watch a veth's outbound frames, capture inbound on the other end.
    /// </summary>
    Inbound = 1,
}
