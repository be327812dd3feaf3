using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using Dapper;
using NetVirt.Model.Addressing;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;
using NetVirt.Store.Engines;
using NetVirt.Store.Ipam;

namespace NetVirt.Store.DesiredState;

/// <summary>
/// Writes a whole desired state inside one transaction, keeping what IPAM handed out stable: a VNIC that is still
/// there keeps its MAC, an address object that is still there keeps its address, a removed one releases its address
/// (with the release time, for the reuse order). Switches, links and networks are updated in place, so the address
/// history of a network survives; zones, VNICs and address objects are rewritten. Statements run once per zone, VNIC or
/// address go through the transaction's prepared commands (<see cref="PreparedCommands"/>): dispose the writer when
/// its work is done.
/// </summary>
internal sealed class StateWriter : IDisposable
{
    private readonly DbConnection _c;
    private readonly DbTransaction _tx;
    private readonly PreparedCommands _commands;
    private readonly string _now;
    private readonly Dialect _dialect;
    private readonly Dictionary<string, long> _etherstubIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _linkIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _networkIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _poolIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _hostIds = new(StringComparer.Ordinal);
    private ModelIndex _index = new(NetworkModel.Empty);

    public StateWriter(DbConnection c, DbTransaction tx, string now, Dialect dialect)
    {
        _c = c;
        _tx = tx;
        _now = now;
        _dialect = dialect;
        _commands = new PreparedCommands(c, tx);
    }

    public void Dispose() => _commands.Dispose();

    /// <summary>
    /// Replaces the stored desired state with <paramref name="model"/> (already validated). With
    /// <paramref name="remembered"/> (an earlier resolved state), VNICs that hold nothing now get back the MACs and
    /// automatic addresses they had then, when still free: how a rolled-back apply restores exactly what it replaced.
    /// </summary>
    public void Replace(StoredState current, NetworkModel model, NetworkModel? remembered = null)
    {
        _index = new ModelIndex(model);
        var kept = Snapshot();
        if (remembered is not null)
        {
            kept = kept.With(Remembered(model, remembered, _now));
        }

        // Zones NetVirt placed stay where they are while their host exists.
        var placed = _c.Query<(string Zone, string Host)>("SELECT z.name, h.name FROM zones z JOIN hosts h ON h.id = z.host_id", transaction: _tx)
            .ToDictionary(r => r.Zone, r => r.Host, StringComparer.Ordinal);

        // Release every holding of the declared zones; holdings that survive are claimed again below with their original
        // allocation time. Containers' zones (kind 'container') are runtime state: documents never replace them, so
        // their rows and addresses stay as they are (their VNICs name no pool, so pools can be rewritten under them).
        _c.Execute(
            """
            UPDATE ip_addresses SET addrobj_id = NULL, released_at = @now
            WHERE addrobj_id IN (SELECT a.id FROM addrobjs a JOIN vnics v ON v.id = a.vnic_id JOIN zones z ON z.id = v.zone_id WHERE z.kind = 'zone')
            """, new { now = _now }, _tx);
        _c.Execute("DELETE FROM zones WHERE kind = 'zone'; DELETE FROM pools;", transaction: _tx);
        UpsertHosts(model.Hosts);
        DeleteMissing("hosts", _hostIds.Keys);
        _c.Execute("DELETE FROM host_reports WHERE host NOT IN (SELECT name FROM hosts)", transaction: _tx);

        UpsertDatalinks("etherstubs", model.Etherstubs.Select(e => (e.Name, e.Mtu, e.Description)), _etherstubIds);
        UpsertDatalinks("links", model.Links.Select(l => (l.Name, l.Mtu, l.Description)), _linkIds);
        UpsertNetworks(current, model);
        DeleteMissing("etherstubs", _etherstubIds.Keys);
        DeleteMissing("links", _linkIds.Keys);
        InsertPools(model);
        _c.Execute("UPDATE meta SET mac_prefix = @prefix WHERE id = 1", new { prefix = model.Settings.MacPrefix.ToString() }, _tx);
        InsertZones(model.Zones.Where(z => !z.IsContainer), model.Settings.MacPrefix, kept, 0, Placement.Plan(model, placed));
        EnsureDomains(zoneId: null);
        // Domains nothing is on any more give their VNI up (a domain that comes back gets a new one).
        _c.Execute(
            """
            DELETE FROM l2_domains WHERE NOT EXISTS (SELECT 1 FROM networks n WHERE n.over_etherstub_id = l2_domains.over_etherstub_id AND n.vlan = l2_domains.vlan)
              AND NOT EXISTS (SELECT 1 FROM vnics v WHERE v.network_id IS NULL AND v.over_etherstub_id = l2_domains.over_etherstub_id AND coalesce(v.vlan, 0) = l2_domains.vlan)
            """, transaction: _tx);
    }

