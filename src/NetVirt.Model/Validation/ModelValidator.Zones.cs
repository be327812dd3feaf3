using System.Net;
using System.Net.Sockets;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;

namespace NetVirt.Model.Validation;

public sealed partial class ModelValidator
{
    private void ValidateZone(string path, ZoneSpec zone)
    {
        var what = zone.IsContainer ? $"container zone '{zone.Name}'" : $"zone '{zone.Name}'";
        if (NameRules.CheckZoneName(zone.Name) is { } problem)
        {
            Report($"{path}.name", "name.invalid", $"zone name '{zone.Name}' {problem}");
        }

        if (zone.Container is { } container)
        {
            ValidateContainer($"{path}.container", what, zone, container);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var primaries = 0;
        for (var i = 0; i < zone.Vnics.Count; i++)
        {
            var vnic = zone.Vnics[i];
            if (!names.Add(vnic.Name))
            {
                Report($"{path}.vnics[{i}].name", "name.duplicate", $"{what} has two VNICs named '{vnic.Name}'");
            }

            if (vnic.Primary == true && ++primaries == 2)
            {
                Report($"{path}.vnics[{i}].primary", "vnic.multiple-primary", $"{what} has more than one primary VNIC");
            }

            ValidateVnic($"{path}.vnics[{i}]", $"{what} vnic '{vnic.Name}'", vnic, zone.Container);
        }

        if (zone.Routes is { } routes)
        {
            for (var i = 0; i < routes.Count; i++)
            {
                ValidateRoute($"{path}.routes[{i}]", what, zone, routes[i]);
            }
        }
    }

    private void ValidateRoute(string path, string what, ZoneSpec zone, RouteSpec route)
    {
        if (route.Destination.BaseAddress.AddressFamily != route.Gateway.AddressFamily)
        {
            Report($"{path}.via", "route.family-mismatch", $"{what}: route to {route.Destination} goes via {route.Gateway}, an address of the other family");
            return;
        }

        if (SpecialAddresses.CheckAddress(route.Gateway) is { } special)
        {
            Report($"{path}.via", "route.special-purpose", $"{what}: route to {route.Destination} goes via {route.Gateway}, which {special}");
            return;
        }

        // The next hop must be on a link of the zone, or the route can never be installed.
        var onLink = zone.Vnics.Any(v =>
            (v.Network is { } n && _networks.TryGetValue(n, out var net) && net.Subnets.Any(s => s.Family == route.Gateway.AddressFamily && IpAddressMath.Contains(s.Subnet, route.Gateway)))
            || v.Pool is not null
            || v.Addresses.Any(a => a is { Address: not null, PrefixLength: { } plen }
                && a.Address.AddressFamily == route.Gateway.AddressFamily && IpAddressMath.Contains(new InterfaceAddress(a.Address, plen).Network, route.Gateway)));
        if (!onLink)
        {
            Report($"{path}.via", "route.gateway-unreachable", $"{what}: gateway {route.Gateway} of route to {route.Destination} is on none of the zone's networks");
        }
    }

    private void ValidateContainer(string path, string what, ZoneSpec zone, ContainerSpec container)
    {
        if (string.IsNullOrEmpty(container.Id))
        {
            Report($"{path}.id", "container.no-id", $"{what} has no container id");
        }

        if (_target == HostTarget.Illumos)
        {
            Report(path, "container.linux-only", $"{what} is a Linux container attached through CNI; it cannot be realized on illumos");
        }

        foreach (var vnic in zone.Vnics.Where(v => container.CniNetworkOf(v.Name) is null))
        {
            Report($"{path}.attachments", "container.unattached-vnic", $"{what}: VNIC '{vnic.Name}' has no CNI attachment");
        }
    }

    private void ValidateVnic(string path, string what, VnicSpec vnic, ContainerSpec? container = null)
    {
        // A container's interface is named by its runtime (CNI_IFNAME): only Linux's rules apply to it.
        if (container is null)
        {
            CheckLinkName($"{path}.name", vnic.Name, "VNIC");
        }

        CheckLinuxName($"{path}.name", vnic.Name, "VNIC");

        var placements = (vnic.Network is null ? 0 : 1) + (vnic.Pool is null ? 0 : 1) + (vnic.Over is null ? 0 : 1);
        NetworkSpec? network = null;
        if (placements != 1)
        {
            Report(path, "vnic.placement", $"{what} needs exactly one of 'network', 'pool' or 'over' (it has {placements})");
        }
        else if (vnic.Network is { } networkName && !_networks.TryGetValue(networkName, out network))
        {
            if (container is not null)
            {
                Report($"{path}.network", "network.has-attachments",
                    $"network '{networkName}' cannot be removed: container '{container.Id}' is attached to it ({what}); remove the container first " +
                    "(podman rm, or the runtime's DEL), then the network");
            }
            else
            {
                Report($"{path}.network", "ref.unknown-network", $"{what} is on network '{networkName}', which is not defined");
            }
        }
        else if (vnic.Pool is { } poolName && !_pools.ContainsKey(poolName))
        {
            Report($"{path}.pool", "ref.unknown-pool", $"{what} uses pool '{poolName}', which is not defined");
        }
        else if (vnic.Over is { } over && !LowerExists(over))
        {
            Report($"{path}.over", "ref.unknown-lower", $"{what} is over '{over}', which is neither a defined etherstub nor a link");
        }

        if (vnic.Vlan is { } vlan)
        {
            if (vnic.Over is null)
            {
                Report($"{path}.vlan", "vnic.vlan-without-over", $"{what}: 'vlan' goes with 'over'; a VNIC on a network or pool takes the network's VLAN");
            }

            CheckVlan($"{path}.vlan", vlan, what);
        }

        if (vnic.Mac is { } mac)
        {
            if (mac.IsZero)
            {
                Report($"{path}.mac", "mac.zero", $"{what}: MAC {mac} is all zeros");
            }
            else if (mac.IsMulticast)
            {
                Report($"{path}.mac", "mac.multicast", $"{what}: MAC {mac} is a multicast address; a VNIC needs a unicast MAC");
            }
        }

        CheckMtu($"{path}.mtu", vnic.Mtu, what);
        var parentMtu = network?.EffectiveMtu ?? (vnic.Over is { } o ? MtuOfLower(o) : null);
        if (vnic.Mtu is { } mtu && parentMtu is { } limit && mtu > limit)
        {
            var parent = network is not null ? $"network '{network.Name}'" : $"'{vnic.Over}'";
            Report($"{path}.mtu", "mtu.exceeds-parent", $"{what}: MTU {mtu} exceeds the MTU {limit} of {parent}");
        }

        if (vnic.MaxBandwidth is { } bw && bw < MinBandwidth)
        {
            Report($"{path}.maxbw", "maxbw.too-low", $"{what}: maxbw {SpecNames.FormatBandwidth(bw)} is below dladm's minimum of 1200K (omit maxbw for no limit)");
        }
        else if (vnic.MaxBandwidth is { } high && high > MaxBandwidth)
        {
            Report($"{path}.maxbw", "maxbw.too-high", $"{what}: maxbw {SpecNames.FormatBandwidth(high)} is above the largest NetVirt shapes, {SpecNames.FormatBandwidth(MaxBandwidth)} (omit maxbw for no limit)");
        }

        var tags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < vnic.Addresses.Count; i++)
        {
            var address = vnic.Addresses[i];
            if (!tags.Add(address.Tag))
            {
                Report($"{path}.addresses[{i}].tag", "addrobj.duplicate-tag", $"{what} has two address objects tagged '{address.Tag}'");
            }

            ValidateAddress($"{path}.addresses[{i}]", $"{what} address '{address.Tag}'", vnic, network, address);
        }
    }

