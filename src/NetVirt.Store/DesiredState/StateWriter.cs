using System.Net;
using System.Net.Sockets;
using Dapper;
using Microsoft.Data.Sqlite;
using NetVirt.Model.Addressing;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;
using NetVirt.Store.Ipam;

namespace NetVirt.Store.DesiredState;

/// <summary>
/// Writes a whole desired state inside one transaction, keeping what IPAM handed out stable: a VNIC that is still
/// there keeps its MAC, an address object that is still there keeps its address, a removed one releases its address
/// (with the release time, for the reuse order). Switches, links and networks are updated in place, so the address
/// history of a network survives; zones, VNICs and address objects are rewritten.
/// </summary>
internal sealed class StateWriter
{
    private readonly SqliteConnection _c;
    private readonly SqliteTransaction _tx;
    private readonly string _now;
    private readonly Dictionary<string, long> _etherstubIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _linkIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _networkIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _poolIds = new(StringComparer.Ordinal);
    private ModelIndex _index = new(NetworkModel.Empty);

    public StateWriter(SqliteConnection c, SqliteTransaction tx, string now)
    {
        _c = c;
        _tx = tx;
        _now = now;
    }

    /// <summary>Replaces the stored desired state with <paramref name="model"/> (already validated).</summary>
    public void Replace(StoredState current, NetworkModel model)
    {
        _index = new ModelIndex(model);
        var kept = Snapshot();

        // Release every holding; holdings that survive are claimed again below with their original allocation time.
        _c.Execute("UPDATE ip_addresses SET addrobj_id = NULL, released_at = @now WHERE addrobj_id IS NOT NULL", new { now = _now }, _tx);
        _c.Execute("DELETE FROM zones; DELETE FROM pools;", transaction: _tx);

        UpsertDatalinks("etherstubs", model.Etherstubs.Select(e => (e.Name, e.Mtu, e.Description)), _etherstubIds);
        UpsertDatalinks("links", model.Links.Select(l => (l.Name, l.Mtu, l.Description)), _linkIds);
        UpsertNetworks(current, model);
        DeleteMissing("etherstubs", _etherstubIds.Keys);
        DeleteMissing("links", _linkIds.Keys);
        InsertPools(model);
        _c.Execute("UPDATE meta SET mac_prefix = @prefix WHERE id = 1", new { prefix = model.Settings.MacPrefix.ToString() }, _tx);
        InsertZones(model, kept);
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

    private void DeleteMissing(string table, IEnumerable<string> keep)
    {
        var names = keep.ToList();
        _c.Execute($"DELETE FROM {table} WHERE name NOT IN (SELECT value FROM json_each(@names))", new { names = System.Text.Json.JsonSerializer.Serialize(names) }, _tx);
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
                    v4_cursor = CASE WHEN @reset THEN NULL ELSE v4_cursor END, v6_cursor = CASE WHEN @reset THEN NULL ELSE v6_cursor END
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
        _c.Execute("DELETE FROM networks WHERE name NOT IN (SELECT value FROM json_each(@names))",
            new { names = System.Text.Json.JsonSerializer.Serialize(_networkIds.Keys) }, _tx);
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

    private void InsertZones(NetworkModel model, Holdings kept)
    {
        var ipam = new IpamAllocator(_c, _tx, _now, name => _index.Network(name), name => _networkIds[name]);
        var fixedMacs = model.Zones.SelectMany(z => z.Vnics).Select(v => v.Mac).OfType<MacAddress>().ToHashSet();
        var pending = new List<(long AddrobjId, string Zone, VnicSpec Vnic, AddressSpec Address, string? Network)>();
        var position = 0;
        foreach (var zone in model.Zones)
        {
            var zoneId = _c.ExecuteScalar<long>(
                "INSERT INTO zones (name, position, description, routes_explicit) VALUES (@name, @position, @description, @explicit) RETURNING id",
                new { name = zone.Name, position = position++, description = zone.Description, @explicit = zone.Routes is null ? 0 : 1 }, _tx);
            if (zone.Routes is { } routes)
            {
                for (var i = 0; i < routes.Count; i++)
                {
                    _c.Execute("INSERT INTO zone_routes (zone_id, position, destination, gateway) VALUES (@zoneId, @i, @dst, @gw)",
                        new { zoneId, i, dst = routes[i].Destination.ToString(), gw = routes[i].Gateway.ToString() }, _tx);
                }
            }

            for (var v = 0; v < zone.Vnics.Count; v++)
            {
                var vnic = zone.Vnics[v];
                var previous = kept.Macs.TryGetValue((zone.Name, vnic.Name), out var p) ? p : ((MacAddress Mac, string? Network)?)null;
                var mac = vnic.Mac ?? (previous is { } prev && !fixedMacs.Contains(prev.Mac) ? prev.Mac : ipam.AllocateMac(model.Settings.MacPrefix, fixedMacs));
                fixedMacs.Add(mac);
                var network = vnic.Network ?? ChoosePoolNetwork(zone, vnic, previous?.Network, kept, ipam);
                var vnicId = InsertVnic(zoneId, v, vnic, mac, network);
                for (var a = 0; a < vnic.Addresses.Count; a++)
                {
                    var address = vnic.Addresses[a];
                    var addrobjId = _c.ExecuteScalar<long>(
                        "INSERT INTO addrobjs (vnic_id, tag, position, type, family, requested, prefix_len) VALUES (@vnicId, @tag, @a, @type, @family, @requested, @plen) RETURNING id",
                        new
                        {
                            vnicId,
                            tag = address.Tag,
                            a,
                            type = SpecNames.Format(address.Type),
                            family = address.Family is { } f ? IpamAllocator.FamilyCode(f) : (int?)null,
                            requested = address.Type != AddressType.Static ? null : address.Address?.ToString() ?? "auto",
                            plen = address.PrefixLength,
                        }, _tx);
                    pending.Add((addrobjId, zone.Name, vnic with { Mac = mac }, address, network));
                }
            }
        }

        // Three passes, so that no automatic choice can take an address someone is entitled to: explicit addresses
        // and SLAAC addresses first, then automatic addresses that survive from before (if still free and allowed),
        // then fresh allocations.
        var survivors = new List<(long AddrobjId, string Network, AddressFamily Family, IPAddress? Previous, string? AllocatedAt)>();
        foreach (var (addrobjId, zoneName, vnic, address, network) in pending)
        {
            if (network is null || _index.Network(network) is not { } spec)
            {
                continue;
            }

            switch (address.Type)
            {
                case AddressType.Static when address.Address is { } ip:
                    ipam.Claim(network, ip, addrobjId, "static");
                    break;
                case AddressType.Static:
                    var family = ModelIndex.FamilyOf(address, spec) ?? AddressFamily.InterNetwork;
                    var previous = kept.Addresses[(zoneName, vnic.Name, address.Tag)]
                        .FirstOrDefault(h => h.Kind == "auto" && h.Network == network && h.Address.AddressFamily == family);
                    survivors.Add((addrobjId, network, family, previous.Address, previous.AllocatedAt));
                    break;
                case AddressType.Addrconf when spec.Ipv6 is { } v6 && v6.Subnet.PrefixLength <= 64 && vnic.Mac is { } mac:
                    ipam.Claim(network, Eui64.Derive(v6.Subnet, mac), addrobjId, "slaac");
                    break;
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
                _c.Execute("UPDATE ip_addresses SET allocated_at = @allocatedAt WHERE addrobj_id = @addrobjId", new { allocatedAt, addrobjId }, _tx);
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
    }

    /// <summary>
    /// A pool VNIC stays on the network it was given while that network is still in the pool; a new one goes to the
    /// first network of the pool that has a free address of every family it needs (walked in pool order).
    /// </summary>
    private string? ChoosePoolNetwork(ZoneSpec zone, VnicSpec vnic, string? previous, Holdings kept, IpamAllocator ipam)
    {
        if (vnic.Pool is not { } poolName || _index.Pool(poolName) is not { } pool)
        {
            return null;
        }

        if (previous is not null && pool.Networks.Contains(previous))
        {
            return previous;
        }

        var families = vnic.Addresses.Where(a => a.IsAuto).Select(a => a.Family).Distinct().ToList();
        foreach (var name in pool.Networks)
        {
            var network = _index.Network(name);
            if (network is null)
            {
                continue;
            }

            var fits = families.All(f =>
            {
                var family = f ?? network.Subnets.Select(s => (AddressFamily?)s.Family).FirstOrDefault();
                return family is { } fam && network.Subnets.Any(s => s.Family == fam) && ipam.FindNext(name, fam).Address is not null;
            });
            if (fits)
            {
                return name;
            }
        }

        var usage = string.Join("; ", pool.Networks.Select(n => _index.Network(n) is { } spec
            ? $"'{n}' ({string.Join(", ", spec.Subnets.Select(s => $"{s.Subnet} range {s.EffectiveRange}"))})"
            : $"'{n}'"));
        throw new NetVirtException($"zone '{zone.Name}' vnic '{vnic.Name}': every network of pool '{pool.Name}' is full: {usage}");
    }

    private long InsertVnic(long zoneId, int position, VnicSpec vnic, MacAddress mac, string? network) => _c.ExecuteScalar<long>(
        """
        INSERT INTO vnics (zone_id, name, position, network_id, pool_id, over_etherstub_id, over_link_id, vlan, mac_auto, mac, mtu,
                           is_primary, maxbw, priority, protection, allowed_ips)
        VALUES (@zoneId, @name, @position, @networkId, @poolId, @overEtherstub, @overLink, @vlan, @macAuto, @mac, @mtu,
                @primary, @maxbw, @priority, @protection, @allowed)
        RETURNING id
        """,
        new
        {
            zoneId,
            name = vnic.Name,
            position,
            networkId = network is null ? (long?)null : _networkIds[network],
            poolId = vnic.Pool is { } pool ? _poolIds[pool] : (long?)null,
            overEtherstub = vnic.Over is { } o1 && _etherstubIds.TryGetValue(o1, out var e) ? e : (long?)null,
            overLink = vnic.Over is { } o2 && _linkIds.TryGetValue(o2, out var l) ? l : (long?)null,
            vlan = vnic.Vlan,
            macAuto = vnic.Mac is null ? 1 : 0,
            mac = (long)mac.Value,
            mtu = vnic.Mtu,
            primary = vnic.Primary is { } p ? (p ? 1 : 0) : (int?)null,
            maxbw = vnic.MaxBandwidth,
            priority = vnic.Priority is { } pr ? SpecNames.Format(pr) : null,
            protection = vnic.Protection is { } prot ? (int)prot : (int?)null,
            allowed = vnic.AllowedIps is { } allowed ? string.Join(',', allowed) : null,
        }, _tx);

    private sealed record Holdings(
        Dictionary<(string Zone, string Vnic), (MacAddress Mac, string? Network)> Macs,
        ILookup<(string Zone, string Vnic, string Tag), (string Network, IPAddress Address, string Kind, string AllocatedAt)> Addresses);
}
