using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dapper;
using NetVirt.Model.Addressing;
using NetVirt.Model.Errors;
using NetVirt.Model.Ipam;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;
using NetVirt.Model.Validation;
using NetVirt.Store.DesiredState;
using NetVirt.Store.Engines;
using NetVirt.Store.Ipam;
using NetVirt.Store.Journal;

namespace NetVirt.Store;

/// <summary>
/// The desired state, IPAM and the apply journal in one SQLite file. Every write is one transaction that either
/// commits a valid model with its allocations and a bumped generation, or changes nothing.
/// </summary>
public sealed partial class NetVirtStore
{
    private readonly TimeProvider _time;
    private readonly object _feedLock = new();
    private Hosts.HostReports? _hostReports;
    private ChangeFeed? _changes;
    // A reference, swapped whole: readers on other threads never see a torn mix of two versions.
    private InfrastructureCache? _infrastructure;
    private FreeRangeCache? _freeRanges;

    /// <summary>Creates the store over an opened database.</summary>
    public NetVirtStore(NetVirtDatabase database, TimeProvider? time = null)
    {
        Database = database ?? throw new ArgumentNullException(nameof(database));
        _time = time ?? TimeProvider.System;
        Journal = new JournalStore(database, _time);
    }

    /// <summary>The database.</summary>
    public NetVirtDatabase Database { get; }

    /// <summary>The apply journal.</summary>
    public JournalStore Journal { get; }

    /// <summary>What each host's agent last reported.</summary>
    public Hosts.HostReports HostReports => _hostReports ??= new Hosts.HostReports(Database, _time);

    /// <summary>
    /// The change feed of this database, started on first use (a server's; one per process is enough). Dispose the store's
    /// feed with <see cref="StopChangeFeed"/>.
    /// </summary>
    public ChangeFeed Changes
    {
        get
        {
            lock (_feedLock)
            {
                return _changes ??= new ChangeFeed(Database);
            }
        }
    }

    /// <summary>Stops the change feed, if it was started.</summary>
    public void StopChangeFeed()
    {
        lock (_feedLock)
        {
            _changes?.Dispose();
            _changes = null;
        }
    }

    /// <summary>
    /// Opens the database at <paramref name="path"/>, creating it when it does not exist (for what stores a desired
    /// state), and returns its store. A database created now gets <paramref name="newDeploymentId"/>, else a random id.
    /// </summary>
    public static NetVirtStore Open(string path, TimeProvider? time = null, TimeSpan? busyTimeout = null, string? newDeploymentId = null) =>
        new(NetVirtDatabase.Open(path, busyTimeout, newDeploymentId), time);

    /// <inheritdoc cref="Open(string, TimeProvider?, TimeSpan?, string?)"/>
    public static NetVirtStore Open(StoreAddress address, TimeProvider? time = null, TimeSpan? busyTimeout = null, string? newDeploymentId = null) =>
        new(NetVirtDatabase.Open(address, busyTimeout, newDeploymentId), time);

    /// <inheritdoc cref="OpenExisting(string, TimeProvider?, TimeSpan?)"/>
    public static NetVirtStore OpenExisting(StoreAddress address, TimeProvider? time = null, TimeSpan? busyTimeout = null) =>
        new(NetVirtDatabase.OpenExisting(address, busyTimeout), time);

    /// <summary>Opens the existing database at <paramref name="path"/> (for what only reads): a missing file is an error naming it.</summary>
    public static NetVirtStore OpenExisting(string path, TimeProvider? time = null, TimeSpan? busyTimeout = null) =>
        new(NetVirtDatabase.OpenExisting(path, busyTimeout), time);

    /// <summary>
    /// The deployment id of this database: 16 lowercase hex characters, random, fixed when the database was created. Host
    /// objects NetVirt creates record it; see <see cref="Store.DeploymentId"/>.
    /// </summary>
    public string DeploymentId => Database.DeploymentId;

