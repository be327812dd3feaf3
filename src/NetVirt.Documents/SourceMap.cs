namespace NetVirt.Documents;

/// <summary>
/// Where each model path (<c>zones[2].vnics[0].mac</c>) came from, so that errors found later by the validator can
/// point at a file, line and column. Paths are global across merged files.
/// </summary>
public sealed class SourceMap
{
    private readonly Dictionary<string, SourceLocation> _locations = new(StringComparer.Ordinal);

    /// <summary>An empty map (for models built in code).</summary>
    public static SourceMap Empty { get; } = new();

    /// <summary>Records where <paramref name="path"/> starts.</summary>
    public void Add(string path, SourceLocation location) => _locations.TryAdd(path, location);

    /// <summary>
    /// The location of <paramref name="path"/>, or of its nearest recorded ancestor (<c>a.b[1].c</c> → <c>a.b[1]</c>
    /// → <c>a.b</c> → <c>a</c>), or null.
    /// </summary>
    public SourceLocation? Locate(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var current = path;
        while (current.Length > 0)
        {
            if (_locations.TryGetValue(current, out var location))
            {
                return location;
            }

            var cut = Math.Max(current.LastIndexOf('.'), current.LastIndexOf('['));
            if (cut <= 0)
            {
                break;
            }

            current = current[..cut];
        }

        return _locations.GetValueOrDefault(current);
    }
}
