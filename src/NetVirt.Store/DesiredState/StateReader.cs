using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using Dapper;
using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;

namespace NetVirt.Store.DesiredState;

/// <summary>Reads the stored desired state back into models, authored and resolved, in document order.</summary>
internal static class StateReader
{
    // The inner joins on zones come first: SQLite keeps tables after a LEFT JOIN in place, so only then can it start
    // from zones.name (or a row id) for one zone instead of scanning every VNIC and address object.
    private const string VnicSelect =
        """
        SELECT v.id AS Id, v.zone_id AS ZoneId, v.name AS Name, n.name AS NetworkName, p.name AS PoolName,
               coalesce(e.name, l.name) AS OverName, v.vlan AS Vlan, v.mac_auto AS MacAuto, v.mac AS Mac, v.mtu AS Mtu,
               v.is_primary AS IsPrimary, v.maxbw AS Maxbw, v.priority AS Priority, v.protection AS Protection, v.allowed_ips AS AllowedIps
        FROM vnics v
        JOIN zones z ON z.id = v.zone_id
        LEFT JOIN networks n ON n.id = v.network_id
        LEFT JOIN pools p ON p.id = v.pool_id
        LEFT JOIN etherstubs e ON e.id = v.over_etherstub_id
        LEFT JOIN links l ON l.id = v.over_link_id
        """;

    private const string AddrobjSelect =
        """
        SELECT a.id AS Id, a.vnic_id AS VnicId, a.tag AS Tag, a.type AS Type, a.family AS Family, a.requested AS Requested,
               a.prefix_len AS PrefixLen, ip.address AS HeldAddress, n.name AS HeldNetwork
        FROM addrobjs a
        JOIN vnics v ON v.id = a.vnic_id
        JOIN zones z ON z.id = v.zone_id
        LEFT JOIN ip_addresses ip ON ip.addrobj_id = a.id AND ip.kind <> 'slaac'
        LEFT JOIN networks n ON n.id = ip.network_id
        """;

    /// <summary>
    /// One stored VNIC, resolved (allocated MAC and addresses), read by its keys: two indexed queries, for answering
    /// the write that just added it. <paramref name="infrastructure"/> supplies the networks' prefix lengths.
    /// </summary>
    public static VnicSpec ReadResolvedVnic(DbConnection c, DbTransaction tx, string zoneName, string vnicName, NetworkModel infrastructure)
    {
        var vnic = c.QuerySingle<VnicRow>($"{VnicSelect} WHERE z.name = @zoneName AND v.name = @vnicName", new { zoneName, vnicName }, tx);
        // By the VNIC's row id: the address objects' (vnic_id, tag) key.
        var addrobjs = c.Query<AddrobjRow>($"{AddrobjSelect} WHERE a.vnic_id = @id ORDER BY a.position", new { id = vnic.Id }, tx);
        return ToSpec(vnic, addrobjs, resolved: true, infrastructure.Networks.ToDictionary(n => n.Name, StringComparer.Ordinal));
    }

