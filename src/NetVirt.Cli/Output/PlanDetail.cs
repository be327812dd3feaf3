namespace NetVirt.Cli.Output;

/// <summary>How much of a plan to print.</summary>
public enum PlanDetail
{
    /// <summary>Every step up to <see cref="PlanPrinter.SummaryAbove"/> steps, the summary above (with a hint how to see all).</summary>
    Auto,

    /// <summary>Every step (<c>plan --full</c>).</summary>
    Full,

    /// <summary>Counts per change and object kind, and the zones it interrupts (<c>plan --summary</c>).</summary>
    Summary,
}
