using NetVirt.Audit.Expectations;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Topology;

namespace NetVirt.Audit.Verdicts;

/// <summary>
/// The verdicts of one audit: the observed matrix (per ordered pair and reachability kind, and a per-pair summary),
/// the findings, and the run's facts. Pure data; reports are written from it.
/// </summary>
public sealed record AuditResult
{
    private readonly CellState[] cells;
    private readonly PairStatus[] pairs;

    /// <summary>Creates a result; <paramref name="cells"/> is n·n·kinds, <paramref name="pairs"/> n·n.</summary>
    public AuditResult(AuditTopology topology, CellState[] cells, PairStatus[] pairs, IReadOnlyList<AuditFinding> findings, AuditRunInfo run)
    {
        Topology = topology ?? throw new ArgumentNullException(nameof(topology));
        var n = topology.Endpoints.Count;
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(pairs);
        if (cells.Length != n * n * ProbeKinds.Reachability.Count || pairs.Length != n * n)
        {
            throw new ArgumentException("matrix sizes do not match the topology");
        }

        this.cells = cells;
        this.pairs = pairs;
        Findings = findings ?? throw new ArgumentNullException(nameof(findings));
        Run = run ?? throw new ArgumentNullException(nameof(run));
    }

    /// <summary>The endpoints.</summary>
    public AuditTopology Topology { get; }

    /// <summary>Every finding, grouped by kind, pair and probe kind.</summary>
    public IReadOnlyList<AuditFinding> Findings { get; }

    /// <summary>Facts about the run.</summary>
    public AuditRunInfo Run { get; init; }

    /// <summary>The likely causes of <see cref="Findings"/>, each with its symptoms (<see cref="FindingCauses"/>).</summary>
    public IReadOnlyList<FindingCause> Causes { get; init; } = [];

    /// <summary>Which host, prefix, database and desired-state generation was audited, by which NetVirt; null when the caller did not say.</summary>
    public AuditHeader? Header { get; init; }

    /// <summary>True when nothing was found.</summary>
    public bool IsClean => Findings.Count == 0;

    /// <summary>True when a finding breaks isolation (what <c>apply --verify</c> rolls back on).</summary>
    public bool BreaksIsolation => Findings.Any(f => FindingKinds.BreaksIsolation(f.Kind));

    /// <summary>The outcome of reachability kind <paramref name="kind"/> (an index into <see cref="ProbeKinds.Reachability"/>) for the pair.</summary>
    public CellState Cell(int source, int receiver, int kind) =>
        cells[(((source * Topology.Endpoints.Count) + receiver) * ProbeKinds.Reachability.Count) + kind];

    /// <summary>The summary of the ordered pair.</summary>
    public PairStatus Pair(int source, int receiver) => pairs[(source * Topology.Endpoints.Count) + receiver];

    /// <summary>Number of findings of each kind.</summary>
    public IReadOnlyDictionary<FindingKind, int> CountByKind() =>
        Findings.GroupBy(f => f.Kind).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>What the model says of the pair as a whole, in words: layer 2 first, then each IP family it routes or not.</summary>
    public string Explain(int source, int receiver)
    {
        var s = Topology.Endpoints[source];
        var r = Topology.Endpoints[receiver];
        var l2 = PathRules.Layer2(s, r);
        if (l2.Expectation == Expectation.Must)
        {
            return PathRules.Explain(l2, s, r);
        }

        var parts = new List<string>();
        foreach (var family in new[] { System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.AddressFamily.InterNetworkV6 })
        {
            var l3 = PathRules.Layer3(s, r, family);
            if (l3.Expectation != Expectation.NotApplicable)
            {
                parts.Add((family == System.Net.Sockets.AddressFamily.InterNetwork ? "IPv4 " : "IPv6 ") + PathRules.Explain(l3, s, r, family));
            }
        }

        return parts.Count == 0 ? PathRules.Explain(l2, s, r) : string.Join("; ", parts.Distinct());
    }

    /// <summary>True when the model lets anything of the pair cross (layer 2, or routed in a family).</summary>
    public bool ExpectedReachable(int source, int receiver)
    {
        for (var k = 0; k < ProbeKinds.Reachability.Count; k++)
        {
            if (Cell(source, receiver, k) is CellState.Reached or CellState.Blackholed)
            {
                return true;
            }
        }

        return false;
    }
}
