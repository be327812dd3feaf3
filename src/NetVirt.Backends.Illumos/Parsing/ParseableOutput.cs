using System.Text;

namespace NetVirt.Backends.Illumos.Parsing;

/// <summary>
/// The parseable (<c>-p</c>/<c>-c</c>) output of libofmt, shared by dladm and ipadm (and zoneadm's <c>list -p</c>):
/// no header, one record per line, fields joined by ':'. With two or more requested fields, a literal ':' in a
/// value is written <c>\:</c> and a literal '\' as <c>\\</c>; with exactly one field the value is printed raw.
/// </summary>
public static class ParseableOutput
{
    /// <summary>
    /// The records of <paramref name="text"/> for a command asked for <paramref name="fieldCount"/> fields. Every line
    /// is one record (a single-field record may be empty); the final newline ends the last record.
    /// </summary>
    public static IReadOnlyList<string[]> Parse(string text, int fieldCount)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(fieldCount, 1);
        var records = new List<string[]>();
        foreach (var line in Lines(text))
        {
            records.Add(fieldCount == 1 ? [line] : SplitLine(line, fieldCount));
        }

        return records;
    }

    /// <summary>Splits one escaped line and checks that it has exactly <paramref name="fieldCount"/> fields.</summary>
    public static string[] SplitLine(string line, int fieldCount)
    {
        var fields = SplitLine(line);
        return fields.Length == fieldCount
            ? fields
            : throw new FormatException($"expected {fieldCount} ':'-separated fields but found {fields.Length} in '{line}'");
    }

    /// <summary>Splits one escaped line (two or more fields requested) into its fields.</summary>
    public static string[] SplitLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\')
            {
                if (++i == line.Length)
                {
                    throw new FormatException($"dangling '\\' at the end of '{line}'");
                }

                current.Append(line[i]);
            }
            else if (c == ':')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return [.. fields];
    }

    /// <summary>The lines of <paramref name="text"/> without their terminators; a final newline adds no empty line.</summary>
    public static IEnumerable<string> Lines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            yield break;
        }

        var lines = text.Split('\n');
        var count = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        for (var i = 0; i < count; i++)
        {
            yield return lines[i].TrimEnd('\r');
        }
    }
}