    private void ValidateAddress(string path, string what, VnicSpec vnic, NetworkSpec? network, AddressSpec address)
    {
        if (NameRules.CheckAddressTag(address.Tag) is { } problem)
        {
            Report($"{path}.tag", "addrobj.invalid-tag", $"{what}: tag '{address.Tag}' {problem}");
        }

        if (address.Family is { } declared && address.Address is { } given && given.AddressFamily != declared)
        {
            Report($"{path}.family", "address.family-mismatch", $"{what}: address {given} is not {SpecNames.Format(declared)}");
            return;
        }

        switch (address.Type)
        {
            case AddressType.Dhcp:
                if (address.Address is not null || address.Family == AddressFamily.InterNetworkV6)
                {
                    Report($"{path}.type", "address.dhcp-v4-only", $"{what}: type dhcp obtains one IPv4 address from a DHCP server; give no address and no ipv6 family");
                }

                if (_target == HostTarget.Linux)
                {
                    Report($"{path}.type", "address.dhcp-unsupported", $"{what}: type dhcp needs a DHCP server on the network, which the Linux target does not run; use a static address (or auto)");
                }

                return;
            case AddressType.Addrconf:
                if (address.Address is not null || address.Family == AddressFamily.InterNetwork)
                {
                    Report($"{path}.type", "address.addrconf-v6-only", $"{what}: type addrconf derives an IPv6 address from the MAC; give no address and no ipv4 family");
                }
                else if (network?.Ipv6 is { } v6 && v6.Subnet.PrefixLength > 64)
                {
                    Report($"{path}.type", "address.addrconf-prefix-too-long", $"{what}: addrconf needs a prefix of length 64 or shorter, network '{network.Name}' has {v6.Subnet}");
                }

                return;
        }

        if (address.Address is null)
        {
            ValidateAutoAddress(path, what, vnic, network, address);
            return;
        }

        var ip = address.Address;
        var subnet = network?.Subnets.FirstOrDefault(s => s.Family == ip.AddressFamily);
        if (network is not null && subnet is null)
        {
            Report($"{path}.address", "address.outside-subnet", $"{what}: network '{network.Name}' has no {SpecNames.Format(ip.AddressFamily)} subnet for {ip}");
            return;
        }

        if (subnet is null)
        {
            if (SpecialAddresses.CheckAddress(ip) is { } special)
            {
                Report($"{path}.address", "address.special-purpose", $"{what}: {ip} {special}, which no zone may be given");
            }
            else if (vnic.Network is null && vnic.Pool is null && address.PrefixLength is null)
            {
                Report($"{path}.address", "address.prefix-required", $"{what}: {ip} needs a prefix length (e.g. {ip}/24) because the VNIC is on no network");
            }

            return;
        }

        if (!CheckUsableAddress($"{path}.address", what, subnet, ip, "address", "address"))
        {
            return;
        }

        if (address.PrefixLength is { } plen && plen != subnet.Subnet.PrefixLength)
        {
            Report($"{path}.address", "address.prefix-mismatch", $"{what}: {ip}/{plen} does not match the /{subnet.Subnet.PrefixLength} of subnet {subnet.Subnet}");
        }

        if (subnet.Gateway is { } gateway && gateway.Equals(ip))
        {
            Report($"{path}.address", "address.is-gateway", $"{what}: {ip} is the gateway of network '{network!.Name}'");
        }

        if (network!.Reserved.FirstOrDefault(r => r.Range.Contains(ip)) is { } reservation)
        {
            var note = reservation.Note is null ? "" : $" ({reservation.Note})";
            Report($"{path}.address", "address.reserved", $"{what}: {ip} is reserved on network '{network.Name}' by {reservation.Range}{note}");
        }
    }

