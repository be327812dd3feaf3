using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using Dapper;
using NetVirt.Model.Addressing;
using NetVirt.Model.Ipam;
using NetVirt.Model.Spec;

namespace NetVirt.Store.Ipam;

/// <summary>Read-side IPAM queries: usage, free ranges, holders. Each runs inside the caller's transaction.</summary>
internal static class IpamViews
{
    public static (UInt128 Used, UInt128 Usable, UInt128 Reserved, double Utilisation) Usage(
        DbConnection c, DbTransaction tx, long networkId, NetworkSpec network, SubnetSpec subnet)
    {
        var rules = new AllocationRules(network, subnet);
        var used = (UInt128)c.ExecuteScalar<long>(
            "SELECT count(*) FROM ip_addresses WHERE network_id = @networkId AND family = @fam AND addrobj_id IS NOT NULL AND address_key BETWEEN @first AND @last",
            new { networkId, fam = IpamAllocator.FamilyCode(subnet.Family), first = IpAddressMath.ToKey(rules.Range.First), last = IpAddressMath.ToKey(rules.Range.Last) }, tx);
        var usable = rules.Usable;
        return (used, usable, rules.ReservedInRange(network), usable == 0 ? 1 : (double)used / (double)usable);
    }

    public static IEnumerable<UInt128> HeldKeys(DbConnection c, DbTransaction tx, long networkId, AddressFamily family)
    {
        using var command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT address_key FROM ip_addresses WHERE network_id = @networkId AND family = @fam AND addrobj_id IS NOT NULL ORDER BY address_key";
        AddParameter(command, "networkId", networkId);
        AddParameter(command, "fam", (long)IpamAllocator.FamilyCode(family));
        using var reader = command.ExecuteReader();
        var keyLength = family == AddressFamily.InterNetwork ? 4 : 16;
        var buffer = new byte[keyLength];
        while (reader.Read())
        {
            reader.GetBytes(0, 0, buffer, 0, keyLength);
            yield return family == AddressFamily.InterNetwork
                ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(buffer)
                : System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(buffer);
        }
    }

    public static IReadOnlyList<AddressHolder> Holders(DbConnection c, DbTransaction tx, string? network, IPAddress? address)
    {
        var rows = c.Query<(string Network, string Address, string? Zone, string? Vnic, string? Tag, string Kind, string AllocatedAt, string? ReleasedAt)>(
            """
            SELECT n.name, ip.address, z.name, v.name, a.tag, ip.kind, ip.allocated_at, ip.released_at
            FROM ip_addresses ip
            JOIN networks n ON n.id = ip.network_id
            LEFT JOIN addrobjs a ON a.id = ip.addrobj_id
            LEFT JOIN vnics v ON v.id = a.vnic_id
            LEFT JOIN zones z ON z.id = v.zone_id
            WHERE (@network IS NULL OR n.name = @network) AND (@key IS NULL OR ip.address_key = @key)
            ORDER BY n.position, ip.family, ip.address_key
            """,
            new { network, key = address is null ? null : IpAddressMath.ToKey(address) }, tx);
        return [.. rows.Select(r => r.Zone is null
            ? new AddressHolder(r.Network, IPAddress.Parse(r.Address), "released", null, null, null, r.Kind, r.ReleasedAt, null)
            : new AddressHolder(r.Network, IPAddress.Parse(r.Address), "held", r.Zone, r.Vnic, r.Tag, r.Kind, r.AllocatedAt, null))];
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
