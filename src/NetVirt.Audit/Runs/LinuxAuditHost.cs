using System.Net.NetworkInformation;
using NetVirt.Audit.Topology;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Model.Addressing;

namespace NetVirt.Audit.Runs;

/// <summary>
/// Reads zone namespaces on Linux without a process per zone: a few <see cref="NetnsThread"/> threads enter the
/// namespaces in turn and list the interfaces' addresses there (getifaddrs answers for the calling thread's namespace).
/// </summary>
public sealed class LinuxAuditHost : IAuditHost
{
    private const int Parallelism = 8;

    /// <inheritdoc />
    public IReadOnlyList<string> MissingNamespaces(AuditTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        return [.. topology.Endpoints.Select(e => e.Netns).Distinct(StringComparer.Ordinal).Where(ns => !File.Exists(NetnsThread.PathOf(ns)))];
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<int, IReadOnlyList<InterfaceAddress>> ConfiguredAddresses(AuditTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var zones = topology.Endpoints.GroupBy(e => e.Netns, StringComparer.Ordinal).ToList();
        var result = new Dictionary<int, IReadOnlyList<InterfaceAddress>>();
        var groups = zones.Select((z, i) => (z, i)).GroupBy(x => x.i % Parallelism, x => x.z).ToList();
        var perGroup = new List<(int, IReadOnlyList<InterfaceAddress>)>[groups.Count];
        Parallel.For(0, groups.Count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, g =>
        {
            var mine = groups[g].ToList();
            var found = new List<(int, IReadOnlyList<InterfaceAddress>)>();
            NetnsThread.RunInEach([.. mine.Select(z => z.Key)], netns =>
            {
                var interfaces = NetworkInterface.GetAllNetworkInterfaces().ToDictionary(i => i.Name, StringComparer.Ordinal);
                foreach (var endpoint in mine.First(z => z.Key == netns))
                {
                    found.Add((endpoint.Index, interfaces.TryGetValue(endpoint.Interface, out var nic)
                        ? [.. nic.GetIPProperties().UnicastAddresses.Select(a => new InterfaceAddress(new System.Net.IPAddress(a.Address.GetAddressBytes()), a.PrefixLength))]
                        : []));
                }

                return 0;
            });
            perGroup[g] = found;
        });
        foreach (var (index, addresses) in perGroup.SelectMany(x => x))
        {
            result[index] = addresses;
        }

        return result;
    }
}
