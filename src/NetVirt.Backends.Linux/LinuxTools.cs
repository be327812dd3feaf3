using NetVirt.Model.Errors;

namespace NetVirt.Backends.Linux;

/// <summary>Absolute paths of the iproute2 and nftables tools, resolved once (Debian puts them in /usr/sbin, others in /sbin or /usr/bin).</summary>
public sealed record LinuxTools(string Ip, string Tc, string Nft)
{
    /// <summary>iproute2's <c>bridge</c> (next to <c>ip</c>, from the same package): only for describing steps.</summary>
    public string Bridge => Path.Combine(Path.GetDirectoryName(Ip) ?? "/usr/sbin", "bridge");

    private static readonly string[] Directories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>The Debian locations, for describing commands without a host.</summary>
    public static LinuxTools Default { get; } = new("/usr/sbin/ip", "/usr/sbin/tc", "/usr/sbin/nft");

    /// <summary>Finds the tools; throws <see cref="BackendUnavailableException"/> naming the package of a missing one.</summary>
    public static LinuxTools Resolve() => new(Find("ip", "iproute2"), Find("tc", "iproute2"), Find("nft", "nftables"));

    private static string Find(string tool, string package) =>
        Directories.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists)
        ?? throw new BackendUnavailableException($"'{tool}' was not found in {string.Join(", ", Directories)}: install the {package} package");
}
