using System.Net;
using System.Net.Sockets;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;

namespace NetVirt.Model.Validation;

public sealed partial class ModelValidator
{
    private void ValidateNetwork(string path, NetworkSpec network)
    {
        var what = $"network '{network.Name}'";
        if (NameRules.CheckObjectName(network.Name) is { } problem)
        {
            Report($"{path}.name", "name.invalid", $"network name '{network.Name}' {problem}");
        }

        if (network.Tenant is { } tenant && NameRules.CheckObjectName(tenant) is { } tenantProblem)
        {
            Report($"{path}.tenant", "name.invalid", $"{what}: tenant '{tenant}' {tenantProblem}");
        }

        if (!LowerExists(network.Over))
        {
            Report($"{path}.over", "ref.unknown-lower", $"{what} is over '{network.Over}', which is neither a defined etherstub nor a link");
        }

        CheckVlan($"{path}.vlan", network.Vlan, what);
        CheckMtu($"{path}.mtu", network.Mtu, what);
        if (MtuOfLower(network.Over) is { } lowerMtu && network.EffectiveMtu > lowerMtu)
        {
            Report($"{path}.mtu", "mtu.exceeds-parent", $"{what}: MTU {network.EffectiveMtu} exceeds the MTU {lowerMtu} of '{network.Over}'");
        }

        if (network.Ipv4 is { } v4)
        {
            ValidateSubnet($"{path}.ipv4", what, v4, AddressFamily.InterNetwork);
        }

        if (network.Ipv6 is { } v6)
        {
            ValidateSubnet($"{path}.ipv6", what, v6, AddressFamily.InterNetworkV6);
        }

        for (var i = 0; i < network.Reserved.Count; i++)
        {
            ValidateReservation($"{path}.reserved[{i}]", what, network, network.Reserved[i]);
        }
    }

    private void ValidateSubnet(string path, string what, SubnetSpec subnet, AddressFamily family)
    {
        var familyName = SpecNames.Format(family);
        if (subnet.Family != family)
        {
            Report($"{path}.subnet", "subnet.wrong-family", $"{what}: {familyName} subnet {subnet.Subnet} is not an {familyName} prefix");
            return;
        }

        if (SpecialAddresses.CheckSubnet(subnet.Subnet) is { } special)
        {
            Report($"{path}.subnet", "subnet.special-purpose", $"{what}: {familyName} subnet {subnet.Subnet} {special}");
            return;
        }

        if (subnet.Gateway is { } gateway)
        {
            CheckUsableAddress($"{path}.gateway", what, subnet, gateway, "gateway", "gateway");
        }

        CheckUsableAddress($"{path}.range.start", what, subnet, subnet.RangeStart, "range start", "range");
        CheckUsableAddress($"{path}.range.end", what, subnet, subnet.RangeEnd, "range end", "range");
        if (subnet.RangeStart is { } start && subnet.RangeEnd is { } end && start.AddressFamily == end.AddressFamily
            && IpAddressMath.Compare(start, end) > 0)
        {
            Report($"{path}.range", "range.inverted", $"{what}: range start {start} is after range end {end}");
        }
    }

    /// <summary>Reports an address that is not a usable host address of <paramref name="subnet"/>.</summary>
    private bool CheckUsableAddress(string path, string what, SubnetSpec subnet, IPAddress? address, string role, string codePrefix)
    {
        if (address is null)
        {
            return true;
        }

        if (!IpAddressMath.Contains(subnet.Subnet, address))
        {
            Report(path, $"{codePrefix}.outside-subnet", $"{what}: {role} {address} is outside subnet {subnet.Subnet}");
            return false;
        }

        if (subnet.IsNetworkOrBroadcast(address))
        {
            var kind = IpAddressMath.ToUInt128(address) == IpAddressMath.First(subnet.Subnet) ? "network" : "broadcast";
            Report(path, $"{codePrefix}.{kind}-address", $"{what}: {role} {address} is the {kind} address of {subnet.Subnet}");
            return false;
        }

        return true;
    }

    private void ValidateReservation(string path, string what, NetworkSpec network, ReservationSpec reservation)
    {
        if (reservation.First.AddressFamily != reservation.Last.AddressFamily || IpAddressMath.Compare(reservation.First, reservation.Last) > 0)
        {
            Report(path, "reservation.inverted", $"{what}: reservation {reservation.First}-{reservation.Last} is not a valid range");
            return;
        }

        var subnet = network.Subnets.FirstOrDefault(s => s.Family == reservation.First.AddressFamily);
        if (subnet is null || !IpAddressMath.Contains(subnet.Subnet, reservation.First) || !IpAddressMath.Contains(subnet.Subnet, reservation.Last))
        {
            Report(path, "reservation.outside-subnet", $"{what}: reservation {reservation.Range} is outside the network's subnets");
        }
    }

    /// <summary>
    /// Two networks must not have overlapping subnets of a family when they share an L2 domain (same lower link and
    /// VLAN: their ARP/NDP space) or a router (the tenant's router, <see cref="Topology.ModelIndex.RouterOf"/>: it has a
    /// leg in each, and two legs claiming the same addresses route neither). Networks are grouped by domain and by
    /// router first, so the pairwise comparison stays inside a group.
    /// </summary>
    private void ValidateSubnetOverlaps()
    {
        var networks = _model.Networks;
        var reported = new HashSet<(int, AddressFamily)>();
        var byDomain = Enumerable.Range(0, networks.Count).GroupBy(i => (networks[i].Over, networks[i].Vlan));
        foreach (var group in byDomain)
        {
            CompareWithin([.. group], (a, b, sa, sb) =>
                $"network '{b.Name}' subnet {sb.Subnet} overlaps {sa.Subnet} of network '{a.Name}' in the same L2 domain ('{a.Over}' VLAN {a.Vlan})", "subnet.overlap");
        }

        var byRouter = Enumerable.Range(0, networks.Count).Where(i => Topology.ModelIndex.RouterOf(networks[i]) is not null)
            .GroupBy(i => Topology.ModelIndex.RouterOf(networks[i])!, StringComparer.Ordinal);
        foreach (var group in byRouter)
        {
            CompareWithin([.. group], (a, b, sa, sb) =>
                $"network '{b.Name}' subnet {sb.Subnet} overlaps {sa.Subnet} of network '{a.Name}', and one router ('{Topology.ModelIndex.RouterOf(a)}') routes both: " +
                "its two legs would claim the same addresses and zones of both would be handed the same ones; give each network of a tenant its own subnet", "subnet.overlap-router");
        }

        void CompareWithin(List<int> members, Func<NetworkSpec, NetworkSpec, SubnetSpec, SubnetSpec, string> message, string code)
        {
            for (var x = 0; x < members.Count; x++)
            {
                for (var y = x + 1; y < members.Count; y++)
                {
                    var (a, b) = (networks[members[x]], networks[members[y]]);
                    foreach (var sa in a.Subnets)
                    {
                        foreach (var sb in b.Subnets)
                        {
                            if (sa.Family == sb.Family && Overlaps(sa.Subnet, sb.Subnet) && reported.Add((members[y], sb.Family)))
                            {
                                Report($"networks[{members[y]}].{(sb.Family == AddressFamily.InterNetwork ? "ipv4" : "ipv6")}.subnet", code, message(a, b, sa, sb));
                            }
                        }
                    }
                }
            }
        }
    }

    private static bool Overlaps(IPNetwork a, IPNetwork b) => IpAddressMath.Overlap(a, b);
}