    private void UpsertHosts(IEnumerable<HostSpec> hosts)
    {
        var position = 0;
        foreach (var h in hosts)
        {
            _hostIds[h.Name] = _c.ExecuteScalar<long>(
                """
                INSERT INTO hosts (name, position, address, labels, description) VALUES (@name, @position, @address, @labels, @description)
                ON CONFLICT (name) DO UPDATE SET position = excluded.position, address = excluded.address, labels = excluded.labels, description = excluded.description
                RETURNING id
                """, new { name = h.Name, position = position++, address = h.Address.ToString(), labels = HostLabels.Format(h.Labels), description = h.Description }, _tx);
        }
    }

    /// <summary>
    /// Gives every L2 domain of an etherstub that has no VNI yet the next one (one past the highest, so a VNI is never
    /// handed to a new domain while hosts may still carry the old one). <paramref name="zoneId"/>: only the domains of that
    /// zone's VNICs (a targeted write); null: every network's and VNIC's. Writers side by side take the domain lock "#vni".
    /// </summary>
    private void EnsureDomains(long? zoneId)
    {
        var missing = _c.Query<(long Etherstub, long Vlan)>(
            zoneId is null
                ? """
                  SELECT DISTINCT over_etherstub_id, vlan FROM networks n WHERE over_etherstub_id IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM l2_domains d WHERE d.over_etherstub_id = n.over_etherstub_id AND d.vlan = n.vlan)
                  UNION
                  SELECT DISTINCT v.over_etherstub_id, coalesce(v.vlan, 0) FROM vnics v WHERE v.network_id IS NULL AND v.over_etherstub_id IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM l2_domains d WHERE d.over_etherstub_id = v.over_etherstub_id AND d.vlan = coalesce(v.vlan, 0))
                  """
                : """
                  SELECT DISTINCT coalesce(n.over_etherstub_id, v.over_etherstub_id), coalesce(n.vlan, v.vlan, 0)
                  FROM vnics v LEFT JOIN networks n ON n.id = v.network_id
                  WHERE v.zone_id = @zoneId AND coalesce(n.over_etherstub_id, v.over_etherstub_id) IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM l2_domains d WHERE d.over_etherstub_id = coalesce(n.over_etherstub_id, v.over_etherstub_id) AND d.vlan = coalesce(n.vlan, v.vlan, 0))
                  """,
            new { zoneId }, _tx).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        _dialect.LockL2Domain(_c, _tx, "#vni");
        foreach (var (etherstub, vlan) in missing)
        {
            _c.Execute(
                """
                -- "WHERE true": SQLite reads ON CONFLICT after a bare FROM as a join constraint.
                INSERT INTO l2_domains (over_etherstub_id, vlan, vni) SELECT @etherstub, @vlan, coalesce(max(vni), 0) + 1 FROM l2_domains WHERE true
                ON CONFLICT (over_etherstub_id, vlan) DO NOTHING
                """, new { etherstub, vlan }, _tx);
        }
    }

    /// <summary>What the stored VNICs and address objects hold now, by identity (zone, vnic[, tag]).</summary>
    private Holdings Snapshot()
    {
        var macs = _c.Query<(string Zone, string Vnic, long Mac, string? Network)>(
            "SELECT z.name, v.name, v.mac, n.name FROM vnics v JOIN zones z ON z.id = v.zone_id LEFT JOIN networks n ON n.id = v.network_id", transaction: _tx)
            .ToDictionary(r => (r.Zone, r.Vnic), r => (Mac: new MacAddress((ulong)r.Mac), r.Network));
        var addresses = _c.Query<(string Zone, string Vnic, string Tag, string Network, string Address, string Kind, string AllocatedAt)>(
            """
            SELECT z.name, v.name, a.tag, n.name, ip.address, ip.kind, ip.allocated_at
            FROM ip_addresses ip JOIN addrobjs a ON a.id = ip.addrobj_id JOIN vnics v ON v.id = a.vnic_id JOIN zones z ON z.id = v.zone_id
            JOIN networks n ON n.id = ip.network_id
            """, transaction: _tx)
            .ToLookup(r => (r.Zone, r.Vnic, r.Tag), r => (r.Network, Address: IPAddress.Parse(r.Address), r.Kind, r.AllocatedAt));
        return new Holdings(macs, addresses);
    }

