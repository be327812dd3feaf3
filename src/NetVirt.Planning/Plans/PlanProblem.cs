namespace NetVirt.Planning.Plans;

/// <summary>
/// Something that stops a plan from being applied: a desired object whose name a foreign object holds, a link
/// the model needs that the host lacks, a kernel feature that is missing.
/// </summary>
public sealed record PlanProblem(string Subject, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Subject}: {Message}";
}
