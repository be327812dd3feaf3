using NetVirt.Bench.MultiHost;

namespace NetVirt.Integration.Infrastructure;

/// <summary>
/// A fact that needs the multi-host lab (<see cref="MultiHostLab"/>): what <see cref="LinuxRootFactAttribute"/> needs,
/// plus PostgreSQL and nsenter. Skipped where they are missing, except in CI, where it runs and fails with the reason.
/// </summary>
public sealed class MultiHostFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from the prerequisite probes.</summary>
    public MultiHostFactAttribute()
    {
        if ((Prerequisites.Missing ?? MultiHostLab.Missing) is { } why && !Prerequisites.Required)
        {
            Skip = $"needs the multi-host lab: {why}";
        }
    }
}
