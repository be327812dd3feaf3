using System.Collections.Concurrent;
using System.Net.Sockets;
using NetVirt.Model.Addressing;

namespace NetVirt.Audit.Probes;

/// <summary>The gateways' MACs learnt during discovery, by network and family. Thread-safe: the capture thread fills it.</summary>
public sealed class GatewayMacs
{
    private readonly ConcurrentDictionary<(string Network, AddressFamily Family), MacAddress> macs = new();

    /// <summary>Records the MAC that answered for a network's gateway; the first answer wins.</summary>
    public void Set(string network, AddressFamily family, MacAddress mac) => macs.TryAdd((network, family), mac);

    /// <summary>The MAC of <paramref name="network"/>'s gateway for <paramref name="family"/>, when it answered.</summary>
    public bool TryGet(string network, AddressFamily family, out MacAddress mac) => macs.TryGetValue((network, family), out mac);

    /// <summary>Number of answers.</summary>
    public int Count => macs.Count;
}