    // Holdings of an earlier resolved state: MACs of auto-MAC VNICs and addresses of automatic address objects.
    private static Holdings Remembered(NetworkModel authored, NetworkModel resolved, string now)
    {
        var macs = new Dictionary<(string Zone, string Vnic), (MacAddress Mac, string? Network)>();
        var addresses = new List<(string Zone, string Vnic, string Tag, string Network, IPAddress Address, string Kind, string AllocatedAt)>();
        var before = resolved.Zones.SelectMany(z => z.Vnics.Select(v => (Zone: z.Name, Vnic: v))).ToDictionary(x => (x.Zone, x.Vnic.Name));
        foreach (var zone in authored.Zones)
        {
            foreach (var vnic in zone.Vnics)
            {
                if (!before.TryGetValue((zone.Name, vnic.Name), out var old))
                {
                    continue;
                }

                if (old.Vnic.Mac is { } mac)
                {
                    macs[(zone.Name, vnic.Name)] = (mac, old.Vnic.Network);
                }

                foreach (var address in vnic.Addresses.Where(a => a.IsAuto))
                {
                    if (old.Vnic.Addresses.FirstOrDefault(a => a.Tag == address.Tag)?.Address is { } ip && old.Vnic.Network is { } network)
                    {
                        addresses.Add((zone.Name, vnic.Name, address.Tag, network, ip, "auto", now));
                    }
                }
            }
        }

        return new Holdings(macs, addresses.ToLookup(r => (r.Zone, r.Vnic, r.Tag), r => (r.Network, r.Address, r.Kind, r.AllocatedAt)));
    }

    private void UpsertDatalinks(string table, IEnumerable<(string Name, int? Mtu, string? Description)> items, Dictionary<string, long> ids)
    {
        var position = 0;
        foreach (var (name, mtu, description) in items)
        {
            ids[name] = _c.ExecuteScalar<long>(
                $"""
                INSERT INTO {table} (name, position, mtu, description) VALUES (@name, @position, @mtu, @description)
                ON CONFLICT (name) DO UPDATE SET position = excluded.position, mtu = excluded.mtu, description = excluded.description
                RETURNING id
                """, new { name, position = position++, mtu, description }, _tx);
        }
    }

    /// <summary>Deletes the rows of <paramref name="table"/> whose names are not in <paramref name="keep"/> (a handful of switches or networks).</summary>
    private void DeleteMissing(string table, IEnumerable<string> keep)
    {
        var names = keep.ToHashSet(StringComparer.Ordinal);
        foreach (var name in _c.Query<string>($"SELECT name FROM {table}", transaction: _tx).Where(n => !names.Contains(n)).ToList())
        {
            _c.Execute($"DELETE FROM {table} WHERE name = @name", new { name }, _tx);
        }
    }

