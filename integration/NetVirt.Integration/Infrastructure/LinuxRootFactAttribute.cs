namespace NetVirt.Integration.Infrastructure;

/// <summary>
/// A fact that needs root, network namespaces, iproute2, nftables and libpcap. Skipped where they are missing,
/// except in CI (<see cref="Prerequisites.Required"/>), where it runs and fails with the reason.
/// </summary>
public sealed class LinuxRootFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from the prerequisite probe.</summary>
    public LinuxRootFactAttribute()
    {
        if (Prerequisites.Missing is { } why && !Prerequisites.Required)
        {
            Skip = $"needs a privileged Linux host: {why}";
        }
    }
}
