namespace NetVirt.Bench;

/// <summary><c>--name value</c> pairs of a benchmark's command line.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>
    /// Parses <c>--name value</c> pairs; a flag without a value is "true". Every name must be one of
    /// <paramref name="known"/>: a mistyped option stops the benchmark before it starts, instead of it running for
    /// minutes with the default.
    /// </summary>
    public static Options Parse(string[] args, params string[] known)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(known);
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new OptionsException($"unexpected argument '{args[i]}'");
            }

            var name = args[i][2..];
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                throw new OptionsException($"unknown option '--{name}'; this benchmark takes {string.Join(", ", known.Order(StringComparer.Ordinal).Select(k => "--" + k))}");
            }

            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            options._values[name] = hasValue ? args[++i] : "true";
        }

        return options;
    }

    /// <summary>The value of a required option.</summary>
    public string Get(string name) => _values.TryGetValue(name, out var v) ? v : throw new OptionsException($"missing --{name}");

    /// <summary>The value of an option, or <paramref name="fallback"/>.</summary>
    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);
}

/// <summary>A benchmark's command line is wrong: said in one line, exit 2 (Program).</summary>
public sealed class OptionsException(string message) : ArgumentException(message);