    private void UpsertNetworks(StoredState current, NetworkModel model)
    {
        var before = current.Authored.Networks.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var position = 0;
        foreach (var n in model.Networks)
        {
            // The cursor says "everything below has been used once"; when the range, gateway or reservations change
            // that no longer holds, so the scan starts again from the bottom of the range.
            var addressingChanged = !before.TryGetValue(n.Name, out var old)
                || !Equals(old.Ipv4, n.Ipv4) || !Equals(old.Ipv6, n.Ipv6) || !old.Reserved.Equals(n.Reserved);
            var id = _c.ExecuteScalar<long>(
                """
                INSERT INTO networks (name, position, over_etherstub_id, over_link_id, vlan, mtu, tenant, description,
                                      v4_subnet, v4_gateway, v4_range_start, v4_range_end, v6_subnet, v6_gateway, v6_range_start, v6_range_end)
                VALUES (@name, @position, @overEtherstub, @overLink, @vlan, @mtu, @tenant, @description,
                        @v4Subnet, @v4Gateway, @v4Start, @v4End, @v6Subnet, @v6Gateway, @v6Start, @v6End)
                ON CONFLICT (name) DO UPDATE SET position = excluded.position, over_etherstub_id = excluded.over_etherstub_id,
                    over_link_id = excluded.over_link_id, vlan = excluded.vlan, mtu = excluded.mtu, tenant = excluded.tenant,
                    description = excluded.description, v4_subnet = excluded.v4_subnet, v4_gateway = excluded.v4_gateway,
                    v4_range_start = excluded.v4_range_start, v4_range_end = excluded.v4_range_end, v6_subnet = excluded.v6_subnet,
                    v6_gateway = excluded.v6_gateway, v6_range_start = excluded.v6_range_start, v6_range_end = excluded.v6_range_end,
                    v4_cursor = CASE WHEN @reset THEN NULL ELSE networks.v4_cursor END, v6_cursor = CASE WHEN @reset THEN NULL ELSE networks.v6_cursor END
                RETURNING id
                """,
                new
                {
                    name = n.Name,
                    position = position++,
                    overEtherstub = _etherstubIds.TryGetValue(n.Over, out var e) ? e : (long?)null,
                    overLink = _linkIds.TryGetValue(n.Over, out var l) ? l : (long?)null,
                    vlan = n.Vlan,
                    mtu = n.Mtu,
                    tenant = n.Tenant,
                    description = n.Description,
                    v4Subnet = n.Ipv4?.Subnet.ToString(),
                    v4Gateway = n.Ipv4?.Gateway?.ToString(),
                    v4Start = n.Ipv4?.RangeStart?.ToString(),
                    v4End = n.Ipv4?.RangeEnd?.ToString(),
                    v6Subnet = n.Ipv6?.Subnet.ToString(),
                    v6Gateway = n.Ipv6?.Gateway?.ToString(),
                    v6Start = n.Ipv6?.RangeStart?.ToString(),
                    v6End = n.Ipv6?.RangeEnd?.ToString(),
                    reset = addressingChanged,
                }, _tx);
            _networkIds[n.Name] = id;

            // Released history outside the new subnets can never be reused.
            _c.Execute(
                "DELETE FROM ip_addresses WHERE network_id = @id AND addrobj_id IS NULL AND NOT (family = 4 AND @v4 IS NOT NULL OR family = 6 AND @v6 IS NOT NULL)",
                new { id, v4 = n.Ipv4?.Subnet.ToString(), v6 = n.Ipv6?.Subnet.ToString() }, _tx);
            _c.Execute("DELETE FROM reservations WHERE network_id = @id", new { id }, _tx);
            var rpos = 0;
            foreach (var r in n.Reserved)
            {
                _c.Execute(
                    "INSERT INTO reservations (network_id, position, first_key, last_key, first_text, last_text, note) VALUES (@id, @pos, @fk, @lk, @ft, @lt, @note)",
                    new { id, pos = rpos++, fk = IpAddressMath.ToKey(r.First), lk = IpAddressMath.ToKey(r.Last), ft = r.First.ToString(), lt = r.Last.ToString(), note = r.Note }, _tx);
            }
        }

        // Networks that are gone take their address history with them.
        DeleteMissing("networks", _networkIds.Keys);
    }

    private void InsertPools(NetworkModel model)
    {
        var position = 0;
        foreach (var p in model.Pools)
        {
            var id = _c.ExecuteScalar<long>("INSERT INTO pools (name, position, description) VALUES (@name, @position, @description) RETURNING id",
                new { name = p.Name, position = position++, description = p.Description }, _tx);
            _poolIds[p.Name] = id;
            for (var i = 0; i < p.Networks.Count; i++)
            {
                _c.Execute("INSERT INTO pool_networks (pool_id, position, network_id) VALUES (@id, @i, @network)", new { id, i, network = _networkIds[p.Networks[i]] }, _tx);
            }
        }
    }

    /// <summary>Adds one zone to the stored state; <paramref name="infrastructure"/> is the stored model without zones.</summary>
    public void AddZone(NetworkModel infrastructure, InfrastructureIds ids, ZoneSpec zone)
    {
        _index = new ModelIndex(infrastructure with { Zones = [zone] });
        UseIds(ids);
        var position = _c.ExecuteScalar<long>("SELECT coalesce(max(position), -1) + 1 FROM zones", transaction: _tx);
        var load = _c.Query<(string Host, long Zones)>("SELECT h.name, count(z.id) FROM hosts h LEFT JOIN zones z ON z.host_id = h.id GROUP BY h.name", transaction: _tx)
            .ToDictionary(r => r.Host, r => (int)r.Zones, StringComparer.Ordinal);
        InsertZones([zone], infrastructure.Settings.MacPrefix, Holdings.None, (int)position, Placement.PlaceOne(infrastructure, zone, load));
        EnsureDomains(_c.ExecuteScalar<long>("SELECT id FROM zones WHERE name = @name", new { name = zone.Name }, _tx));
    }

