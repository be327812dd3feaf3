namespace NetVirt.Cni;

/// <summary>The CNI spec versions NetVirt speaks, and what each allows.</summary>
public static class CniVersions
{
    /// <summary>The newest version: what VERSION reports as its own.</summary>
    public const string Latest = "1.1.0";

    /// <summary>
    /// What <c>netvirt cni config</c> writes: podman 4.3 and containerd 1.6 were built on libcni 1.1, which predates CNI
    /// 1.1 (they pass a 1.1.0 list to the plugin, but never call STATUS or GC).
    /// </summary>
    public const string Default = "1.0.0";

    /// <summary>Every version the plugin accepts in a configuration, oldest first.</summary>
    public static IReadOnlyList<string> Supported { get; } = ["0.4.0", "1.0.0", "1.1.0"];

    /// <summary>True when <paramref name="version"/> is one of <see cref="Supported"/>.</summary>
    public static bool IsSupported(string? version) => version is not null && Supported.Contains(version, StringComparer.Ordinal);

    /// <summary>True when <paramref name="version"/> has STATUS and GC (1.1.0 and later).</summary>
    public static bool HasStatusAndGc(string version) => string.Equals(version, "1.1.0", StringComparison.Ordinal);

    /// <summary>True when IP entries of a result carry <c>version</c> ("4"/"6"): before 1.0.0.</summary>
    public static bool HasIpVersionField(string version) => string.Equals(version, "0.4.0", StringComparison.Ordinal);

    /// <summary>True when interfaces of a result may carry <c>mtu</c> (1.1.0).</summary>
    public static bool HasInterfaceMtu(string version) => HasStatusAndGc(version);
}
