namespace NetVirt.Audit.Topology;

/// <summary>How much of the matrix an audit probes directly.</summary>
public enum AuditMode : byte
{
    /// <summary>Every ordered pair of endpoints, every probe kind: the matrix of endpoints.</summary>
    Full,

    /// <summary>
    /// Every ordered pair of classes through their representatives, plus every endpoint's own probes (one peer of its
    /// class, spoofing, VLAN tags): the matrix of classes (<see cref="AuditClasses"/>).
    /// </summary>
    Stratified,
}
