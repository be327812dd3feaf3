using NetVirt.Audit.Topology;

namespace NetVirt.Audit.Verdicts;

/// <summary>
/// One likely cause and its symptoms: the findings (indexes into <see cref="AuditResult.Findings"/>) it explains, in
/// words, with the ports observation found where NetVirt did not put them, when they explain it.
/// </summary>
public sealed record FindingCause
{
    /// <summary>What kind of cause.</summary>
    public required CauseKind Kind { get; init; }

    /// <summary>One line: <c>etherstub stub0, VLAN 100 and etherstub stub0, VLAN 200 are joined</c>.</summary>
    public required string Title { get; init; }

    /// <summary>Why this is the likely cause and where to look.</summary>
    public required string Explanation { get; init; }

    /// <summary>Ports on NetVirt's bridges that the desired state does not put there and that explain this cause.</summary>
    public IReadOnlyList<BridgePort> ForeignPorts { get; init; } = [];

    /// <summary>The findings this cause explains (indexes into <see cref="AuditResult.Findings"/>), in order.</summary>
    public required IReadOnlyList<int> Findings { get; init; }
}