    /// <summary>Adds VNICs to a stored zone; <paramref name="infrastructure"/> is the stored model without zones.</summary>
    public void AddVnics(NetworkModel infrastructure, InfrastructureIds ids, string zoneName, IReadOnlyList<VnicSpec> vnics, bool container = false)
    {
        var zone = new ZoneSpec { Name = zoneName, Vnics = [.. vnics] };
        _index = new ModelIndex(infrastructure with { Zones = [zone] });
        UseIds(ids);
        var zoneId = _c.ExecuteScalar<long?>("SELECT id FROM zones WHERE name = @zoneName", new { zoneName }, _tx)
            ?? throw new UnknownObjectException($"zone '{zoneName}' does not exist");
        RefuseContainerZone(zoneName, container, "add VNICs to");
        var position = (int)_c.ExecuteScalar<long>("SELECT coalesce(max(position), -1) + 1 FROM vnics WHERE zone_id = @zoneId", new { zoneId }, _tx);
        var ipam = NewAllocator();
        var pending = new List<PendingAddress>();
        var fixedMacs = vnics.Select(v => v.Mac).OfType<MacAddress>().ToHashSet();
        foreach (var vnic in vnics)
        {
            InsertVnic(zoneId, zone, vnic, position++, infrastructure.Settings.MacPrefix, fixedMacs, Holdings.None, ipam, pending);
        }

        ClaimAndAllocate(pending, Holdings.None, ipam);
        EnsureDomains(zoneId);
    }

    /// <summary>Removes a zone (or only the named VNICs of it), releasing their addresses first.</summary>
    public void Remove(string zoneName, string? vnicName, bool container = false)
    {
        RefuseContainerZone(zoneName, container, vnicName is null ? "remove" : $"remove vnic '{vnicName}' of");
        var released = _c.Execute(
            """
            UPDATE ip_addresses SET addrobj_id = NULL, released_at = @now
            WHERE addrobj_id IN (SELECT a.id FROM addrobjs a JOIN vnics v ON v.id = a.vnic_id JOIN zones z ON z.id = v.zone_id
                                 WHERE z.name = @zoneName AND (@vnicName IS NULL OR v.name = @vnicName))
            """, new { now = _now, zoneName, vnicName }, _tx);
        var deleted = vnicName is null
            ? _c.Execute("DELETE FROM zones WHERE name = @zoneName", new { zoneName }, _tx)
            : _c.Execute("DELETE FROM vnics WHERE name = @vnicName AND zone_id = (SELECT id FROM zones WHERE name = @zoneName)", new { zoneName, vnicName }, _tx);
        if (deleted == 0)
        {
            throw new UnknownObjectException(vnicName is null ? $"zone '{zoneName}' does not exist" : $"zone '{zoneName}' has no vnic '{vnicName}'");
        }
    }

    /// <summary>A container's zone changes only through the CNI path (<paramref name="container"/>): its runtime owns it.</summary>
    private void RefuseContainerZone(string zoneName, bool container, string action)
    {
        if (!container && _c.ExecuteScalar<string?>("SELECT ct.container_id FROM containers ct JOIN zones z ON z.id = ct.zone_id WHERE z.name = @zoneName", new { zoneName }, _tx) is { } id)
        {
            throw new RequestRefusedException(
                $"cannot {action} zone '{zoneName}': it is the zone of container '{id}', attached through CNI; its runtime removes it (podman rm, or CNI DEL), " +
                "and the runtime's CNI GC removes attachments of containers it no longer knows");
        }
    }

    /// <summary>Ids of switches, links, networks and pools by name, for writes that add zones.</summary>
    internal sealed record InfrastructureIds(
        Dictionary<string, long> Etherstubs, Dictionary<string, long> Links, Dictionary<string, long> Networks, Dictionary<string, long> Pools, Dictionary<string, long> Hosts);

    /// <summary>Reads the ids of switches, links, networks and pools.</summary>
    internal static InfrastructureIds ReadIds(DbConnection c, DbTransaction tx)
    {
        return new InfrastructureIds(Fill("etherstubs"), Fill("links"), Fill("networks"), Fill("pools"), Fill("hosts"));

        Dictionary<string, long> Fill(string table) =>
            c.Query<(string Name, long Id)>($"SELECT name, id FROM {table}", transaction: tx).ToDictionary(r => r.Name, r => r.Id, StringComparer.Ordinal);
    }