    /// <summary>
    /// Reads the whole state; without <paramref name="includeZones"/>, only switches, links, networks, pools and
    /// settings; with <paramref name="onlyZone"/>, those and that one zone (the API's view of one container).
    /// </summary>
    public static StoredState Read(DbConnection c, DbTransaction tx, bool includeZones = true, string? onlyZone = null)
    {
        var meta = c.QuerySingle<(long Generation, string MacPrefix)>("SELECT generation, mac_prefix FROM meta WHERE id = 1", transaction: tx);
        var hosts = c.Query<HostRow>("SELECT id AS Id, name AS Name, address AS Address, labels AS Labels, description AS Description FROM hosts ORDER BY position", transaction: tx).ToList();
        var vnis = c.Query<(string Over, long Vlan, long Vni)>(
            "SELECT e.name, d.vlan, d.vni FROM l2_domains d JOIN etherstubs e ON e.id = d.over_etherstub_id", transaction: tx)
            .Select(d => new DomainVni(new L2Domain(d.Over, (int)d.Vlan), (int)d.Vni)).OrderBy(d => d.Domain.Over, StringComparer.Ordinal).ThenBy(d => d.Domain.Vlan).ToEquatableArray();
        var etherstubs = c.Query<DatalinkRow>("SELECT id AS Id, name AS Name, mtu AS Mtu, description AS Description FROM etherstubs ORDER BY position", transaction: tx).ToList();
        var links = c.Query<DatalinkRow>("SELECT id AS Id, name AS Name, mtu AS Mtu, description AS Description FROM links ORDER BY position", transaction: tx).ToList();
        var lowerNames = etherstubs.ToDictionary(e => ("e", e.Id), e => e.Name);
        foreach (var l in links)
        {
            lowerNames[("l", l.Id)] = l.Name;
        }

        var networks = c.Query<NetworkRow>(
            """
            SELECT id AS Id, name AS Name, over_etherstub_id AS OverEtherstubId, over_link_id AS OverLinkId, vlan AS Vlan, mtu AS Mtu,
                   tenant AS Tenant, description AS Description,
                   v4_subnet AS V4Subnet, v4_gateway AS V4Gateway, v4_range_start AS V4RangeStart, v4_range_end AS V4RangeEnd,
                   v6_subnet AS V6Subnet, v6_gateway AS V6Gateway, v6_range_start AS V6RangeStart, v6_range_end AS V6RangeEnd
            FROM networks ORDER BY position
            """, transaction: tx).ToList();
        var reservations = c.Query<ReservationRow>(
            "SELECT network_id AS NetworkId, first_text AS FirstText, last_text AS LastText, note AS Note FROM reservations ORDER BY network_id, position",
            transaction: tx).ToLookup(r => r.NetworkId);
        var pools = c.Query<PoolMemberRow>(
            """
            SELECT p.id AS PoolId, p.name AS PoolName, p.description AS Description, n.name AS NetworkName
            FROM pools p LEFT JOIN pool_networks pn ON pn.pool_id = p.id LEFT JOIN networks n ON n.id = pn.network_id
            ORDER BY p.position, pn.position
            """, transaction: tx).ToList();
        var networkSpecs = networks.Select(n => ToSpec(n, lowerNames, reservations[n.Id])).ToList();
        var subnetsByNetwork = networkSpecs.ToDictionary(n => n.Name, StringComparer.Ordinal);

        var (authoredZones, resolvedZones) = includeZones ? ReadZones(c, tx, onlyZone, subnetsByNetwork) : ([], []);

        var model = new NetworkModel
        {
            Hosts = hosts.Select(h => new HostSpec
            {
                Name = h.Name,
                Address = IPAddress.Parse(h.Address),
                Labels = HostLabels.Parse(h.Labels),
                Description = h.Description,
            }).ToEquatableArray(),
            Etherstubs = etherstubs.Select(e => new EtherstubSpec { Name = e.Name, Mtu = (int?)e.Mtu, Description = e.Description }).ToEquatableArray(),
            Links = links.Select(l => new LinkSpec { Name = l.Name, Mtu = (int?)l.Mtu, Description = l.Description }).ToEquatableArray(),
            Networks = networkSpecs.ToEquatableArray(),
            Pools = pools.GroupBy(p => p.PoolId).Select(g => new PoolSpec
            {
                Name = g.First().PoolName,
                Description = g.First().Description,
                Networks = g.Where(p => p.NetworkName is not null).Select(p => p.NetworkName!).ToEquatableArray(),
            }).ToEquatableArray(),
            Settings = new ModelSettings { MacPrefix = MacPrefix.Parse(meta.MacPrefix) },
        };

        return new StoredState(meta.Generation, model with { Zones = authoredZones.ToEquatableArray() }, model with { Zones = resolvedZones.ToEquatableArray() }) { Vnis = vnis };
    }

    /// <summary>
    /// Zone <paramref name="zoneName"/> resolved (allocated MACs and addresses), or null when there is none: only the
    /// zone's rows, with <paramref name="infrastructure"/> (the cached model without zones) for the networks, so a
    /// container's attachment is read without reading the switches, networks and pools again.
    /// </summary>
    public static ZoneSpec? ReadResolvedZone(DbConnection c, DbTransaction tx, string zoneName, NetworkModel infrastructure)
    {
        ArgumentException.ThrowIfNullOrEmpty(zoneName);
        ArgumentNullException.ThrowIfNull(infrastructure);
        return ReadZones(c, tx, zoneName, infrastructure.Networks.ToDictionary(n => n.Name, StringComparer.Ordinal)).Resolved.FirstOrDefault();
    }

