using NetVirt.Audit.Verdicts;

namespace NetVirt.Audit.Reports;

/// <summary>
/// The matrix aggregated by group (network, else L2 domain): for each ordered pair of groups, how many endpoint pairs
/// there are and the worst status among them. What the terminal shows when the full matrix would not fit.
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

        foreach (var s in endpoints)
        {
            foreach (var r in endpoints)
            {
                if (s.Index == r.Index)
                {
                    continue;
                }

                ref var cell = ref cells[indexOf[s.Group], indexOf[r.Group]];
                var status = result.Pair(s.Index, r.Index);
                cell.Item1++;
                cell.Item2 = status > cell.Item2 ? status : cell.Item2;
                cell.Item3[status] = cell.Item3.GetValueOrDefault(status) + 1;
            }
        }

        return new GroupMatrix(groups, cells);
    }
}
