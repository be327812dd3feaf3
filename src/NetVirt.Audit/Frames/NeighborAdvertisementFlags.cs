namespace NetVirt.Audit.Frames;

/// <summary>Flags of a neighbour advertisement (RFC 4861 section 4.4), as bits of the first reserved byte.</summary>
[Flags]
public enum NeighborAdvertisementFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>O: override an existing cache entry.</summary>
    Override = 0x20,

    /// <summary>S: sent in response to a solicitation.</summary>
    Solicited = 0x40,

    /// <summary>R: the sender is a router.</summary>
    Router = 0x80,
}