    /// <summary>Every zone, or <paramref name="onlyZone"/>, as authored (declared zones only) and resolved (containers' too).</summary>
    private static (List<ZoneSpec> Authored, List<ZoneSpec> Resolved) ReadZones(
        DbConnection c, DbTransaction tx, string? onlyZone, Dictionary<string, NetworkSpec> subnetsByNetwork)
    {
        // Every zone-side query filters on the zone's name when one zone is asked for: a plain equality, so SQLite walks
        // the zones.name index and then the (zone_id, ...) keys instead of scanning every VNIC and address object.
        var zoneFilter = onlyZone is null ? "1 = 1" : "z.name = @onlyZone";
        var zoneArgs = new { onlyZone };
        // Declared zones first, then containers' (kind 'container'), each in the order they were added.
        var zones = c.Query<ZoneRow>(
                $"""
                SELECT z.id AS Id, z.name AS Name, h.name AS HostName, z.host_explicit AS HostExplicit, z.description AS Description, z.routes_explicit AS RoutesExplicit, z.kind AS Kind,
                       ct.container_id AS ContainerId, ct.netns AS Netns, ct.labels AS Labels
                FROM zones z LEFT JOIN hosts h ON h.id = z.host_id LEFT JOIN containers ct ON ct.zone_id = z.id
                WHERE {zoneFilter} ORDER BY z.kind = 'container', z.position, z.id
                """, zoneArgs, tx).ToList();
        var attachments = !zones.Any(z => z.Kind == "container") ? Array.Empty<AttachmentRow>().ToLookup(a => a.ZoneId) : c.Query<AttachmentRow>(
            $"""
            SELECT v.zone_id AS ZoneId, v.name AS Interface, ca.cni_network AS CniNetwork, ca.slot AS Slot
            FROM container_attachments ca JOIN vnics v ON v.id = ca.vnic_id JOIN zones z ON z.id = v.zone_id
            WHERE {zoneFilter} ORDER BY v.zone_id, v.position
            """, zoneArgs, tx).ToLookup(a => a.ZoneId);
        var routes = c.Query<RouteRow>($"SELECT r.zone_id AS ZoneId, r.destination AS Destination, r.gateway AS Gateway FROM zone_routes r JOIN zones z ON z.id = r.zone_id WHERE {zoneFilter} ORDER BY r.zone_id, r.position", zoneArgs, tx)
            .ToLookup(r => r.ZoneId);
        var vnics = c.Query<VnicRow>(
            $"""
            {VnicSelect}
            WHERE {zoneFilter}
            ORDER BY v.zone_id, v.position, v.id
            """, zoneArgs, tx).ToLookup(v => v.ZoneId);
        var addrobjs = c.Query<AddrobjRow>(
            $"""
            {AddrobjSelect}
            WHERE {zoneFilter}
            ORDER BY a.vnic_id, a.position
            """, zoneArgs, tx).ToLookup(a => a.VnicId);


        var authoredZones = new List<ZoneSpec>();
        var resolvedZones = new List<ZoneSpec>();
        foreach (var z in zones)
        {
            var zoneRoutes = z.RoutesExplicit == 1
                ? routes[z.Id].Select(r => new RouteSpec { Destination = IPNetwork.Parse(r.Destination), Gateway = IPAddress.Parse(r.Gateway) }).ToEquatableArray()
                : (EquatableArray<RouteSpec>?)null;
            var authoredVnics = new List<VnicSpec>();
            var resolvedVnics = new List<VnicSpec>();
            foreach (var v in vnics[z.Id])
            {
                var authored = ToSpec(v, addrobjs[v.Id], resolved: false, subnetsByNetwork);
                authoredVnics.Add(authored);
                resolvedVnics.Add(ToSpec(v, addrobjs[v.Id], resolved: true, subnetsByNetwork));
            }

            // A container's zone is runtime state, not part of what documents declare: it is in the resolved model (which
            // backends, views and the audit read) and never in the authored one (which export writes and apply -f replaces).
            if (z.Kind == "container")
            {
                var container = new ContainerSpec
                {
                    Id = z.ContainerId!,
                    Netns = z.Netns,
                    Labels = ContainerLabels.Parse(z.Labels),
                    Attachments = attachments[z.Id].Select(a => new ContainerAttachmentSpec { Interface = a.Interface, CniNetwork = a.CniNetwork, Slot = (int)a.Slot }).ToEquatableArray(),
                };
                resolvedZones.Add(new ZoneSpec { Name = z.Name, Host = z.HostName, Description = z.Description, Routes = zoneRoutes, Vnics = resolvedVnics.ToEquatableArray(), Container = container });
                continue;
            }

            authoredZones.Add(new ZoneSpec { Name = z.Name, Host = z.HostExplicit == 1 ? z.HostName : null, Description = z.Description, Routes = zoneRoutes, Vnics = authoredVnics.ToEquatableArray() });
            resolvedZones.Add(new ZoneSpec { Name = z.Name, Host = z.HostName, Description = z.Description, Routes = zoneRoutes, Vnics = resolvedVnics.ToEquatableArray() });
        }

        return (authoredZones, resolvedZones);
    }