    private void ValidateAutoAddress(string path, string what, VnicSpec vnic, NetworkSpec? network, AddressSpec address)
    {
        IEnumerable<NetworkSpec> candidates = network is not null ? [network]
            : vnic.Pool is { } pool && _pools.TryGetValue(pool, out var p) ? p.Networks.Select(n => _networks.GetValueOrDefault(n)).OfType<NetworkSpec>()
            : [];
        var families = candidates.SelectMany(n => n.Subnets).Select(s => s.Family).Distinct().ToList();
        if (vnic.Network is null && vnic.Pool is null)
        {
            Report($"{path}.address", "address.auto-needs-network", $"{what}: 'auto' allocates from a network, but the VNIC is on no network or pool");
        }
        else if (families.Count == 0)
        {
            if (network is not null || vnic.Pool is not null)
            {
                Report($"{path}.address", "address.auto-needs-subnet", $"{what}: 'auto' needs a subnet, but {(network is not null ? $"network '{network.Name}'" : $"pool '{vnic.Pool}'")} has none");
            }
        }
        else if (address.Family is { } family && !families.Contains(family))
        {
            Report($"{path}.family", "address.auto-needs-subnet", $"{what}: no {SpecNames.Format(family)} subnet to allocate from");
        }
        else if (address.Family is null && families.Count > 1)
        {
            Report($"{path}.family", "address.family-required", $"{what}: 'auto' on a dual-stack network needs 'family: ipv4' or 'family: ipv6'");
        }
        else
        {
            var wanted = address.Family ?? families[0];
            CheckRoomForAuto(path, what, vnic, [.. candidates.Where(n => n.Subnets.Any(s => s.Family == wanted))], wanted);
        }
    }

