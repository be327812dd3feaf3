using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace NetVirt.Backends.Illumos.Parsing;

/// <summary>
/// Pure parsers for the dladm output the backend reads. Each takes the text of one command run with the field list
/// named next to it, and throws <see cref="FormatException"/> naming the line when the text is not in that format.
/// </summary>
public static partial class DladmParser
{
    /// <summary>Fields requested from <c>show-link</c>, in this order.</summary>
    public static readonly IReadOnlyList<string> ShowLinkFields = ["link", "class", "mtu", "state", "over"];

    /// <summary>Fields requested from <c>show-vnic</c> on upstream illumos (SmartOS adds <c>zone</c>).</summary>
    public static readonly IReadOnlyList<string> ShowVnicFields = ["link", "over", "macaddress", "vid"];

    /// <summary>The link properties the backend reads on upstream illumos; <c>zone</c> first, so each link's block starts with it.</summary>
    public static readonly IReadOnlyList<string> LinkProperties = ["zone", "mtu", "maxbw", "priority", "protection", "allowed-ips"];

    /// <summary>SmartOS reads <c>dynamic-methods</c> as well.</summary>
    public static readonly IReadOnlyList<string> SmartOsLinkProperties = [.. LinkProperties, "dynamic-methods"];

    /// <summary>Parses <c>dladm show-link -p -o link,class,mtu,state,over</c>.</summary>
    public static IReadOnlyList<DatalinkObserved> ParseShowLink(string text) =>
        [.. ParseableOutput.Parse(text, ShowLinkFields.Count).Select(f => new DatalinkObserved(
            f[0], f[1], int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var mtu) ? mtu : null, f[3], f[4]))];

    /// <summary>
    /// Parses <c>dladm show-vnic -p -o link,over,macaddress,vid</c>, with <c>,zone</c> appended when
    /// <paramref name="withZone"/> (SmartOS). A ZONE of <c>--</c> (unassigned) becomes <c>global</c>.
    /// </summary>
    public static IReadOnlyList<VnicObserved> ParseShowVnic(string text, bool withZone) =>
        [.. ParseableOutput.Parse(text, ShowVnicFields.Count + (withZone ? 1 : 0)).Select(f => new VnicObserved(
            f[0], f[1], f[2], ParseVid(f[3], f[0]), withZone ? ZoneOf(f[4]) : null))];

    /// <summary>
    /// Parses <c>dladm show-linkprop -c -o link,property,value -p p1,p2,...</c> for a walk over every link: dladm prints
    /// each link's properties together, in the requested order, so a record starts whenever the first property comes
    /// round again. Zone links keep their in-zone names, which repeat across zones on SmartOS; the <c>zone</c>
    /// property, requested first, says whose each record is.
    /// </summary>
    public static IReadOnlyList<LinkPropertiesObserved> ParseShowLinkProp(string text, IReadOnlyList<string> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (properties.Count == 0 || !string.Equals(properties[0], "zone", StringComparison.Ordinal))
        {
            throw new ArgumentException("the property list must start with 'zone'", nameof(properties));
        }

        var result = new List<LinkPropertiesObserved>();
        var rows = ParseableOutput.Parse(text, 3);
        for (var i = 0; i < rows.Count; i += properties.Count)
        {
            if (i + properties.Count > rows.Count)
            {
                throw new FormatException($"show-linkprop output ends inside the record of link '{rows[i][0]}'");
            }

            var link = rows[i][0];
            var values = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            for (var j = 0; j < properties.Count; j++)
            {
                var (rowLink, property, value) = (rows[i + j][0], rows[i + j][1].ToLowerInvariant(), rows[i + j][2]);
                if (!string.Equals(rowLink, link, StringComparison.Ordinal) || !string.Equals(property, properties[j], StringComparison.Ordinal))
                {
                    throw new FormatException($"show-linkprop line '{rowLink}:{property}:{value}' is out of order: expected property '{properties[j]}' of link '{link}'");
                }

                values[property] = value;
            }

            result.Add(new LinkPropertiesObserved(link, ZoneOf(values["zone"]), values.ToImmutable()));
        }

        return result;
    }

    /// <summary>
    /// Tells SmartOS from upstream illumos by the usage text <c>dladm help</c> prints: only illumos-joyent lists
    /// <c>[-z zonename]</c> for <c>show-vnic</c>. Returns null when the text lists no <c>show-vnic</c> at all.
    /// </summary>
    public static IllumosVariant? ParseHelp(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = ParseableOutput.Lines(text).ToList();
        var start = lines.FindIndex(l => ShowVnicUsage().IsMatch(l));
        if (start < 0)
        {
            return null;
        }

        // The usage of one subcommand may wrap onto indented continuation lines.
        var usage = lines[start];
        for (var i = start + 1; i < lines.Count && ContinuationLine().IsMatch(lines[i]); i++)
        {
            usage += " " + lines[i];
        }

        return ZoneOption().IsMatch(usage) ? IllumosVariant.SmartOs : IllumosVariant.Illumos;
    }

    private static int ParseVid(string text, string link) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var vid) && vid <= 4094
            ? vid
            : throw new FormatException($"VID '{text}' of VNIC '{link}' is not a VLAN id");

    private static string ZoneOf(string value) => value is "" or "--" ? Resources.IllumosNaming.GlobalZone : value;

    [GeneratedRegex(@"^\s+show-vnic\s")]
    private static partial Regex ShowVnicUsage();

    // Continuation lines are indented further than the subcommand column and do not start a new subcommand.
    [GeneratedRegex(@"^\s{6,}[\[\{<\-|]")]
    private static partial Regex ContinuationLine();

    [GeneratedRegex(@"\[-z\s")]
    private static partial Regex ZoneOption();
}
