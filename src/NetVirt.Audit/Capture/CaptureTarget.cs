namespace NetVirt.Audit.Capture;

/// <summary>An interface to capture on, and the network namespace it lives in.</summary>
/// <param name="Netns">Name of the network namespace (as in <c>ip netns list</c>), or null for the caller's own.</param>
/// <param name="InterfaceName">Interface name inside that namespace.</param>
public readonly record struct CaptureTarget(string? Netns, string InterfaceName)
{
    /// <inheritdoc />
    public override string ToString() => Netns is null ? $"'{InterfaceName}'" : $"'{InterfaceName}' in netns '{Netns}'";
}
