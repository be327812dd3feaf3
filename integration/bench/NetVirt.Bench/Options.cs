namespace NetVirt.Bench;

/// <summary><c>--name value</c> pairs of a benchmark's command line.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>Parses <c>--name value</c> pairs; a flag without a value is "true".</summary>
    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            options._values[args[i][2..]] = hasValue ? args[++i] : "true";
        }

        return options;
    }

    /// <summary>The value of a required option.</summary>
    public string Get(string name) => _values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"missing --{name}");

    /// <summary>The value of an option, or <paramref name="fallback"/>.</summary>
    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);
}
