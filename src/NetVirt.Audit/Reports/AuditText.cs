using NetVirt.Audit.Verdicts;

namespace NetVirt.Audit.Reports;

/// <summary>Words and symbols shared by every report, so the terminal, JSON, JUnit and HTML say the same thing.</summary>
public static class AuditText
{
    /// <summary><c>reachable</c>, <c>isolated</c>, <c>LEAK</c>, ...</summary>
    public static string Status(PairStatus status) => status switch
    {
        PairStatus.Self => "self",
        PairStatus.Isolated => "isolated",
        PairStatus.Reachable => "reachable",
        PairStatus.Blackhole => "BLACKHOLE",
        PairStatus.Leak => "LEAK",
        PairStatus.SpoofPassed => "SPOOF_PASSED",
        _ => "VLAN_HOP",
    };

    /// <summary><c>reached</c>, <c>isolated</c>, <c>leaked</c>, ... for one probe kind of a pair.</summary>
    public static string Cell(CellState state) => state switch
    {
        CellState.Reached => "reached",
        CellState.Isolated => "isolated",
        CellState.Leaked => "leaked",
        CellState.Blackholed => "blackholed",
        CellState.MayCrossed => "crossed (allowed)",
        CellState.MayNotCrossed => "not crossed (allowed)",
        _ => "not probed",
    };

    /// <summary><c>vnic-on-wrong-bridge</c>, <c>domains-joined</c>, ...: a cause kind in the documents' words.</summary>
    public static string Cause(CauseKind kind) => kind switch
    {
        CauseKind.VnicOnWrongBridge => "vnic-on-wrong-bridge",
        CauseKind.DomainsJoined => "domains-joined",
        CauseKind.RoutedBetweenNetworks => "routed-between-networks",
        CauseKind.VlanTagsCross => "vlan-tags-cross",
        CauseKind.ProtectionNotEnforced => "protection-not-enforced",
        CauseKind.Unreachable => "unreachable",
        CauseKind.HostReachable => "host-reachable",
        _ => "foreign-addresses",
    };

    /// <summary>The header as <c>(label, value)</c> pairs for the text reports, in a fixed order.</summary>
    public static IReadOnlyList<(string Label, string Value)> HeaderFields(AuditHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return
        [
            ("host", header.Host),
            ("prefix", header.Prefix),
            ("database", header.Database),
            ("generation", header.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("netvirt-version", header.Version),
        ];
    }

    /// <summary><c>full</c> or <c>stratified</c>.</summary>
    public static string Mode(Topology.AuditMode mode) => mode == Topology.AuditMode.Full ? "full" : "stratified";

    /// <summary>What the run covered, in one sentence for people (reports and the terminal).</summary>
    public static string Coverage(AuditResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var n = result.Topology.Endpoints.Count;
        var c = result.Classes.Count;
        var pairs = result.Topology.PairCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        var rest = " Across L2 domains, probes a bridge floods (ARP unicast, neighbour solicitation, IP without a gateway) go to one VNIC per other domain."
            + (result.Run.HostBridges.Count is > 0 and var bridges
                ? $" The host's side of {bridges} bridge{(bridges == 1 ? "" : "s")} watched: any probe the host's own stack receives is HOST_REACHED."
                : "");
        return result.Mode == Topology.AuditMode.Full
            ? $"every ordered pair of the {n} VNICs ({pairs} pairs) probed directly.{rest}"
            : $"the {n} VNICs fall into {c} classes of VNICs the model treats alike (same L2 domain, network, router, protection, routes and address families); "
              + $"{(long)c * (c - 1)} ordered pairs of classes probed between their representatives, every VNIC probed with a peer of its class, "
              + $"with its own spoofing and VLAN probes, and as a receiver of its domain's broadcasts; the verdicts stand for all {pairs} ordered pairs of VNICs.{rest}";
    }

    /// <summary>
    /// Where a finding's probe arrived (or should have): the receiving VNIC, <c>host (bridge)</c> for HOST_REACHED, or
    /// null for a finding about its source alone.
    /// </summary>
    public static string? To(Topology.AuditTopology topology, AuditFinding finding)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(finding);
        return finding.Receiver >= 0 ? topology.Endpoints[finding.Receiver].Name
            : finding.HostInterface is { } bridge ? $"host ({bridge})"
            : null;
    }

    /// <summary>Stable evidence file name for finding number <paramref name="number"/> (1-based).</summary>
    public static string EvidenceName(AuditResult result, AuditFinding finding, int number)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(finding);
        var endpoints = result.Topology.Endpoints;
        var to = finding.Receiver >= 0 ? Safe(endpoints[finding.Receiver].Name) : finding.HostInterface is null ? "zone" : "host";
        return $"{number:D4}-{FindingKinds.Name(finding.Kind)}-{Safe(endpoints[finding.Source].Name)}-to-{to}-{Probes.ProbeKinds.Name(finding.Probe)}.pcapng";
    }

    private static string Safe(string name) => name.Replace('/', '.');
}
