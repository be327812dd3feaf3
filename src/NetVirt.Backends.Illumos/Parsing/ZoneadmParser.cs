using System.Globalization;

namespace NetVirt.Backends.Illumos.Parsing;

/// <summary>Pure parser for <c>zoneadm list -cp</c>.</summary>
public static class ZoneadmParser
{
    /// <summary>
    /// Parses <c>zoneadm list -cp</c>: <c>zoneid:zonename:state:zonepath:uuid:brand:ip-type</c>, ':' in the path
    /// escaped as <c>\:</c>; newer platforms append fields, which are ignored. The global zone is left out.
    /// </summary>
    public static IReadOnlyList<ZoneObserved> ParseList(string text)
    {
        var zones = new List<ZoneObserved>();
        foreach (var line in ParseableOutput.Lines(text))
        {
            var f = ParseableOutput.SplitLine(line);
            if (f.Length < 7)
            {
                throw new FormatException($"expected at least 7 ':'-separated fields in zoneadm line '{line}', found {f.Length}");
            }

            if (string.Equals(f[1], Resources.IllumosNaming.GlobalZone, StringComparison.Ordinal))
            {
                continue;
            }

            int? id = int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
            zones.Add(new ZoneObserved(id, f[1], f[2], f[3], f[5], f[6]));
        }

        return zones;
    }
}
