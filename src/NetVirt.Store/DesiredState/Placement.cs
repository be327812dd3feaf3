using NetVirt.Model.Spec;

namespace NetVirt.Store.DesiredState;

/// <summary>
/// Which host each zone is on. The rule, pure: a zone that names its host is there; a zone NetVirt placed before stays
/// where it was while that host exists; every other zone goes to the host with the fewest zones, ties broken by host
/// name, in document order. A model without hosts places nothing (one host).
/// </summary>
public static class Placement
{
    /// <summary>The host of every zone of <paramref name="model"/>, given where earlier writes put zones (<paramref name="placed"/>).</summary>
    public static IReadOnlyDictionary<string, string> Plan(NetworkModel model, IReadOnlyDictionary<string, string> placed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(placed);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (model.Hosts.IsEmpty)
        {
            return result;
        }

        var hosts = model.Hosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        var load = model.Hosts.ToDictionary(h => h.Name, _ => 0, StringComparer.Ordinal);
        // Zones with a host first (named, or kept), so the rest balance against them.
        foreach (var zone in model.Zones)
        {
            var host = zone.Host ?? (placed.TryGetValue(zone.Name, out var before) && hosts.Contains(before) ? before : null);
            if (host is not null && hosts.Contains(host))
            {
                result[zone.Name] = host;
                load[host]++;
            }
        }

        foreach (var zone in model.Zones.Where(z => !result.ContainsKey(z.Name)))
        {
            var host = LeastLoaded(load);
            result[zone.Name] = host;
            load[host]++;
        }

        return result;
    }

    /// <summary>The host of one zone added to a stored state whose hosts carry <paramref name="load"/> zones each.</summary>
    public static IReadOnlyDictionary<string, string> PlaceOne(NetworkModel infrastructure, ZoneSpec zone, IReadOnlyDictionary<string, int> load)
    {
        ArgumentNullException.ThrowIfNull(infrastructure);
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(load);
        // A container's zone is where the daemon that attached it runs; it is realized there at once, never by an agent.
        if (infrastructure.Hosts.IsEmpty || zone.IsContainer)
        {
            return new Dictionary<string, string>();
        }

        var host = zone.Host ?? LeastLoaded(infrastructure.Hosts.ToDictionary(h => h.Name, h => load.GetValueOrDefault(h.Name), StringComparer.Ordinal));
        return new Dictionary<string, string>(StringComparer.Ordinal) { [zone.Name] = host };
    }

    private static string LeastLoaded(Dictionary<string, int> load) =>
        load.OrderBy(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal).First().Key;
}
