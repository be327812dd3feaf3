using NetVirt.Audit.Verdicts;

namespace NetVirt.Audit.Reports;

/// <summary>
/// The matrix aggregated by group (network, else L2 domain): for each ordered pair of groups, how many endpoint pairs
/// there are and the worst status among them (in a stratified audit a pair of classes counts for every pair of their
/// members, with the class pair's status). What the terminal shows when the full matrix would not fit.
/// </summary>
public sealed class GroupMatrix
{
    private GroupMatrix(IReadOnlyList<string> groups, (int Pairs, PairStatus Worst, Dictionary<PairStatus, int> Counts)[,] cells)
    {
        Groups = groups;
        Cells = cells;
    }

    /// <summary>Group labels in order of first appearance.</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>[from, to]: pair count, worst status and count per status.</summary>
    public (int Pairs, PairStatus Worst, Dictionary<PairStatus, int> Counts)[,] Cells { get; }

    /// <summary>Aggregates <paramref name="result"/>.</summary>
    public static GroupMatrix From(AuditResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var endpoints = result.Topology.Endpoints;
        var groups = endpoints.Select(e => e.Group).Distinct(StringComparer.Ordinal).ToList();
        var indexOf = groups.Select((g, i) => (g, i)).ToDictionary(x => x.g, x => x.i, StringComparer.Ordinal);
        var cells = new (int, PairStatus, Dictionary<PairStatus, int>)[groups.Count, groups.Count];
        for (var a = 0; a < groups.Count; a++)
        {
            for (var b = 0; b < groups.Count; b++)
            {
                cells[a, b] = (0, PairStatus.Self, []);
            }
        }

        // Each row stands for its members (one endpoint in a full audit): a pair of rows counts for every pair of members.
        var classes = result.Classes.All;
        for (var s = 0; s < result.Rows; s++)
        {
            for (var r = 0; r < result.Rows; r++)
            {
                var members = (long)classes[s].Members.Count * (classes[r].Members.Count - (s == r ? 1 : 0));
                if (members == 0)
                {
                    continue;
                }

                ref var cell = ref cells[indexOf[result.RowEndpoint(s).Group], indexOf[result.RowEndpoint(r).Group]];
                var status = result.Pair(s, r);
                cell.Item1 += (int)members;
                cell.Item2 = status > cell.Item2 ? status : cell.Item2;
                cell.Item3[status] = cell.Item3.GetValueOrDefault(status) + (int)members;
            }
        }

        return new GroupMatrix(groups, cells);
    }
}
