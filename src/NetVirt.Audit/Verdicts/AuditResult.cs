using NetVirt.Audit.Expectations;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Topology;

namespace NetVirt.Audit.Verdicts;

/// <summary>
/// The verdicts of one audit: the observed matrix over the audit's classes (per ordered pair of classes and
/// reachability kind, and a per-pair summary; in a full audit every endpoint is a class of its own, so the matrix is
/// per endpoint), the findings (always per endpoint), and the run's facts. Pure data; reports are written from it.
/// </summary>
public sealed record AuditResult
{
    private readonly CellState[] cells;
    private readonly PairStatus[] pairs;

    /// <summary>Creates a result; <paramref name="cells"/> is c·c·kinds, <paramref name="pairs"/> c·c for c classes.</summary>
    public AuditResult(AuditTopology topology, AuditClasses classes, CellState[] cells, PairStatus[] pairs, IReadOnlyList<AuditFinding> findings, AuditRunInfo run)
    {
        Topology = topology ?? throw new ArgumentNullException(nameof(topology));
        Classes = classes ?? throw new ArgumentNullException(nameof(classes));
        var c = (long)classes.Count;
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(pairs);
        if (cells.LongLength != c * c * ProbeKinds.Reachability.Count || pairs.LongLength != c * c)
        {
            throw new ArgumentException("matrix sizes do not match the classes");
        }

        this.cells = cells;
        this.pairs = pairs;
        Findings = findings ?? throw new ArgumentNullException(nameof(findings));
        Run = run ?? throw new ArgumentNullException(nameof(run));
    }

    /// <summary>Full or stratified.</summary>
    public AuditMode Mode => Classes.Mode;

    /// <summary>The classes: the rows and columns of the matrix.</summary>
    public AuditClasses Classes { get; }

    /// <summary>Number of matrix rows (and columns).</summary>
    public int Rows => Classes.Count;

    /// <summary>The endpoints.</summary>
    public AuditTopology Topology { get; }

    /// <summary>Every finding, grouped by kind, pair and probe kind.</summary>
    public IReadOnlyList<AuditFinding> Findings { get; }

    /// <summary>Facts about the run.</summary>
    public AuditRunInfo Run { get; }

    /// <summary>The likely causes of <see cref="Findings"/>, each with its symptoms (<see cref="FindingCauses"/>).</summary>
    public IReadOnlyList<FindingCause> Causes { get; init; } = [];

    /// <summary>Which host, prefix, database and desired-state generation was audited, by which NetVirt; null when the caller did not say.</summary>
    public AuditHeader? Header { get; init; }

    /// <summary>True when nothing was found.</summary>
    public bool IsClean => Findings.Count == 0;

    /// <summary>True when a finding breaks isolation (what <c>apply --verify</c> rolls back on).</summary>
    public bool BreaksIsolation => Findings.Any(f => FindingKinds.BreaksIsolation(f.Kind));

    /// <summary>
    /// The outcome of reachability kind <paramref name="kind"/> (an index into <see cref="ProbeKinds.Reachability"/>)
    /// for the ordered pair of rows (classes).
    /// </summary>
    public CellState Cell(int source, int receiver, int kind) =>
        cells[(((((long)source * Rows) + receiver) * ProbeKinds.Reachability.Count) + kind)];

    /// <summary>The summary of the ordered pair of rows (classes).</summary>
    public PairStatus Pair(int source, int receiver) => pairs[((long)source * Rows) + receiver];

    /// <summary>How a row is named: its endpoint, or a class's representative and how many are like it.</summary>
    public string RowName(int row)
    {
        var c = Classes.All[row];
        var first = Topology.Endpoints[c.Representative].Name;
        return c.Members.Count == 1 ? first : $"{first} (+{c.Members.Count - 1})";
    }

    /// <summary>The endpoint that stands for row <paramref name="row"/>.</summary>
    public AuditEndpoint RowEndpoint(int row) => Topology.Endpoints[Classes.All[row].Representative];

    /// <summary>Number of findings of each kind.</summary>
    public IReadOnlyDictionary<FindingKind, int> CountByKind() =>
        Findings.GroupBy(f => f.Kind).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>
    /// What the model says of the pair of rows as a whole, in words: layer 2 first, then each IP family it routes or
    /// not (a class towards itself: its representative towards the member it probes).
    /// </summary>
    public string Explain(int source, int receiver)
    {
        var s = RowEndpoint(source);
        var r = source == receiver && Classes.All[source].RingPeer(0) is >= 0 and var peer ? Topology.Endpoints[peer] : RowEndpoint(receiver);
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

    /// <summary>True when the model lets anything of the pair of rows cross (layer 2, or routed in a family).</summary>
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