    private void UseIds(InfrastructureIds ids)
    {
        foreach (var (target, source) in new[] { (_etherstubIds, ids.Etherstubs), (_linkIds, ids.Links), (_networkIds, ids.Networks), (_poolIds, ids.Pools), (_hostIds, ids.Hosts) })
        {
            foreach (var (name, id) in source)
            {
                target[name] = id;
            }
        }
    }

    private IpamAllocator NewAllocator() => new(_c, _tx, _commands, _dialect, _now, name => _index.Network(name), name => _networkIds[name]);

    private void InsertZones(IEnumerable<ZoneSpec> zones, MacPrefix macPrefix, Holdings kept, int position, IReadOnlyDictionary<string, string> hosts)
    {
        var list = zones.ToList();
        var ipam = NewAllocator();
        var fixedMacs = list.SelectMany(z => z.Vnics).Select(v => v.Mac).OfType<MacAddress>().ToHashSet();
        var pending = new List<PendingAddress>();
        foreach (var zone in list)
        {
            var zoneId = _commands.Int64(
                """
                INSERT INTO zones (name, position, description, routes_explicit, host_id, host_explicit)
                VALUES (@name, @position, @description, @explicit, @hostId, @hostExplicit) RETURNING id
                """,
                ("@name", zone.Name),
                ("@position", position++),
                ("@description", zone.Description),
                ("@explicit", zone.Routes is null ? 0 : 1),
                ("@hostId", hosts.TryGetValue(zone.Name, out var host) ? _hostIds[host] : null),
                ("@hostExplicit", zone.Host is null ? 0 : 1))!.Value;
            if (zone.Routes is { } routes)
            {
                for (var i = 0; i < routes.Count; i++)
                {
                    _commands.Execute("INSERT INTO zone_routes (zone_id, position, destination, gateway) VALUES (@zoneId, @i, @dst, @gw)",
                        ("@zoneId", zoneId), ("@i", i), ("@dst", routes[i].Destination.ToString()), ("@gw", routes[i].Gateway.ToString()));
                }
            }

            for (var v = 0; v < zone.Vnics.Count; v++)
            {
                InsertVnic(zoneId, zone, zone.Vnics[v], v, macPrefix, fixedMacs, kept, ipam, pending);
            }
        }

        ClaimAndAllocate(pending, kept, ipam);
    }

    private void InsertVnic(
        long zoneId, ZoneSpec zone, VnicSpec vnic, int position, MacPrefix macPrefix, HashSet<MacAddress> fixedMacs, Holdings kept, IpamAllocator ipam, List<PendingAddress> pending)
    {
        var previous = kept.Macs.TryGetValue((zone.Name, vnic.Name), out var p) ? p : ((MacAddress Mac, string? Network)?)null;
        var mac = vnic.Mac ?? (previous is { } prev && !fixedMacs.Contains(prev.Mac) ? prev.Mac : ipam.AllocateMac(macPrefix, fixedMacs));
        fixedMacs.Add(mac);
        // A pool VNIC keeps the network it was given while that network is still in the pool; a new one is placed
        // when its addresses are allocated (ResolvePools).
        var network = vnic.Network
            ?? (vnic.Pool is { } pool && previous?.Network is { } before && _index.Pool(pool)?.Networks.Contains(before) == true ? before : null);
        var vnicId = InsertVnicRow(zoneId, position, vnic, mac, network);
        if (network is null && vnic.Pool is not null && vnic.Addresses.Count == 0)
        {
            pending.Add(new PendingAddress(null, vnicId, zone.Name, vnic with { Mac = mac }, null, null));
        }
        for (var a = 0; a < vnic.Addresses.Count; a++)
        {
            var address = vnic.Addresses[a];
            var addrobjId = _commands.Int64(
                "INSERT INTO addrobjs (vnic_id, tag, position, type, family, requested, prefix_len) VALUES (@vnicId, @tag, @a, @type, @family, @requested, @plen) RETURNING id",
                ("@vnicId", vnicId),
                ("@tag", address.Tag),
                ("@a", a),
                ("@type", SpecNames.Format(address.Type)),
                ("@family", address.Family is { } f ? IpamAllocator.FamilyCode(f) : null),
                ("@requested", address.Type != AddressType.Static ? null : address.Address?.ToString() ?? "auto"),
                ("@plen", address.PrefixLength))!.Value;
            pending.Add(new PendingAddress(addrobjId, vnicId, zone.Name, vnic with { Mac = mac }, address, network));
        }
    }

