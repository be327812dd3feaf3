using System.Globalization;

namespace NetVirt.Tests.Audit;

/// <summary>Loads the hex frame fixtures of Audit/Fixtures (see make-fixtures.sh there for how they were made).</summary>
internal static class FrameFixtures
{
    public static byte[] Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Audit", "Fixtures", name + ".hex");
        var bytes = new List<byte>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith('#') || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            foreach (var pair in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                bytes.Add(byte.Parse(pair, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }

        return [.. bytes];
    }
}
