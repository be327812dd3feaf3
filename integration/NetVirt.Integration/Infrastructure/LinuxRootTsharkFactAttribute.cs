namespace NetVirt.Integration.Infrastructure;

/// <summary>
/// A <see cref="LinuxRootFactAttribute"/> that also reads files with tshark: skipped where root, namespaces or tshark
/// are missing, except in CI (<see cref="Prerequisites.Required"/>), where it runs and fails with the reason.
/// </summary>
public sealed class LinuxRootTsharkFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from the prerequisite probes.</summary>
    public LinuxRootTsharkFactAttribute()
    {
        if ((Prerequisites.Missing ?? Tshark.Missing) is { } why && !Prerequisites.Required)
        {
            Skip = $"needs a privileged Linux host with tshark: {why}";
        }
    }
}