    private void ClaimAndAllocate(List<PendingAddress> pending, Holdings kept, IpamAllocator ipam)
    {
        // Passes, so that no automatic choice can take an address someone is entitled to: explicit and SLAAC
        // addresses first, then automatic addresses that survive from before (if still free and allowed), then
        // fresh allocations, and last the pool VNICs that still need a network.
        var survivors = new List<(long AddrobjId, string Network, AddressFamily Family, IPAddress? Previous, string? AllocatedAt)>();
        foreach (var item in pending.Where(p => p.Network is not null && p.Address is not null))
        {
            var spec = _index.Network(item.Network)!;
            if (item.Address!.Type == AddressType.Static && item.Address.Address is null)
            {
                var family = ModelIndex.FamilyOf(item.Address, spec) ?? AddressFamily.InterNetwork;
                var previous = kept.Addresses[(item.Zone, item.Vnic.Name, item.Address.Tag)]
                    .FirstOrDefault(h => h.Kind == "auto" && h.Network == item.Network && h.Address.AddressFamily == family);
                survivors.Add((item.AddrobjId!.Value, item.Network!, family, previous.Address, previous.AllocatedAt));
            }
            else
            {
                ClaimFixed(item, item.Network!, ipam);
            }
        }

        var fresh = new List<(long AddrobjId, string Network, AddressFamily Family)>();
        foreach (var (addrobjId, network, family, previous, allocatedAt) in survivors)
        {
            var spec = _index.Network(network)!;
            var stillAllowed = previous is not null
                && spec.Subnets.Any(s => s.Family == family && new Model.Ipam.AllocationRules(spec, s).IsAllowed(IpAddressMath.ToUInt128(previous)));
            if (stillAllowed && ipam.IsFree(network, previous!))
            {
                ipam.Claim(network, previous!, addrobjId, "auto");
                _commands.Execute("UPDATE ip_addresses SET allocated_at = @allocatedAt WHERE addrobj_id = @addrobjId", ("@allocatedAt", allocatedAt), ("@addrobjId", addrobjId));
            }
            else
            {
                fresh.Add((addrobjId, network, family));
            }
        }

        foreach (var (addrobjId, network, family) in fresh)
        {
            ipam.AllocateAuto(network, family, addrobjId);
        }

        ResolvePools(pending.Where(p => p.Network is null && p.Vnic.Pool is not null).GroupBy(p => p.VnicId), ipam);
        ipam.WriteCursors();
    }

    /// <summary>Claims an explicit static address or the SLAAC address of an addrconf object.</summary>
    private void ClaimFixed(PendingAddress item, string network, IpamAllocator ipam)
    {
        var spec = _index.Network(network)!;
        switch (item.Address!.Type)
        {
            case AddressType.Static when item.Address.Address is { } ip:
                ipam.Claim(network, ip, item.AddrobjId!.Value, "static");
                break;
            case AddressType.Addrconf when spec.Ipv6 is { } v6 && v6.Subnet.PrefixLength <= 64 && item.Vnic.Mac is { } mac:
                ipam.Claim(network, Eui64.Derive(v6.Subnet, mac), item.AddrobjId!.Value, "slaac");
                break;
        }
    }