    /// <summary>The stored desired state, authored and resolved.</summary>
    public StoredState Load() => Database.Read((c, tx) => StateReader.Read(c, tx), "read the desired state");

    /// <summary>
    /// The stored state with only zone <paramref name="zone"/>: every switch, link, network and pool, and that zone
    /// authored and resolved. Reads one zone's rows, not every zone's, so it stays fast with many zones.
    /// </summary>
    public StoredState LoadZone(string zone)
    {
        ArgumentException.ThrowIfNullOrEmpty(zone);
        var state = Database.Read((c, tx) => StateReader.Read(c, tx, includeZones: true, onlyZone: zone), $"read zone '{zone}'");
        return state.Resolved.Zones.IsEmpty ? throw new UnknownObjectException($"zone '{zone}' is not in the desired state") : state;
    }

    /// <summary>
    /// The stored model without zones (switches, links, networks, pools, settings), from the same per-generation cache
    /// the allocation path uses: one integer read while the infrastructure is unchanged.
    /// </summary>
    public NetworkModel Infrastructure() => Database.Read((c, tx) => Infrastructure(c, tx).Model, "read the infrastructure");

    /// <summary>
    /// The current generation when the documents last stored by <c>apply -f</c> had <paramref name="digest"/> and
    /// nothing has changed the desired state since (every change bumps the generation): storing those documents again
    /// would change nothing. Null otherwise.
    /// </summary>
    public long? UnchangedDocuments(string digest)
    {
        ArgumentException.ThrowIfNullOrEmpty(digest);
        return Database.Read(
            (c, tx) => c.QuerySingleOrDefault<long?>("SELECT generation FROM meta WHERE id = 1 AND documents_digest = @digest AND documents_generation = generation", new { digest }, tx),
            "read the stored documents' digest");
    }

    /// <summary>
    /// Records that documents with <paramref name="digest"/> were stored and the desired state is now
    /// <paramref name="generation"/> (see <see cref="UnchangedDocuments"/>); nothing is recorded when the generation
    /// has moved on since. True when recorded.
    /// </summary>
    public bool RecordDocuments(string digest, long generation)
    {
        ArgumentException.ThrowIfNullOrEmpty(digest);
        return Database.Write(
            (c, tx) => c.Execute("UPDATE meta SET documents_digest = @digest, documents_generation = @generation WHERE id = 1 AND generation = @generation", new { digest, generation }, tx) == 1,
            "record the stored documents' digest");
    }

    /// <summary>The current desired-state generation.</summary>
    public long Generation() => Database.Read((c, tx) => c.ExecuteScalar<long>("SELECT generation FROM meta WHERE id = 1", transaction: tx), "read the generation");

    /// <summary>
    /// Replaces the desired state with <paramref name="model"/>: validates it for <paramref name="target"/>, keeps
    /// existing allocations, allocates what is new, bumps the generation when anything changed. With
    /// <paramref name="expectedGeneration"/>, refuses when the stored generation differs (optimistic concurrency).
    /// </summary>
    /// <remarks>
    /// An empty <paramref name="model"/> (no switches, links, networks, pools or zones: an empty file, a pipe that
    /// delivered nothing) does not replace a desired state that has anything in it unless <paramref name="allowEmpty"/>
    /// says so: that would release every address at once.
    /// </remarks>
    public WriteOutcome Replace(NetworkModel model, HostTarget target, long? expectedGeneration = null, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Update(current => allowEmpty ? model : RefuseEmptying(current, model), target, expectedGeneration);
    }

