namespace NetVirt.Backends.Illumos.Parsing;

/// <summary>Pure parsers for the ipadm output the backend reads.</summary>
public static class IpadmParser
{
    /// <summary>Fields requested from <c>show-if</c>.</summary>
    public static readonly IReadOnlyList<string> ShowIfFields = ["ifname", "state"];

    /// <summary>Fields requested from <c>show-addr</c>.</summary>
    public static readonly IReadOnlyList<string> ShowAddrFields = ["addrobj", "type", "state", "addr"];

    /// <summary>Fields requested when verifying one address object.</summary>
    public static readonly IReadOnlyList<string> ShowOneAddrFields = ["type", "addr"];

    /// <summary>Parses <c>ipadm show-if -p -o ifname,state</c>.</summary>
    public static IReadOnlyList<IpInterfaceObserved> ParseShowIf(string text) =>
        [.. ParseableOutput.Parse(text, ShowIfFields.Count).Select(f => new IpInterfaceObserved(f[0], f[1]))];

    /// <summary>Parses <c>ipadm show-addr -p -o addrobj,type,state,addr</c> (IPv6 colons arrive escaped).</summary>
    public static IReadOnlyList<AddressObserved> ParseShowAddr(string text) =>
        [.. ParseableOutput.Parse(text, ShowAddrFields.Count).Select(f => f[0].Contains('/', StringComparison.Ordinal)
            ? new AddressObserved(f[0], f[1], f[2], f[3])
            : throw new FormatException($"'{f[0]}' is not an address object (interface/tag)"))];

    /// <summary>Parses <c>ipadm show-addr -p -o type,addr obj</c> for one address object.</summary>
    public static (string Type, string Address) ParseShowOneAddr(string text)
    {
        var rows = ParseableOutput.Parse(text, ShowOneAddrFields.Count);
        return rows.Count == 1 ? (rows[0][0], rows[0][1]) : throw new FormatException($"expected one address line, found {rows.Count}");
    }
}
