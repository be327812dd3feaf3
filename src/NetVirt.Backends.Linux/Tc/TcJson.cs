using System.Text;
using System.Text.Json;

namespace NetVirt.Backends.Linux.Tc;

/// <summary>
/// Reads <c>tc -j -batch -</c> output: one JSON array per batch line. The first line is <c>qdisc show</c> (every
/// qdisc of the host namespace), the following ones <c>filter show dev X ingress</c>, one per device asked. Pure.
/// </summary>
public static class TcJson
{
    /// <summary>Parses the output of a batch whose filter lines asked for <paramref name="filterDevices"/>, in order.</summary>
    public static TcObserved Parse(string output, IReadOnlyList<string> filterDevices)
    {
        ArgumentNullException.ThrowIfNull(filterDevices);
        var arrays = Arrays(output);
        try
        {
            var rates = new Dictionary<string, long>(StringComparer.Ordinal);
            var ingress = new HashSet<string>(StringComparer.Ordinal);
            if (arrays.Count > 0)
            {
                foreach (var qdisc in arrays[0].RootElement.EnumerateArray())
                {
                    var dev = qdisc.GetProperty("dev").GetString()!;
                    var kind = qdisc.GetProperty("kind").GetString();
                    var root = qdisc.TryGetProperty("root", out var r) && r.ValueKind == JsonValueKind.True;
                    if (kind == "tbf" && root && qdisc.GetProperty("options").TryGetProperty("rate", out var rate))
                    {
                        rates[dev] = rate.GetInt64();
                    }
                    else if (kind == "ingress")
                    {
                        ingress.Add(dev);
                    }
                }
            }

            return new TcObserved(rates, ingress, Redirects(arrays.Skip(1).ToList(), filterDevices));
        }
        finally
        {
            arrays.ForEach(a => a.Dispose());
        }
    }

    /// <summary>
    /// Parses the output of a batch of only <c>filter show dev X ingress</c> lines, one per device of
    /// <paramref name="filterDevices"/> in order: the ifb each device's ingress is redirected to.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Redirects(string output, IReadOnlyList<string> filterDevices)
    {
        ArgumentNullException.ThrowIfNull(filterDevices);
        var arrays = Arrays(output);
        try
        {
            return Redirects(arrays, filterDevices);
        }
        finally
        {
            arrays.ForEach(a => a.Dispose());
        }
    }

    private static List<JsonDocument> Arrays(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(output), new JsonReaderOptions { AllowMultipleValues = true });
        var arrays = new List<JsonDocument>();
        try
        {
            while (reader.Read())
            {
                arrays.Add(JsonDocument.ParseValue(ref reader));
            }
        }
        catch (JsonException ex)
        {
            arrays.ForEach(a => a.Dispose());
            throw new FormatException($"tc printed something that is not a sequence of JSON arrays: {ex.Message}", ex);
        }

        return arrays;
    }

    private static Dictionary<string, string> Redirects(List<JsonDocument> filterArrays, IReadOnlyList<string> filterDevices)
    {
        var redirects = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < filterDevices.Count && i < filterArrays.Count; i++)
        {
            foreach (var filter in filterArrays[i].RootElement.EnumerateArray())
            {
                if (!filter.TryGetProperty("options", out var options) || !options.TryGetProperty("actions", out var actions))
                {
                    continue;
                }

                foreach (var action in actions.EnumerateArray())
                {
                    if (action.TryGetProperty("kind", out var k) && k.GetString() == "mirred"
                        && action.TryGetProperty("mirred_action", out var m) && m.GetString() == "redirect"
                        && action.TryGetProperty("to_dev", out var to))
                    {
                        redirects[filterDevices[i]] = to.GetString()!;
                    }
                }
            }
        }

        return redirects;
    }
}

/// <summary>What tc showed: root tbf rates (bytes per second) per device, devices with an ingress qdisc, and ingress redirects.</summary>
public sealed record TcObserved(IReadOnlyDictionary<string, long> TbfRates, IReadOnlySet<string> Ingress, IReadOnlyDictionary<string, string> Redirects)
{
    /// <summary>Nothing shaped.</summary>
    public static TcObserved Empty { get; } = new(new Dictionary<string, long>(), new HashSet<string>(), new Dictionary<string, string>());
}