    /// <summary>
    /// What storing <paramref name="model"/> would do, without storing it: the current state and the state as it
    /// would be, with the MACs and addresses IPAM would hand out, computed in a write transaction that is rolled back
    /// (<c>apply --dry-run</c>). Validation and the empty-document rule are those of <see cref="Replace"/>.
    /// </summary>
    public (StoredState Current, StoredState Preview) Preview(NetworkModel model, HostTarget target, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Database.Simulate((c, tx) =>
        {
            var current = StateReader.Read(c, tx);
            var next = allowEmpty ? model : RefuseEmptying(current.Authored, model);
            RefuseTakingHeldAddresses(current, WithContainers(next, current));
            Validate(WithContainers(next, current), target);
            if (next.Equals(current.Authored))
            {
                return (current, current);
            }

            using (var writer = Writer(c, tx))
            {
                writer.Replace(current, next);
            }

            var preview = StateReader.Read(c, tx);
            return (current, preview with { Generation = current.Generation + 1 });
        }, "preview the desired state");
    }

    /// <summary>A writer of the desired state inside the caller's transaction; dispose it when its work is done.</summary>
    private StateWriter Writer(DbConnection c, DbTransaction tx) => new(c, tx, Now(), Database.Dialect);

    /// <summary>True when <paramref name="model"/> declares nothing (settings aside).</summary>
    public static bool IsEmpty(NetworkModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Etherstubs.IsEmpty && model.Links.IsEmpty && model.Networks.IsEmpty && model.Pools.IsEmpty && model.Zones.IsEmpty;
    }

    /// <summary>
    /// A reservation never takes an address from a VNIC, through whichever door it comes (<c>ip reserve</c>,
    /// <c>POST /reservations</c>, <c>PUT /networks</c>, a document): a reservation that <paramref name="next"/> adds and
    /// that covers an address an address object holds now, and still has in <paramref name="next"/>, is refused naming
    /// the holders, instead of the holder being renumbered behind the back of whoever was given the address.
    /// </summary>
    private static void RefuseTakingHeldAddresses(StoredState current, NetworkModel next)
    {
        var before = current.Authored.Networks.ToDictionary(n => n.Name, n => n.Reserved, StringComparer.Ordinal);
        var added = next.Networks
            .Select(n => (n.Name, Added: n.Reserved.Where(r => !before.TryGetValue(n.Name, out var old) || !old.Any(o => o.Range.Equals(r.Range))).ToList()))
            .Where(x => x.Added.Count > 0)
            .ToDictionary(x => x.Name, x => x.Added, StringComparer.Ordinal);
        if (added.Count == 0)
        {
            return;
        }

        var staying = next.Zones.SelectMany(z => z.Vnics.SelectMany(v => v.Addresses.Select(a => (z.Name, v.Name, a.Tag, v.Network)))).ToLookup(x => (x.Item1, x.Item2, x.Tag), x => x.Network);
        var held = new List<string>();
        var ranges = new List<string>();
        foreach (var zone in current.Resolved.Zones)
        {
            foreach (var vnic in zone.Vnics.Where(v => v.Network is not null && added.ContainsKey(v.Network)))
            {
                foreach (var address in vnic.Addresses.Where(a => a.Address is not null))
                {
                    var stays = staying[(zone.Name, vnic.Name, address.Tag)].Any(network => network is null || network == vnic.Network);
                    if (stays && added[vnic.Network!].FirstOrDefault(r => r.Range.Contains(address.Address!)) is { } reservation)
                    {
                        held.Add($"{address.Address}: zone '{zone.Name}' vnic '{vnic.Name}' address '{address.Tag}'");
                        ranges.Add($"{reservation.Range} in network '{vnic.Network}'");
                    }
                }
            }
        }

        if (held.Count > 0)
        {
            throw new AddressHeldException(
                $"cannot reserve {string.Join(", ", ranges.Distinct(StringComparer.Ordinal))}: {held.Count} address{(held.Count == 1 ? " is" : "es are")} held ({string.Join("; ", held.Take(5))}{(held.Count > 5 ? "; ..." : "")}); " +
                "a reservation never takes an address from a VNIC; remove the address object (or the VNIC) first, then reserve", held);
        }
    }

