namespace NetVirt.Model.Errors;

/// <summary>
/// A write that named the generation it was based on (<c>If-Match</c>) found the desired state at another one: it
/// changed since the caller read it. Nothing was written; read again and decide again. The API answers 412.
/// </summary>
public sealed class StaleGenerationException : NetVirtException
{
    /// <summary>Creates the exception.</summary>
    public StaleGenerationException(long expected, long actual)
        : base($"the desired state is at generation {actual}, not {expected}: it changed since it was read; read it again and retry")
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The generation the caller expected.</summary>
    public long Expected { get; }

    /// <summary>The generation stored.</summary>
    public long Actual { get; }
}
