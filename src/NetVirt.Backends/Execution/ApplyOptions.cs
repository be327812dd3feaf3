namespace NetVirt.Backends.Execution;

/// <summary>How to run a plan.</summary>
public sealed record ApplyOptions
{
    /// <summary>Default options: stop at the first failure and undo this run's steps.</summary>
    public static ApplyOptions Default { get; } = new();

    /// <summary>Continue after a failed step instead of stopping and rolling back.</summary>
    public bool KeepGoing { get; init; }

    /// <summary>What started the run (<c>cli</c>, <c>api</c>, <c>reconcile-loop</c>), for the journal.</summary>
    public string Trigger { get; init; } = "cli";
}