    /// <summary>
    /// <paramref name="declared"/> (what documents say) with the containers' zones of <paramref name="current"/> after
    /// it: documents never replace containers, so every write of the declared state is validated against them (a network
    /// they are attached to cannot go, a zone cannot take their name, a reservation cannot take their addresses).
    /// </summary>
    private static NetworkModel WithContainers(NetworkModel declared, StoredState current)
    {
        if (declared.Zones.Any(z => z.IsContainer))
        {
            throw new InvalidInputException("containers' zones are written by the CNI plugin only, never by a document or a write of the desired state");
        }

        var containers = current.Resolved.Zones.Where(z => z.IsContainer).ToList();
        return containers.Count == 0 ? declared : declared with { Zones = [.. declared.Zones, .. containers] };
    }

    private static NetworkModel RefuseEmptying(NetworkModel current, NetworkModel next)
    {
        if (IsEmpty(next) && !IsEmpty(current))
        {
            throw new InvalidInputException(
                $"the documents are empty, and storing them would replace a desired state of {current.Zones.Count} zone(s) and {current.Networks.Count} network(s) " +
                "with nothing, releasing every address; nothing was changed. To empty the desired state on purpose, pass --allow-empty (API: PUT /state?allowEmpty=true)");
        }

        return next;
    }

    /// <summary>
    /// Reads the desired state, applies <paramref name="change"/> and writes the result, all in one write
    /// transaction, so concurrent writers cannot lose each other's changes.
    /// </summary>
    public WriteOutcome Update(Func<NetworkModel, NetworkModel> change, HostTarget target, long? expectedGeneration = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        return Database.Write((c, tx) =>
        {
            var current = StateReader.Read(c, tx);
            if (expectedGeneration is { } expected && expected != current.Generation)
            {
                throw new StaleGenerationException(expected, current.Generation);
            }

            return ReplaceIn(c, tx, change(current.Authored), target, current);
        }, "store the desired state");
    }

    /// <summary>Validates <paramref name="model"/> and makes it the desired state inside the caller's write transaction.</summary>
    private WriteOutcome ReplaceIn(DbConnection c, DbTransaction tx, NetworkModel model, HostTarget target, StoredState? current = null)
    {
        current ??= StateReader.Read(c, tx);
        RefuseTakingHeldAddresses(current, WithContainers(model, current));
        Validate(WithContainers(model, current), target);
        if (model.Equals(current.Authored))
        {
            return new WriteOutcome(current.Generation, Changed: false);
        }

        using (var writer = Writer(c, tx))
        {
            writer.Replace(current, model);
        }

        var generation = c.ExecuteScalar<long>(
            "UPDATE meta SET generation = generation + 1, infra_generation = infra_generation + 1, updated_at = @now WHERE id = 1 RETURNING generation", new { now = Now() }, tx);
        return new WriteOutcome(generation, Changed: true);
    }

