using System.Net;
using System.Net.Sockets;
using NetVirt.Model.Addressing;

namespace NetVirt.Model.Ipam;

/// <summary>How full one family of one network is.</summary>
/// <param name="Network">Network name.</param>
/// <param name="Family">Address family.</param>
/// <param name="Subnet">The subnet.</param>
/// <param name="Range">The provisioning range.</param>
/// <param name="Usable">Addresses of the range allocation may hand out (without network, broadcast, gateway, reserved).</param>
/// <param name="Used">Addresses of the range held by address objects.</param>
/// <param name="Reserved">Reserved addresses inside the range.</param>
/// <param name="Next">The address the next automatic allocation would get, or null when exhausted.</param>
public sealed record NetworkUsage(string Network, AddressFamily Family, IPNetwork Subnet, IpRange Range, UInt128 Usable, UInt128 Used, UInt128 Reserved, IPAddress? Next)
{
    /// <summary>Usable addresses nobody holds.</summary>
    public UInt128 Free => Usable > Used ? Usable - Used : 0;

    /// <summary>Used / usable, 0..1.</summary>
    public double Utilisation => Usable == 0 ? 1 : (double)Used / (double)Usable;
}