    /// <summary>
    /// Refuses an automatic address that can never be handed out: a range with no allocatable address (a /32 whose one
    /// address is the gateway, a range that is all reserved), or, on one network, more automatic addresses than its range
    /// holds. Otherwise the document would validate and the store would refuse it.
    /// </summary>
    private void CheckRoomForAuto(string path, string what, VnicSpec vnic, List<NetworkSpec> sources, AddressFamily family)
    {
        var capacities = sources.Select(n => (Network: n, Usable: UsableFor(n, family))).ToList();
        if (capacities.All(c => c.Usable == 0))
        {
            var where = string.Join("; ", capacities.Select(c => $"network '{c.Network.Name}' subnet {c.Network.Subnets.First(s => s.Family == family).Subnet} range {c.Network.Subnets.First(s => s.Family == family).EffectiveRange}"));
            Report($"{path}.address", "address.auto-no-room",
                $"{what}: 'auto' has no {SpecNames.Format(family)} address to take: {where} leaves none once the network, broadcast and gateway addresses and reservations are set aside");
            return;
        }

        if (vnic.Network is { } name && sources.Count == 1)
        {
            var key = (name, family);
            var count = _autoCount[key] = _autoCount.GetValueOrDefault(key) + 1;
            if (count == capacities[0].Usable + 1)
            {
                var subnet = sources[0].Subnets.First(s => s.Family == family);
                Report($"{path}.address", "address.auto-no-room",
                    $"{what}: network '{name}' can hand out {capacities[0].Usable} {SpecNames.Format(family)} address{(capacities[0].Usable == 1 ? "" : "es")} (range {subnet.EffectiveRange} of {subnet.Subnet}), and this is automatic address number {count}");
            }
        }
    }

    private UInt128 UsableFor(NetworkSpec network, AddressFamily family)
    {
        if (!_usable.TryGetValue((network.Name, family), out var usable))
        {
            var subnet = network.Subnets.First(s => s.Family == family);
            // An invalid range is reported on the network; count it as roomy here rather than report it twice.
            usable = subnet.EffectiveRange is var range && range.First.AddressFamily == family && range.Last.AddressFamily == family
                && IpAddressMath.Compare(range.First, range.Last) <= 0 && SpecialAddresses.CheckSubnet(subnet.Subnet) is null
                ? new Ipam.AllocationRules(network, subnet).Usable
                : UInt128.MaxValue;
            _usable[(network.Name, family)] = usable;
        }

        return usable;
    }

}
