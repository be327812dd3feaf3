using Dapper;
using System.Data.Common;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;
using NetVirt.Model.Validation;
using NetVirt.Store.DesiredState;

namespace NetVirt.Store;

/// <summary>Containers' zones: attachments written by the CNI path, one transaction each, beside the declared state.</summary>
public sealed partial class NetVirtStore
{
    /// <summary>
    /// Stores the CNI attachment of interface <paramref name="ifname"/> of container <paramref name="containerId"/>: its
    /// zone of kind <c>container</c> (created at its first attachment), the VNIC <paramref name="buildVnic"/> makes from the
    /// stored model without zones, its MAC and addresses from IPAM, all in one write transaction with the same validation
    /// and UNIQUE keys as every other write. A repeated ADD of the same attachment (same CNI network) changes nothing and
    /// answers what is stored; the same interface attached by another CNI network is a conflict.
    /// </summary>
    public ContainerAttachment AttachContainer(
        string containerId, string? netns, IReadOnlyList<LabelSpec> labels, string cniNetwork, string ifname, Func<NetworkModel, VnicSpec> buildVnic, HostTarget target)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        ArgumentException.ThrowIfNullOrEmpty(cniNetwork);
        ArgumentException.ThrowIfNullOrEmpty(ifname);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(buildVnic);
        var what = $"attach interface '{ifname}' of container '{containerId}'";
        return Database.Write((c, tx) =>
        {
            var (infrastructure, ids) = Infrastructure(c, tx);
            var zoneName = ContainerNames.ZoneName(containerId);
            var existingZone = FindContainerZone(c, tx, containerId);
            var generation = c.ExecuteScalar<long>("SELECT generation FROM meta WHERE id = 1", transaction: tx);
            if (existingZone is { } found && ReadZone(c, tx, found.Name, infrastructure) is { } stored && stored.Vnics.Any(v => v.Name == ifname))
            {
                var attachedBy = stored.Container!.CniNetworkOf(ifname);
                if (attachedBy != cniNetwork)
                {
                    throw new ConcurrencyConflictException(
                        $"cannot {what}: container '{containerId}' already has interface '{ifname}', attached by CNI network '{attachedBy}' (zone '{stored.Name}')");
                }

                return new ContainerAttachment(stored, ifname, infrastructure) { Existing = true, Generation = generation };
            }

            try
            {
                var vnic = buildVnic(infrastructure) with { Name = ifname };
                if (vnic.Network is { } network && !infrastructure.Networks.Any(n => n.Name == network) || vnic.Pool is { } pool && !infrastructure.Pools.Any(p => p.Name == pool))
                {
                    var known = infrastructure.Networks.Select(n => n.Name).Concat(infrastructure.Pools.Select(p => p.Name)).ToList();
                    throw new UnknownObjectException(
                        $"cannot {what}: '{vnic.Network ?? vnic.Pool}' is neither a network nor a pool of this NetVirt ({(known.Count == 0 ? "none is defined" : $"defined: {string.Join(", ", known)}")})");
                }

                using var writer = Writer(c, tx);
                if (existingZone is { } zone)
                {
                    var current = ReadZone(c, tx, zone.Name, infrastructure)!;
                    var next = current with
                    {
                        Vnics = [.. current.Vnics, vnic],
                        Container = current.Container! with { Attachments = [.. current.Container.Attachments, new ContainerAttachmentSpec { Interface = ifname, CniNetwork = cniNetwork }] },
                    };
                    Validate(infrastructure with { Zones = [next] }, target);
                    writer.AddVnics(infrastructure, ids, zone.Name, [vnic], container: true);
                }
                else
                {
                    if (c.ExecuteScalar<string?>("SELECT kind FROM zones WHERE name = @zoneName", new { zoneName }, tx) is { } kind)
                    {
                        throw new ConcurrencyConflictException($"cannot {what}: its zone name '{zoneName}' is taken by a {(kind == "zone" ? "declared zone" : "zone of another container")}");
                    }

                    var container = new ContainerSpec
                    {
                        Id = containerId,
                        Netns = netns,
                        Labels = [.. labels.OrderBy(l => l.Name, StringComparer.Ordinal)],
                        Attachments = [new ContainerAttachmentSpec { Interface = ifname, CniNetwork = cniNetwork }],
                    };
                    var spec = new ZoneSpec { Name = zoneName, Vnics = [vnic], Container = container };
                    Validate(infrastructure with { Zones = [spec] }, target);
                    writer.AddZone(infrastructure, ids, spec);
                    c.Execute(
                        """
                        UPDATE zones SET kind = 'container' WHERE name = @zoneName;
                        INSERT INTO containers (zone_id, container_id, netns, labels) VALUES ((SELECT id FROM zones WHERE name = @zoneName), @containerId, @netns, @labels);
                        """, new { zoneName, containerId, netns, labels = ContainerLabels.Format(container.Labels) }, tx);
                }

                // A container's VNIC keeps the network IPAM chose and names no pool: documents may rewrite pools under it.
                c.Execute(
                    """
                    INSERT INTO container_attachments (vnic_id, cni_network)
                    SELECT v.id, @cniNetwork FROM vnics v JOIN zones z ON z.id = v.zone_id WHERE z.name = @zoneName AND v.name = @ifname;
                    UPDATE vnics SET pool_id = NULL WHERE zone_id = (SELECT id FROM zones WHERE name = @zoneName) AND name = @ifname;
                    """, new { cniNetwork, zoneName, ifname }, tx);
                AssignSlot(c, tx, zoneName, ifname);
            }
            catch (Exception ex) when (Database.ConstraintViolation(ex) is { } constraint)
            {
                throw new ConcurrencyConflictException($"cannot {what}: {DescribeConstraint(constraint)}", ex);
            }

            generation = c.ExecuteScalar<long>("UPDATE meta SET generation = generation + 1, updated_at = @now WHERE id = 1 RETURNING generation", new { now = Now() }, tx);
            return new ContainerAttachment(ReadZone(c, tx, zoneName, infrastructure)!, ifname, infrastructure) { Generation = generation };
        }, what);
    }

    /// <summary>
    /// Gives a new attachment its slot in its VNIC's L2 domain (<see cref="ContainerSlots"/>), counting the domain's VNICs
    /// under the domain's lock, so that writers side by side (PostgreSQL) count each other. A VNIC on no etherstub's
    /// domain stays in slot 0.
    /// </summary>
    private void AssignSlot(DbConnection c, DbTransaction tx, string zoneName, string ifname)
    {
        var vnic = c.QuerySingle<(long Id, long? Etherstub, string? Over, long? Vlan)>(
            """
            SELECT v.id, n.over_etherstub_id, e.name, n.vlan
            FROM vnics v JOIN zones z ON z.id = v.zone_id LEFT JOIN networks n ON n.id = v.network_id LEFT JOIN etherstubs e ON e.id = n.over_etherstub_id
            WHERE z.name = @zoneName AND v.name = @ifname
            """, new { zoneName, ifname }, tx);
        if (vnic is not { Etherstub: { } etherstub, Vlan: { } vlan })
        {
            return;
        }

        Database.Dialect.LockL2Domain(c, tx, $"{vnic.Over}/{vlan}");
        var counts = c.Query<(string Kind, long Slot, long Count)>(
            """
            SELECT z.kind, coalesce(ca.slot, 0), count(*)
            FROM networks n JOIN vnics v ON v.network_id = n.id JOIN zones z ON z.id = v.zone_id LEFT JOIN container_attachments ca ON ca.vnic_id = v.id
            WHERE n.over_etherstub_id = @etherstub AND n.vlan = @vlan AND v.id <> @id
            GROUP BY z.kind, coalesce(ca.slot, 0)
            """, new { etherstub, vlan, id = vnic.Id }, tx).ToList();
        var declared = counts.Where(r => r.Kind == "zone").Sum(r => r.Count)
            + c.ExecuteScalar<long>("SELECT count(*) FROM vnics WHERE network_id IS NULL AND over_etherstub_id = @etherstub AND coalesce(vlan, 0) = @vlan", new { etherstub, vlan }, tx);
        var containers = counts.Where(r => r.Kind == "container").ToDictionary(r => (int)r.Slot, r => (int)r.Count);
        var slot = ContainerSlots.Choose((int)declared, containers);
        if (slot != 0)
        {
            c.Execute("UPDATE container_attachments SET slot = @slot WHERE vnic_id = @id", new { slot, id = vnic.Id }, tx);
        }
    }

    /// <summary>
    /// The stored attachment of <paramref name="ifname"/> of container <paramref name="containerId"/> by CNI network
    /// <paramref name="cniNetwork"/>, or null when there is none (never attached, or already detached).
    /// </summary>
    public ContainerAttachment? FindContainerAttachment(string cniNetwork, string containerId, string ifname) => Database.Read((c, tx) =>
    {
        var (infrastructure, _) = Infrastructure(c, tx);
        return FindContainerZone(c, tx, containerId) is { } zone && ReadZone(c, tx, zone.Name, infrastructure) is { } stored
            && stored.Container!.CniNetworkOf(ifname) == cniNetwork
            ? new ContainerAttachment(stored, ifname, infrastructure)
            : null;
    }, $"read the attachment of container '{containerId}'");

    /// <summary>
    /// Removes the attachment of <paramref name="ifname"/> of container <paramref name="containerId"/> by
    /// <paramref name="cniNetwork"/>: its VNIC, and the container's zone with its last VNIC. The addresses are released
    /// with their release time (reused last, NAPI's order). Returns what was removed, or null when nothing was attached
    /// (DEL is idempotent).
    /// </summary>
    public ContainerAttachment? DetachContainer(string cniNetwork, string containerId, string ifname) => Database.Write((c, tx) =>
    {
        var (infrastructure, _) = Infrastructure(c, tx);
        if (FindContainerZone(c, tx, containerId) is not { } zone || ReadZone(c, tx, zone.Name, infrastructure) is not { } stored
            || stored.Container!.CniNetworkOf(ifname) != cniNetwork)
        {
            return null;
        }

        using (var writer = Writer(c, tx))
        {
            writer.Remove(stored.Name, stored.Vnics.Count == 1 ? null : ifname, container: true);
        }

        var generation = c.ExecuteScalar<long>("UPDATE meta SET generation = generation + 1, updated_at = @now WHERE id = 1 RETURNING generation", new { now = Now() }, tx);
        return new ContainerAttachment(stored, ifname, infrastructure) { Generation = generation };
    }, $"detach interface '{ifname}' of container '{containerId}'");

    /// <summary>Every stored attachment, or those of CNI network <paramref name="cniNetwork"/> (for GC), in zone order.</summary>
    public IReadOnlyList<ContainerAttachment> ContainerAttachments(string? cniNetwork = null) => Database.Read((c, tx) =>
    {
        var (infrastructure, _) = Infrastructure(c, tx);
        var names = c.Query<string>(
            """
            SELECT DISTINCT z.name FROM zones z JOIN vnics v ON v.zone_id = z.id JOIN container_attachments ca ON ca.vnic_id = v.id
            WHERE z.kind = 'container' AND (@cniNetwork IS NULL OR ca.cni_network = @cniNetwork)
            """, new { cniNetwork }, tx).ToList();
        var result = new List<ContainerAttachment>();
        foreach (var name in names)
        {
            var zone = ReadZone(c, tx, name, infrastructure)!;
            result.AddRange(zone.Container!.Attachments.Where(a => cniNetwork is null || a.CniNetwork == cniNetwork)
                .Select(a => new ContainerAttachment(zone, a.Interface, infrastructure)));
        }

        return result;
    }, "read container attachments");

    private static (long Id, string Name)? FindContainerZone(DbConnection c, DbTransaction tx, string containerId) =>
        c.QuerySingleOrDefault<(long Id, string Name)?>(
            "SELECT z.id, z.name FROM containers ct JOIN zones z ON z.id = ct.zone_id WHERE ct.container_id = @containerId", new { containerId }, tx);

    // Only the zone's rows: the infrastructure is the cached one of the same transaction.
    private static ZoneSpec? ReadZone(DbConnection c, DbTransaction tx, string zoneName, NetworkModel infrastructure) =>
        StateReader.ReadResolvedZone(c, tx, zoneName, infrastructure);
}