    /// <summary>
    /// Places each new pool VNIC on the first network of its pool, in pool order, where every one of its addresses
    /// can be allocated; a savepoint undoes a partial attempt so a full network leaves no trace.
    /// </summary>
    private void ResolvePools(IEnumerable<IGrouping<long, PendingAddress>> vnics, IpamAllocator ipam)
    {
        foreach (var group in vnics)
        {
            var first = group.First();
            var pool = _index.Pool(first.Vnic.Pool)!;
            string? placed = null;
            foreach (var network in pool.Networks)
            {
                if (_index.Network(network) is not { } spec)
                {
                    continue;
                }

                ipam.WriteCursors();
                _c.Execute("SAVEPOINT pool_attempt", transaction: _tx);
                var fits = true;
                try
                {
                    foreach (var item in group.Where(i => i.Address is not null))
                    {
                        if (item.Address!.Type == AddressType.Static && item.Address.Address is null)
                        {
                            var family = ModelIndex.FamilyOf(item.Address, spec);
                            fits = family is { } f && spec.Subnets.Any(s => s.Family == f) && ipam.TryAllocateAuto(network, f, item.AddrobjId!.Value) is not null;
                        }
                        else
                        {
                            ClaimFixed(item, network, ipam);
                        }

                        if (!fits)
                        {
                            break;
                        }
                    }
                }
                catch (ConcurrencyConflictException)
                {
                    fits = false;
                }

                if (fits)
                {
                    _c.Execute("RELEASE pool_attempt", transaction: _tx);
                    placed = network;
                    break;
                }

                _c.Execute("ROLLBACK TO pool_attempt; RELEASE pool_attempt", transaction: _tx);
                ipam.RolledBack();
            }

            if (placed is null)
            {
                var networks = string.Join("; ", pool.Networks.Select(n => _index.Network(n) is { } spec
                    ? $"'{n}' ({string.Join(", ", spec.Subnets.Select(s => $"{s.Subnet} range {s.EffectiveRange}"))})"
                    : $"'{n}'"));
                throw new RequestRefusedException($"zone '{first.Zone}' vnic '{first.Vnic.Name}': every network of pool '{pool.Name}' is full: {networks}");
            }

            _c.Execute("UPDATE vnics SET network_id = @networkId WHERE id = @vnicId", new { networkId = _networkIds[placed], vnicId = group.Key }, _tx);
        }
    }

    private long InsertVnicRow(long zoneId, int position, VnicSpec vnic, MacAddress mac, string? network) => _commands.Int64(
        """
        INSERT INTO vnics (zone_id, name, position, network_id, pool_id, over_etherstub_id, over_link_id, vlan, mac_auto, mac, mtu,
                           is_primary, maxbw, priority, protection, allowed_ips)
        VALUES (@zoneId, @name, @position, @networkId, @poolId, @overEtherstub, @overLink, @vlan, @macAuto, @mac, @mtu,
                @primary, @maxbw, @priority, @protection, @allowed)
        RETURNING id
        """,
        ("@zoneId", zoneId),
        ("@name", vnic.Name),
        ("@position", position),
        ("@networkId", network is null ? null : _networkIds[network]),
        ("@poolId", vnic.Pool is { } pool ? _poolIds[pool] : null),
        ("@overEtherstub", vnic.Over is { } o1 && _etherstubIds.TryGetValue(o1, out var e) ? e : null),
        ("@overLink", vnic.Over is { } o2 && _linkIds.TryGetValue(o2, out var l) ? l : null),
        ("@vlan", vnic.Vlan),
        ("@macAuto", vnic.Mac is null ? 1 : 0),
        ("@mac", (long)mac.Value),
        ("@mtu", vnic.Mtu),
        ("@primary", vnic.Primary is { } p ? (p ? 1 : 0) : null),
        ("@maxbw", vnic.MaxBandwidth),
        ("@priority", vnic.Priority is { } pr ? SpecNames.Format(pr) : null),
        ("@protection", vnic.Protection is { } prot ? (int)prot : null),
        ("@allowed", vnic.AllowedIps is { } allowed ? string.Join(',', allowed) : null))!.Value;

    private sealed record PendingAddress(long? AddrobjId, long VnicId, string Zone, VnicSpec Vnic, AddressSpec? Address, string? Network);

    private sealed record Holdings(
        Dictionary<(string Zone, string Vnic), (MacAddress Mac, string? Network)> Macs,
        ILookup<(string Zone, string Vnic, string Tag), (string Network, IPAddress Address, string Kind, string AllocatedAt)> Addresses)
    {
        public static Holdings None { get; } = new([], Array.Empty<(string, string, string, string, IPAddress, string, string)>()
            .ToLookup(r => (r.Item1, r.Item2, r.Item3), r => (r.Item4, r.Item5, r.Item6, r.Item7)));

        /// <summary>These holdings, plus those of <paramref name="earlier"/> for VNICs that hold nothing here.</summary>
        public Holdings With(Holdings earlier)
        {
            var macs = new Dictionary<(string Zone, string Vnic), (MacAddress Mac, string? Network)>(Macs);
            foreach (var (key, value) in earlier.Macs)
            {
                macs.TryAdd(key, value);
            }

            var addresses = Addresses.SelectMany(g => g.Select(v => (g.Key, v)))
                .Concat(earlier.Addresses.Where(g => !Macs.ContainsKey((g.Key.Zone, g.Key.Vnic))).SelectMany(g => g.Select(v => (g.Key, v))))
                .ToLookup(x => x.Key, x => x.v);
            return new Holdings(macs, addresses);
        }
    }
}
