using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using Dapper;
using NetVirt.Model.Addressing;
using NetVirt.Model.Errors;
using NetVirt.Model.Ipam;
using NetVirt.Model.Spec;
using NetVirt.Store.Engines;

namespace NetVirt.Store.Ipam;

/// <summary>
/// Hands out addresses and MACs inside one write transaction. Order of choice, as Triton NAPI does it to spare ARP
/// caches: the lowest never-used address of the provisioning range first; once the range has been used through,
/// the free address released longest ago. Never the network, broadcast or gateway address, nor a reserved one.
/// The UNIQUE constraints of <c>ip_addresses</c> and <c>vnics.mac</c> are the last line of defence. The statements
/// run once per address go through <paramref name="commands"/>, the transaction's prepared commands.
/// </summary>
internal sealed class IpamAllocator(
    DbConnection c, DbTransaction tx, PreparedCommands commands, Dialect dialect, string now, Func<string, NetworkSpec?> networks, Func<string, long> networkIds)
{
    private const int ScanChunk = 512;
    private readonly HashSet<string> _lockedDomains = new(StringComparer.Ordinal);
    private readonly Dictionary<(long NetworkId, int Family), Scan> _scans = [];
    private readonly Dictionary<(long NetworkId, AddressFamily Family), byte[]> _cursors = [];
    private string? _deploymentId;

    /// <summary>
    /// Where the last fresh allocation in one network and family left off, so that the next one neither reads the
    /// cursor back nor fetches the used addresses again: <paramref name="Next"/> is the cursor this transaction wrote,
    /// <paramref name="Used"/> the used addresses fetched from below it (in order), complete to the end of the
    /// network when <paramref name="Complete"/>. Valid while only this allocator's fresh allocations add addresses to
    /// the network: a claim forgets the network's scans, a rollback to a savepoint all of them (<see cref="RolledBack"/>).
    /// Storing 1,000 zones ran four statements per automatic address, two of them these reads; the third, moving the
    /// cursor, waits in <c>_cursors</c> until <see cref="WriteCursors"/>. A cursor left unwritten is only behind: the
    /// next scan starts lower and steps over the used addresses, so forgetting to write costs time, not correctness.
    /// </summary>
    private sealed record Scan(UInt128 Next, List<UInt128> Used, bool Complete);

    /// <summary>
    /// Serialises allocation in the L2 domain of <paramref name="network"/> with every other writer until this
    /// transaction ends (on PostgreSQL, where writers run side by side): networks that share an L2 domain share its
    /// ARP/NDP space, so the domain, not the network, is what two writers must not allocate in at once.
    /// </summary>
    private void LockDomain(string network)
    {
        var spec = networks(network) ?? throw new InvalidOperationException($"unknown network '{network}'");
        var key = $"{spec.Over}/{spec.Vlan}";
        if (_lockedDomains.Add(key))
        {
            dialect.LockL2Domain(c, tx, key);
        }
    }

    /// <summary>Allocates an address of <paramref name="family"/> in <paramref name="network"/> for an address object.</summary>
    public IPAddress AllocateAuto(string network, AddressFamily family, long addrobjId) =>
        TryAllocateAuto(network, family, addrobjId) ?? throw Exhausted(network, family);

    /// <summary>Like <see cref="AllocateAuto"/>, but null when the network has no free address of that family.</summary>
    public IPAddress? TryAllocateAuto(string network, AddressFamily family, long addrobjId)
    {
        LockDomain(network);
        var (choice, scan) = Find(network, family);
        var networkId = networkIds(network);
        var key = (networkId, FamilyCode(family));
        if (choice.NewCursor is { } cursor)
        {
            if (scan is not null)
            {
                _cursors[(networkId, family)] = cursor; // a fresh address: the cursor moves once per allocation, written once per write
            }
            else
            {
                _cursors.Remove((networkId, family));
                WriteCursor(networkId, family, cursor);
            }
        }

        _scans.Remove(key);
        switch (choice.Address, choice.ReleasedRowId)
        {
            case (null, _):
                return null;
            case ({ } address, { } rowId):
                commands.Execute("UPDATE ip_addresses SET addrobj_id = @addrobjId, kind = 'auto', allocated_at = @now, released_at = NULL WHERE id = @rowId",
                    ("@addrobjId", addrobjId), ("@now", now), ("@rowId", rowId));
                return address;
            case ({ } address, null):
                commands.Execute(
                    "INSERT INTO ip_addresses (network_id, family, address_key, address, addrobj_id, kind, allocated_at) VALUES (@networkId, @fam, @key, @text, @addrobjId, 'auto', @now)",
                    ("@networkId", networkId), ("@fam", FamilyCode(family)), ("@key", IpAddressMath.ToKey(address)), ("@text", address.ToString()), ("@addrobjId", addrobjId), ("@now", now));
                if (scan is not null)
                {
                    _scans[key] = scan;
                }

                return address;
        }
    }

    /// <summary>Writes the cursors that fresh allocations moved: call it before the transaction commits or sets a savepoint.</summary>
    public void WriteCursors()
    {
        foreach (var ((networkId, family), cursor) in _cursors)
        {
            WriteCursor(networkId, family, cursor);
        }

        _cursors.Clear();
    }

    private void WriteCursor(long networkId, AddressFamily family, byte[] cursor) =>
        commands.Execute($"UPDATE networks SET {CursorColumn(family)} = @cursor WHERE id = @networkId", ("@cursor", cursor), ("@networkId", networkId));

    /// <summary>
    /// Forgets what this allocator remembered of its own writes since its cursors were last written
    /// (<see cref="WriteCursors"/>, which must come before the savepoint): call it after rolling the transaction back
    /// to a savepoint, which undid them.
    /// </summary>
    public void RolledBack()
    {
        _scans.Clear();
        _cursors.Clear();
    }

    /// <summary>
    /// The address the next automatic allocation in <paramref name="network"/> would get, without taking it: the
    /// lowest never-used address at or above the network's cursor, else the free address released longest ago.
    /// </summary>
    public NextChoice FindNext(string network, AddressFamily family) => Find(network, family).Choice;

    // FindNext, and for a fresh address the scan that continues after it once it is taken.
    private (NextChoice Choice, Scan? After) Find(string network, AddressFamily family)
    {
        var spec = networks(network) ?? throw new InvalidOperationException($"unknown network '{network}'");
        var subnet = spec.Subnets.FirstOrDefault(s => s.Family == family)
            ?? throw new NetVirtException($"network '{network}' has no {SpecNames.Format(family)} subnet to allocate from");
        var networkId = networkIds(network);
        var rules = new AllocationRules(spec, subnet);
        var fam = FamilyCode(family);

        // 1. The lowest never-used address at or above the cursor: every address below it has been used once.
        var first = IpAddressMath.ToUInt128(rules.Range.First);
        var last = IpAddressMath.ToUInt128(rules.Range.Last);
        UInt128 candidate;
        List<UInt128>? used = null;
        var complete = false;
        if (_scans.TryGetValue((networkId, fam), out var scan))
        {
            (candidate, used, complete) = (UInt128.Max(first, scan.Next), scan.Used, scan.Complete);
        }
        else
        {
            var cursorKey = _cursors.TryGetValue((networkId, family), out var moved)
                ? moved
                : (byte[]?)commands.Scalar($"SELECT {CursorColumn(family)} FROM networks WHERE id = @networkId", ("@networkId", networkId));
            candidate = cursorKey is null ? first : UInt128.Max(first, IpAddressMath.ToUInt128(IpAddressMath.FromKey(cursorKey)));
        }

        while (candidate <= last)
        {
            if (used is null)
            {
                used = commands.Rows(
                    "SELECT address_key FROM ip_addresses WHERE network_id = @networkId AND family = @fam AND address_key >= @from ORDER BY address_key LIMIT @limit",
                    r => IpAddressMath.ToUInt128(IpAddressMath.FromKey((byte[])r.GetValue(0))),
                    ("@networkId", networkId), ("@fam", fam), ("@from", Key(candidate, family)), ("@limit", ScanChunk));
                complete = used.Count < ScanChunk;
            }

            var index = FirstAtOrAbove(used, candidate);
            while (candidate <= last && used is not null)
            {
                while (index < used.Count && used[index] < candidate)
                {
                    index++;
                }

                if (index < used.Count && used[index] == candidate)
                {
                    candidate++;
                }
                else if (index == used.Count && !complete)
                {
                    used = null; // the chunk is used up: fetch used addresses from here on
                }
                else if (rules.NextAllowed(candidate) is not { } allowed)
                {
                    candidate = last + 1;
                }
                else if (allowed != candidate)
                {
                    candidate = allowed;
                }
                else
                {
                    var choice = new NextChoice(IpAddressMath.FromUInt128(candidate, family), null, Key(candidate + 1, family), Fresh: true);
                    return (choice, new Scan(candidate + 1, used, complete));
                }
            }
        }

        // 2. The range has been used through: the free address released longest ago.
        var exhaustedCursor = Key(last, family);
        foreach (var (id, key) in c.Query<(long, byte[])>(
                     """
                     SELECT id, address_key FROM ip_addresses
                     WHERE network_id = @networkId AND family = @fam AND addrobj_id IS NULL AND address_key BETWEEN @first AND @last
                     ORDER BY released_at, address_key
                     """,
                     new { networkId, fam, first = IpAddressMath.ToKey(rules.Range.First), last = IpAddressMath.ToKey(rules.Range.Last) }, tx))
        {
            if (rules.IsAllowed(IpAddressMath.ToUInt128(IpAddressMath.FromKey(key))))
            {
                return (new NextChoice(IpAddressMath.FromKey(key), id, exhaustedCursor, Fresh: false), null);
            }
        }

        return (new NextChoice(null, null, exhaustedCursor, Fresh: false), null);
    }

    // The index of the first address in the sorted list at or above the value.
    private static int FirstAtOrAbove(List<UInt128> used, UInt128 value)
    {
        var index = used.BinarySearch(value);
        return index < 0 ? ~index : index;
    }

    /// <summary>
    /// Claims a specific address for an address object: a free or released one is taken; one held by another
    /// address object is refused, naming the holder.
    /// </summary>
    public void Claim(string network, IPAddress address, long addrobjId, string kind)
    {
        LockDomain(network);
        var networkId = networkIds(network);
        var key = IpAddressMath.ToKey(address);
        _scans.Remove((networkId, 4));
        _scans.Remove((networkId, 6));
        var existing = commands.Rows(
            "SELECT id, addrobj_id FROM ip_addresses WHERE network_id = @networkId AND address_key = @key",
            r => ((long Id, long? Holder)?)(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1)),
            ("@networkId", networkId), ("@key", key)).SingleOrDefault();
        if (existing is { Holder: { } holder } && holder != addrobjId)
        {
            throw new ConcurrencyConflictException($"{address} in network '{network}' is already held by {DescribeHolder(holder)}");
        }

        // Networks that share an L2 domain share its ARP/NDP space: the same address in two of them would collide.
        // CROSS JOIN fixes the order: the few sibling networks first, then one lookup each in the (network_id,
        // address_key) index. Led by ip_addresses, SQLite scanned every address ever held, once per claim, which made
        // re-storing a large model quadratic.
        var neighbour = commands.Rows(
            """
            SELECT other.name, ip.addrobj_id
            FROM networks mine CROSS JOIN networks other CROSS JOIN ip_addresses ip
            WHERE mine.id = @networkId AND other.id <> mine.id AND other.vlan = mine.vlan
              AND other.over_etherstub_id IS NOT DISTINCT FROM mine.over_etherstub_id AND other.over_link_id IS NOT DISTINCT FROM mine.over_link_id
              AND ip.network_id = other.id AND ip.address_key = @key AND ip.addrobj_id IS NOT NULL
            LIMIT 1
            """, r => ((string Network, long Holder)?)(r.GetString(0), r.GetInt64(1)), ("@networkId", networkId), ("@key", key)).SingleOrDefault();
        if (neighbour is { } n)
        {
            throw new ConcurrencyConflictException($"{address} is already held in network '{n.Network}', which shares the L2 domain of '{network}', by {DescribeHolder(n.Holder)}");
        }

        if (existing is { } row)
        {
            commands.Execute("UPDATE ip_addresses SET addrobj_id = @addrobjId, kind = @kind, allocated_at = CASE WHEN addrobj_id IS NULL THEN @now ELSE allocated_at END, released_at = NULL WHERE id = @id",
                ("@addrobjId", addrobjId), ("@kind", kind), ("@now", now), ("@id", row.Id));
            return;
        }

        commands.Execute(
            "INSERT INTO ip_addresses (network_id, family, address_key, address, addrobj_id, kind, allocated_at) VALUES (@networkId, @fam, @key, @text, @addrobjId, @kind, @now)",
            ("@networkId", networkId), ("@fam", FamilyCode(address.AddressFamily)), ("@key", key), ("@text", address.ToString()), ("@addrobjId", addrobjId), ("@kind", kind), ("@now", now));
    }

    /// <summary>True when no address object holds <paramref name="address"/> in <paramref name="network"/>.</summary>
    public bool IsFree(string network, IPAddress address)
    {
        LockDomain(network);
        return commands.Int64("SELECT count(*) FROM ip_addresses WHERE network_id = @networkId AND address_key = @key AND addrobj_id IS NOT NULL",
            ("@networkId", networkIds(network)), ("@key", IpAddressMath.ToKey(address))) == 0;
    }

    /// <summary>Releases what an address object holds, recording the release time for the reuse order.</summary>
    public void Release(long addrobjId) =>
        commands.Execute("UPDATE ip_addresses SET addrobj_id = NULL, released_at = @now WHERE addrobj_id = @addrobjId", ("@now", now), ("@addrobjId", addrobjId));

    /// <summary>
    /// The next free MAC under <paramref name="prefix"/>, skipping <paramref name="taken"/> and every MAC in the store.
    /// The database counts from the offset its deployment id gives (<see cref="MacPrefix.OffsetFor"/>), so another
    /// database on the same host, counting from its own offset, does not hand out the same MACs; the dialect's MAC
    /// counter (<see cref="Dialect.NextMacStep"/>) is how far this one has counted.
    /// </summary>
    public MacAddress AllocateMac(MacPrefix prefix, ISet<MacAddress> taken)
    {
        var deploymentId = _deploymentId ??= c.ExecuteScalar<string>("SELECT deployment_id FROM meta WHERE id = 1", transaction: tx)!;
        var start = prefix.OffsetFor(deploymentId);
        for (ulong tried = 0; tried < prefix.Capacity; tried++)
        {
            // Each writer gets its own steps (PostgreSQL: a sequence), so writers side by side never try the same MAC.
            var step = (ulong)dialect.NextMacStep(commands) % prefix.Capacity;
            var mac = prefix.At((start + step) % prefix.Capacity);
            if (mac.IsZero || mac.IsMulticast || taken.Contains(mac)
                || commands.Int64("SELECT count(*) FROM vnics WHERE mac = @mac", ("@mac", (long)mac.Value)) > 0)
            {
                continue;
            }

            return mac;
        }

        throw new RequestRefusedException($"no free MAC address is left under prefix {prefix} ({prefix.Capacity} addresses); choose a shorter settings.mac-prefix");
    }

    private RequestRefusedException Exhausted(string network, AddressFamily family)
    {
        var spec = networks(network)!;
        var subnet = spec.Subnets.First(s => s.Family == family);
        var usage = IpamViews.Usage(c, tx, networkIds(network), spec, subnet);
        return new RequestRefusedException(
            $"network '{network}' has no free {SpecNames.Format(family)} address: subnet {subnet.Subnet}, range {subnet.EffectiveRange}, " +
            $"{usage.Used} of {usage.Usable} usable addresses in use ({usage.Utilisation:P0}), {usage.Reserved} reserved");
    }

    private string DescribeHolder(long addrobjId)
    {
        var holder = c.QuerySingle<(string Zone, string Vnic, string Tag)>(
            "SELECT z.name, v.name, a.tag FROM addrobjs a JOIN vnics v ON v.id = a.vnic_id JOIN zones z ON z.id = v.zone_id WHERE a.id = @addrobjId",
            new { addrobjId }, tx);
        return $"zone '{holder.Zone}' vnic '{holder.Vnic}' address '{holder.Tag}'";
    }

    private static string CursorColumn(AddressFamily family) => family == AddressFamily.InterNetwork ? "v4_cursor" : "v6_cursor";

    internal static int FamilyCode(AddressFamily family) => family == AddressFamily.InterNetwork ? 4 : 6;

    private static byte[] Key(UInt128 value, AddressFamily family) => IpAddressMath.ToKey(IpAddressMath.FromUInt128(value, family));
}