    /// <summary>
    /// Puts an earlier desired state back (the rollback of <c>apply --verify</c>): its documents become the desired
    /// state again, and VNICs that the later state had removed get back the MACs and automatic addresses they had,
    /// while those are still free, so the host can be rebuilt exactly as it was.
    /// </summary>
    public WriteOutcome Restore(StoredState earlier, HostTarget target)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return Database.Write((c, tx) =>
        {
            var current = StateReader.Read(c, tx);
            var validation = ModelValidator.Validate(WithContainers(earlier.Authored, current), target);
            if (!validation.IsValid)
            {
                throw new ModelValidationException(validation.Errors);
            }

            if (earlier.Authored.Equals(current.Authored))
            {
                return new WriteOutcome(current.Generation, Changed: false);
            }

            using (var writer = Writer(c, tx))
            {
                writer.Replace(current, earlier.Authored, earlier.Resolved);
            }

            var generation = c.ExecuteScalar<long>(
                "UPDATE meta SET generation = generation + 1, infra_generation = infra_generation + 1, updated_at = @now WHERE id = 1 RETURNING generation", new { now = Now() }, tx);
            return new WriteOutcome(generation, Changed: true);
        }, "restore an earlier desired state");
    }

    /// <summary>
    /// Adds a zone with its VNICs in one transaction, allocating MACs and addresses, without rewriting the rest of the
    /// desired state (the path for orchestrators asking for one container's NIC at a time). Refuses a taken zone
    /// name, MAC or address with a conflict that names the holder.
    /// </summary>
    public WriteOutcome AddZone(ZoneSpec zone, HostTarget target)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return WriteTargeted((c, tx, infrastructure, ids) =>
        {
            Validate(infrastructure with { Zones = [zone] }, target);
            using (var writer = Writer(c, tx))
            {
                writer.AddZone(infrastructure, ids, zone);
            }
        }, $"add zone '{zone.Name}'");
    }

    /// <summary>Adds VNICs to an existing zone in one transaction, allocating MACs and addresses.</summary>
    public WriteOutcome AddVnics(string zone, IReadOnlyList<VnicSpec> vnics, HostTarget target)
    {
        ArgumentNullException.ThrowIfNull(vnics);
        return WriteTargeted((c, tx, infrastructure, ids) =>
        {
            Validate(infrastructure with { Zones = [new ZoneSpec { Name = zone, Vnics = [.. vnics] }] }, target);
            using (var writer = Writer(c, tx))
            {
                writer.AddVnics(infrastructure, ids, zone, vnics);
            }
        }, $"add VNICs to zone '{zone}'");
    }

    /// <summary>
    /// Adds VNICs one by one, each to its zone (created when it does not exist yet), all in one write transaction
    /// with a savepoint per VNIC: each addition succeeds or fails on its own, with the same validation, allocation
    /// and conflict errors as <see cref="AddZone"/> and <see cref="AddVnics"/>. The API gathers concurrent VNIC
    /// requests into one call, so a burst costs one commit instead of one per VNIC. Each request's build function gets the
    /// names of the zone's existing VNICs (null for a new zone) and the stored model without zones, and returns the
    /// VNIC to add, so default names and addresses are chosen inside the transaction that adds it. Each success comes
    /// back resolved (MAC and addresses), read in the same transaction.
    /// </summary>
    public IReadOnlyList<VnicAddition> AddVnicsEach(IReadOnlyList<(string Zone, Func<IReadOnlyList<string>?, NetworkModel, VnicSpec> Build)> requests, HostTarget target)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return Database.Write((c, tx) =>
        {
            var (infrastructure, ids) = Infrastructure(c, tx);
            var results = new List<VnicAddition>(requests.Count);
            foreach (var (zoneName, build) in requests)
            {
                tx.Save("vnic");
                try
                {
                    var zoneId = c.ExecuteScalar<long?>("SELECT id FROM zones WHERE name = @zoneName", new { zoneName }, tx);
                    var existing = zoneId is null ? null
                        : (IReadOnlyList<string>)c.Query<string>("SELECT name FROM vnics WHERE zone_id = @zoneId ORDER BY position", new { zoneId }, tx).ToList();
                    var vnic = build(existing, infrastructure);
                    var zone = new ZoneSpec { Name = zoneName, Vnics = [vnic] };
                    Validate(infrastructure with { Zones = [zone] }, target);
                    using var writer = Writer(c, tx);
                    if (existing is null)
                    {
                        writer.AddZone(infrastructure, ids, zone);
                    }
                    else
                    {
                        writer.AddVnics(infrastructure, ids, zoneName, [vnic]);
                    }

                    tx.Release("vnic");
                    results.Add(new VnicAddition(zoneName, vnic.Name, null) { Resolved = StateReader.ReadResolvedVnic(c, tx, zoneName, vnic.Name, infrastructure), Infrastructure = infrastructure });
                }
                catch (Exception ex) when (ex is NetVirtException || Database.ConstraintViolation(ex) is not null)
                {
                    tx.Rollback("vnic");
                    tx.Release("vnic");
                    results.Add(new VnicAddition(zoneName, null, Database.ConstraintViolation(ex) is { } constraint
                        ? new ConcurrencyConflictException($"cannot add a VNIC to zone '{zoneName}': {DescribeConstraint(constraint)}", ex)
                        : (NetVirtException)ex));
                }
            }

            if (results.Any(r => r.Error is null))
            {
                var generation = c.ExecuteScalar<long>("UPDATE meta SET generation = generation + 1, updated_at = @now WHERE id = 1 RETURNING generation", new { now = Now() }, tx);
                return [.. results.Select(r => r with { Generation = r.Error is null ? generation : null })];
            }

            return results;
        }, $"add {requests.Count} VNIC{(requests.Count == 1 ? "" : "s")}", StoreLock.Shared);
    }

    /// <summary>Removes a zone, or one VNIC of it, releasing its addresses (kept as history for the reuse order).</summary>
    public WriteOutcome Remove(string zone, string? vnic = null) =>
        WriteTargeted(
            (c, tx, _, _) =>
            {
                using var writer = Writer(c, tx);
                writer.Remove(zone, vnic);
            },
            vnic is null ? $"remove zone '{zone}'" : $"remove vnic '{vnic}' of zone '{zone}'");

    /// <summary>Usage of every family of <paramref name="network"/> (or of every network), with the next address each would hand out.</summary>
    public IReadOnlyList<NetworkUsage> Usage(string? network = null) => Database.Read((c, tx) =>
    {
        var state = StateReader.Read(c, tx, includeZones: false);
        var index = new ModelIndex(state.Authored);
        var ids = NetworkIds(c, tx);
        using var commands = new PreparedCommands(c, tx);
        var allocator = new IpamAllocator(c, tx, commands, Database.Dialect, Now(), index.Network, n => ids[n]);
        var result = new List<NetworkUsage>();
        foreach (var n in state.Authored.Networks.Where(n => network is null || n.Name == network))
        {
            foreach (var subnet in n.Subnets)
            {
                var (used, usable, reserved, _) = IpamViews.Usage(c, tx, ids[n.Name], n, subnet);
                result.Add(new NetworkUsage(n.Name, subnet.Family, subnet.Subnet, subnet.EffectiveRange, usable, used, reserved, allocator.FindNext(n.Name, subnet.Family).Address));
            }
        }

        if (network is not null && result.Count == 0 && index.Network(network) is null)
        {
            throw UnknownNetwork(network, state.Authored);
        }

        return result;
    }, "read address usage");

    /// <summary>
    /// The free addresses of one family of a network, as compact ranges. The answer is kept per desired-state
    /// generation (every write that allocates or releases bumps it, in any process), so repeated reads of an unchanged
    /// network cost one integer read instead of a scan of every held address.
    /// </summary>
    public IReadOnlyList<IpRange> FreeRanges(string network, AddressFamily family) => Database.Read((c, tx) =>
    {
        var generation = c.ExecuteScalar<long>("SELECT generation FROM meta WHERE id = 1", transaction: tx);
        var cache = _freeRanges;
        if (cache is null || cache.Generation != generation)
        {
            cache = new FreeRangeCache(generation);
            _freeRanges = cache;
        }

        if (cache.Ranges.TryGetValue((network, family), out var cached))
        {
            return cached;
        }

        var (infrastructure, ids) = Infrastructure(c, tx);
        var spec = infrastructure.Networks.FirstOrDefault(n => n.Name == network) ?? throw UnknownNetwork(network, infrastructure);
        var subnet = spec.Subnets.FirstOrDefault(s => s.Family == family)
            ?? throw new NetVirtException($"network '{network}' has no {SpecNames.Format(family)} subnet");
        var ranges = new AllocationRules(spec, subnet).FreeRanges(IpamViews.HeldKeys(c, tx, ids.Networks[network], family));
        cache.Ranges[(network, family)] = ranges;
        return ranges;
    }, "read free addresses");

    /// <summary>Every address NetVirt has used in <paramref name="network"/> (or everywhere): held and released.</summary>
    public IReadOnlyList<AddressHolder> Addresses(string? network = null) =>
        Database.Read((c, tx) => IpamViews.Holders(c, tx, network, null), "list addresses");

    /// <summary>Who holds <paramref name="address"/>, in every network it appears in, including reservations and gateways.</summary>
    public IReadOnlyList<AddressHolder> Who(IPAddress address) => Database.Read((c, tx) =>
    {
        var result = IpamViews.Holders(c, tx, null, address).ToList();
        var state = StateReader.Read(c, tx, includeZones: false);
        foreach (var n in state.Authored.Networks)
        {
            foreach (var r in n.Reserved.Where(r => r.Range.Contains(address)))
            {
                result.Add(new AddressHolder(n.Name, address, "reserved", null, null, null, null, null, r.Note ?? $"reserved range {r.Range}"));
            }

            if (n.Subnets.Any(s => address.Equals(s.Gateway)))
            {
                result.Add(new AddressHolder(n.Name, address, "gateway", null, null, null, null, null, null));
            }
        }

        return result;
    }, "look up an address");

    /// <summary>
    /// Reserves an address or range in a network so that automatic allocation never hands it out. A range that
    /// holds an address a VNIC has is refused (<see cref="AddressHeldException"/>, naming the holders), in the same
    /// transaction that writes the reservation, so no allocation can slip in between: reserving must never renumber a
    /// VNIC whose address a client was already given. Remove the holder first, then reserve. (Every write of the
    /// desired state follows this rule, <see cref="RefuseTakingHeldAddresses"/>; this is the one-reservation door.)
    /// </summary>
    public WriteOutcome Reserve(string network, IpRange range, string? note, HostTarget target)
    {
        ArgumentNullException.ThrowIfNull(range);
        return Database.Write((c, tx) =>
        {
            var current = StateReader.Read(c, tx);
            var spec = current.Authored.Networks.FirstOrDefault(n => n.Name == network) ?? throw UnknownNetwork(network, current.Authored);
            var reservation = new ReservationSpec { First = range.First, Last = range.Last, Note = note };
            return ReplaceIn(c, tx, WithNetwork(current.Authored, spec with { Reserved = [.. spec.Reserved, reservation] }), target, current);
        }, $"reserve {range} in network '{network}'");
    }

    /// <summary>
    /// Removes the reservations of <paramref name="network"/> that lie inside <paramref name="range"/>, so the
    /// addresses become allocatable again. An address held by a VNIC is not released this way: remove its address
    /// object from the desired state instead.
    /// </summary>
    public WriteOutcome Release(string network, IpRange range, HostTarget target) => Update(model =>
    {
        var spec = model.Networks.FirstOrDefault(n => n.Name == network) ?? throw UnknownNetwork(network, model);
        var remaining = spec.Reserved.Where(r => !(range.Contains(r.First) && range.Contains(r.Last))).ToList();
        if (remaining.Count == spec.Reserved.Count)
        {
            var holders = Addresses(network).Where(h => h.State == "held" && range.Contains(h.Address)).ToList();
            throw new RequestRefusedException(holders.Count > 0
                ? $"{range} in network '{network}' is not reserved; it is held by zone '{holders[0].Zone}' vnic '{holders[0].Vnic}' address '{holders[0].Tag}' — remove that address object from the desired state to release it"
                : $"no reservation of network '{network}' lies inside {range}");
        }

        return WithNetwork(model, spec with { Reserved = [.. remaining] });
    }, target);

    private WriteOutcome WriteTargeted(Action<DbConnection, DbTransaction, NetworkModel, StateWriter.InfrastructureIds> write, string what) => Database.Write((c, tx) =>
    {
        var (infrastructure, ids) = Infrastructure(c, tx);
        try
        {
            write(c, tx, infrastructure, ids);
        }
        catch (Exception ex) when (Database.ConstraintViolation(ex) is { } constraint)
        {
            throw new ConcurrencyConflictException($"cannot {what}: {DescribeConstraint(constraint)}", ex);
        }

        var generation = c.ExecuteScalar<long>("UPDATE meta SET generation = generation + 1, updated_at = @now WHERE id = 1 RETURNING generation", new { now = Now() }, tx);
        return new WriteOutcome(generation, Changed: true);
    }, what, StoreLock.Shared);

    /// <summary>
    /// The stored model without zones, cached per <c>infra_generation</c>: adding a zone does not change switches,
    /// links, networks or pools, so the allocation path reads one integer instead of every network.
    /// </summary>
    private (NetworkModel Model, StateWriter.InfrastructureIds Ids) Infrastructure(DbConnection c, DbTransaction tx)
    {
        var version = c.ExecuteScalar<long>("SELECT infra_generation FROM meta WHERE id = 1", transaction: tx);
        var cached = _infrastructure;
        if (cached is not null && cached.Version == version)
        {
            return (cached.Model, cached.Ids);
        }

        var model = StateReader.Read(c, tx, includeZones: false).Authored;
        var ids = StateWriter.ReadIds(c, tx);
        _infrastructure = new InfrastructureCache(version, model, ids);
        return (model, ids);
    }

    private static void Validate(NetworkModel model, HostTarget target)
    {
        var validation = ModelValidator.Validate(model, target);
        if (!validation.IsValid)
        {
            throw new ModelValidationException(validation.Errors);
        }
    }

    /// <summary>Turns a constraint's text (SQLite names table.column, PostgreSQL the constraint) into what a user understands.</summary>
    private static string DescribeConstraint(string message) => message switch
    {
        _ when message.Contains("zones.name", StringComparison.Ordinal) || message.Contains("zones_name_key", StringComparison.Ordinal) => "a zone with that name already exists",
        _ when message.Contains("vnics.zone_id, vnics.name", StringComparison.Ordinal) || message.Contains("vnics_zone_id_name_key", StringComparison.Ordinal) => "the zone already has a VNIC with that name",
        _ when message.Contains("vnics.mac", StringComparison.Ordinal) || message.Contains("vnics_mac_key", StringComparison.Ordinal) => "the MAC address is already used by another VNIC",
        _ when message.Contains("ip_addresses", StringComparison.Ordinal) => "the address is already held in that network",
        _ => message,
    };

    private static NetworkModel WithNetwork(NetworkModel model, NetworkSpec network) =>
        model with { Networks = [.. model.Networks.Select(n => n.Name == network.Name ? network : n)] };

    private static Dictionary<string, long> NetworkIds(DbConnection c, DbTransaction tx) =>
        c.Query<(string Name, long Id)>("SELECT name, id FROM networks", transaction: tx).ToDictionary(r => r.Name, r => r.Id, StringComparer.Ordinal);

    private static NetVirtException UnknownNetwork(string network, NetworkModel model)
    {
        var names = model.Networks.Select(n => n.Name).ToList();
        var hint = names.Count == 0 ? "no networks are defined" : $"defined networks: {string.Join(", ", names)}";
        return new UnknownObjectException($"network '{network}' is not defined ({hint})");
    }

    private string Now() => Timestamps.Now(_time);

    private sealed record InfrastructureCache(long Version, NetworkModel Model, StateWriter.InfrastructureIds Ids);

    /// <summary>Free ranges computed at one generation; replaced whole when the generation moves.</summary>
    private sealed class FreeRangeCache(long generation)
    {
        public long Generation { get; } = generation;

        public System.Collections.Concurrent.ConcurrentDictionary<(string Network, AddressFamily Family), IReadOnlyList<IpRange>> Ranges { get; } = new();
    }
}
