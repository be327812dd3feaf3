using System.Security.Cryptography;
using System.Text;
using NetVirt.Model.Addressing;

namespace NetVirt.Model.Topology;

/// <summary>
/// The distributed anycast gateway of a model with hosts (as EVPN's): every host that carries one of a router's L2
/// domains has a leg of that router there, with the same gateway addresses and the same MAC, so a zone reaches its
/// gateway on its own host whatever host it is on, and routed frames leave each host from that MAC. The MAC is a pure
/// function of the router's name: every agent computes the same one without asking anybody.
/// </summary>
public static class AnycastGateway
{
    /// <summary>
    /// The gateway MAC of <paramref name="router"/> (<see cref="ModelIndex.RouterOf"/>): <c>0a</c> (locally administered,
    /// unicast, outside the <c>02:08:20</c> prefix automatic VNIC MACs come from) and five bytes of SHA-256 of the name.
    /// </summary>
    public static MacAddress MacOf(string router)
    {
        ArgumentNullException.ThrowIfNull(router);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("netvirt/anycast-gateway/" + router));
        ulong value = 0x0a;
        for (var i = 0; i < 5; i++)
        {
            value = (value << 8) | hash[i];
        }

        return new MacAddress(value);
    }
}