    private static NetworkSpec ToSpec(NetworkRow n, Dictionary<(string, long), string> lowerNames, IEnumerable<ReservationRow> reservations) => new()
    {
        Name = n.Name,
        Over = n.OverEtherstubId is { } e ? lowerNames[("e", e)] : lowerNames[("l", n.OverLinkId!.Value)],
        Vlan = (int)n.Vlan,
        Mtu = (int?)n.Mtu,
        Tenant = n.Tenant,
        Description = n.Description,
        Ipv4 = ToSubnet(n.V4Subnet, n.V4Gateway, n.V4RangeStart, n.V4RangeEnd),
        Ipv6 = ToSubnet(n.V6Subnet, n.V6Gateway, n.V6RangeStart, n.V6RangeEnd),
        Reserved = reservations.Select(r => new ReservationSpec { First = IPAddress.Parse(r.FirstText), Last = IPAddress.Parse(r.LastText), Note = r.Note }).ToEquatableArray(),
    };

    private static SubnetSpec? ToSubnet(string? subnet, string? gateway, string? start, string? end) => subnet is null ? null : new SubnetSpec
    {
        Subnet = IPNetwork.Parse(subnet),
        Gateway = gateway is null ? null : IPAddress.Parse(gateway),
        RangeStart = start is null ? null : IPAddress.Parse(start),
        RangeEnd = end is null ? null : IPAddress.Parse(end),
    };

    private static VnicSpec ToSpec(VnicRow v, IEnumerable<AddrobjRow> addrobjs, bool resolved, Dictionary<string, NetworkSpec> networks) => new()
    {
        Name = v.Name,
        Network = v.PoolName is not null && !resolved ? null : v.NetworkName,
        Pool = v.PoolName,
        Over = v.OverName,
        Vlan = (int?)v.Vlan,
        Mac = resolved || v.MacAuto == 0 ? new MacAddress((ulong)v.Mac) : null,
        Mtu = (int?)v.Mtu,
        Primary = v.IsPrimary is { } p ? p == 1 : null,
        MaxBandwidth = v.Maxbw,
        Priority = v.Priority is null ? null : SpecNames.Priorities.First(x => x.Name == v.Priority).Priority,
        Protection = v.Protection is { } prot ? (Protection)prot : null,
        AllowedIps = v.AllowedIps is null ? null
            : v.AllowedIps.Length == 0 ? EquatableArray<IPNetwork>.Empty
            : v.AllowedIps.Split(',').Select(IPNetwork.Parse).ToEquatableArray(),
        Addresses = addrobjs.Select(a => ToSpec(a, resolved, v.NetworkName is { } n ? networks.GetValueOrDefault(n) : null)).ToEquatableArray(),
    };

    private static AddressSpec ToSpec(AddrobjRow a, bool resolved, NetworkSpec? network)
    {
        var type = SpecNames.AddressTypes.First(t => t.Name == a.Type).Type;
        var family = a.Family switch { 4 => AddressFamily.InterNetwork, 6 => AddressFamily.InterNetworkV6, _ => (AddressFamily?)null };
        IPAddress? address = null;
        int? prefix = (int?)a.PrefixLen;
        if (a.Requested is { } requested && requested != "auto")
        {
            address = IPAddress.Parse(requested);
        }
        else if (resolved && a.HeldAddress is { } held)
        {
            address = IPAddress.Parse(held);
            prefix = network?.Subnets.FirstOrDefault(s => s.Family == address.AddressFamily)?.Subnet.PrefixLength;
        }

        return new AddressSpec { Tag = a.Tag, Type = type, Family = family, Address = address, PrefixLength = prefix };
    }
}
