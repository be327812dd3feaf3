using System.Net;

namespace NetVirt.Backends.Illumos.Resources;

/// <summary>
/// Resource names (identities within a kind). Objects that live in a zone's namespace are named
/// <c>{zone}/...</c>; the global zone is <c>global</c>. Zone names, link names and tags never contain '/', so the
/// names split back unambiguously.
/// </summary>
public static class ResourceNames
{
    /// <summary><c>{zone}/{link}</c> for a VNIC or an IP interface.</summary>
    public static string Link(string zone, string link) => $"{zone}/{link}";

    /// <summary><c>{zone}/{interface}/{tag}</c> for an address object.</summary>
    public static string AddrObj(string zone, string ipInterface, string tag) => $"{zone}/{ipInterface}/{tag}";

    /// <summary><c>{zone}/{destination}</c> for a route, the destination as a prefix (<c>0.0.0.0/0</c>).</summary>
    public static string Route(string zone, IPNetwork destination) => $"{zone}/{destination}";

    /// <summary>Splits <c>{zone}/{link}</c>.</summary>
    public static (string Zone, string Link) SplitLink(string name)
    {
        var parts = Split(name, 2);
        return (parts[0], parts[1]);
    }

    /// <summary>Splits <c>{zone}/{interface}/{tag}</c>.</summary>
    public static (string Zone, string Interface, string Tag) SplitAddrObj(string name)
    {
        var parts = Split(name, 3);
        return (parts[0], parts[1], parts[2]);
    }

    /// <summary>Splits <c>{zone}/{destination}</c>.</summary>
    public static (string Zone, IPNetwork Destination) SplitRoute(string name)
    {
        var parts = Split(name, 2);
        return IPNetwork.TryParse(parts[1], out var destination)
            ? (parts[0], destination)
            : throw new FormatException($"'{name}' is not a route name ({{zone}}/{{destination}})");
    }

    /// <summary>The zone to pass to zlogin/-z, or null for the global zone.</summary>
    public static string? NonGlobal(string zone) => string.Equals(zone, IllumosNaming.GlobalZone, StringComparison.Ordinal) ? null : zone;

    private static string[] Split(string name, int count)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.Split('/', count);
        return parts.Length == count && parts.All(p => p.Length > 0)
            ? parts
            : throw new FormatException($"'{name}' is not a resource name with {count} '/'-separated parts");
    }
}
