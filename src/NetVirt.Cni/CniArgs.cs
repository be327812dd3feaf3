namespace NetVirt.Cni;

/// <summary>
/// <c>CNI_ARGS</c>: <c>K=V;K=V</c>. NetVirt reads <c>IP</c> (comma-separated addresses to request), <c>MAC</c> and the
/// Kubernetes pod identity; any other key is an error unless <c>IgnoreUnknown=1</c> (the convention of
/// containernetworking's <c>types.LoadArgs</c>), so a typo is not silently ignored.
/// </summary>
public sealed record CniArgs
{
    /// <summary>Keys whose values become labels of the container's zone, with the label names.</summary>
    public static IReadOnlyList<(string Key, string Label)> LabelKeys { get; } =
    [
        ("K8S_POD_NAMESPACE", "k8s-pod-namespace"),
        ("K8S_POD_NAME", "k8s-pod-name"),
        ("K8S_POD_INFRA_CONTAINER_ID", "k8s-pod-infra-container-id"),
        ("K8S_POD_UID", "k8s-pod-uid"),
    ];

    /// <summary>Addresses requested with <c>IP=</c>.</summary>
    public IReadOnlyList<string> Ips { get; init; } = [];

    /// <summary>MAC requested with <c>MAC=</c>.</summary>
    public string? Mac { get; init; }

    /// <summary>Labels from the Kubernetes keys.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="text"/> (null or empty: no arguments).</summary>
    /// <exception cref="CniException">Code 4 for a malformed pair or an unknown key without <c>IgnoreUnknown</c>.</exception>
    public static CniArgs Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return new CniArgs();
        }

        var pairs = new List<(string Key, string Value)>();
        foreach (var part in text.Split(';'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new CniException(CniErrorCode.InvalidEnvironment, $"CNI_ARGS: '{part}' is not a KEY=VALUE pair", $"CNI_ARGS was '{text}'");
            }

            pairs.Add((part[..eq], part[(eq + 1)..]));
        }

        var ignoreUnknown = pairs.Any(p => p.Key == "IgnoreUnknown" && p.Value is "1" or "true" or "True");
        var ips = new List<string>();
        string? mac = null;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            switch (key)
            {
                case "IgnoreUnknown":
                    break;
                case "IP":
                    ips.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "MAC":
                    mac = value.Length == 0 ? null : value;
                    break;
                default:
                    var label = LabelKeys.FirstOrDefault(k => k.Key == key).Label;
                    if (label is not null)
                    {
                        if (value.Length > 0)
                        {
                            labels[label] = value;
                        }
                    }
                    else if (!ignoreUnknown)
                    {
                        throw new CniException(CniErrorCode.InvalidEnvironment,
                            $"CNI_ARGS: unknown key '{key}' (netvirt reads IP, MAC, {string.Join(", ", LabelKeys.Select(k => k.Key))}; add IgnoreUnknown=1 to pass others)");
                    }

                    break;
            }
        }

        return new CniArgs { Ips = ips, Mac = mac, Labels = labels };
    }
}
