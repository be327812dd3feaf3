namespace NetVirt.Planning.Plans;

/// <summary>Counts per change kind, as the plan's last line prints them.</summary>
public sealed record PlanSummary(int Create, int Change, int Replace, int Delete)
{
    /// <summary>True when the plan does nothing.</summary>
    public bool IsEmpty => Create + Change + Replace + Delete == 0;

    /// <inheritdoc />
    public override string ToString() => $"{Create} to create, {Change} to change, {Replace} to replace, {Delete} to delete";
}
