namespace NetVirt.Backends.Linux.Resources;

/// <summary>
/// Resource names (identities within a kind). Objects inside a namespace are named <c>{netns}/...</c>; namespace,
/// interface names and addresses never contain '/' except an address's prefix length, which comes last.
/// </summary>
public static class LinuxNames
{
    /// <summary><c>{netns}/{interface}</c> for a veth, leg, macvlan, shaping or protection.</summary>
    public static string Interface(string netns, string name) => $"{netns}/{name}";

    /// <summary><c>{netns}/{interface}/{address}/{prefix}</c> for an address.</summary>
    public static string Address(string netns, string ifname, string address) => $"{netns}/{ifname}/{address}";

    /// <summary><c>{netns}/{destination}</c> for a route.</summary>
    public static string Route(string netns, string destination) => $"{netns}/{destination}";

    /// <summary><c>bridge {table}</c> for the nftables table.</summary>
    public static string Table(string table) => $"bridge {table}";

    /// <summary>Splits <c>{netns}/{rest}</c>.</summary>
    public static (string Netns, string Remainder) Split(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < name.Length - 1
            ? (name[..slash], name[(slash + 1)..])
            : throw new FormatException($"'{name}' is not a resource name of the form {{netns}}/...");
    }

    /// <summary>Splits <c>{netns}/{interface}/{address}/{prefix}</c>.</summary>
    public static (string Netns, string Interface, string Address) SplitAddress(string name)
    {
        var (netns, rest) = Split(name);
        var (ifname, address) = Split(rest);
        return (netns, ifname, address);
    }
}
