namespace NetVirt.Store.DesiredState;

#pragma warning disable CS1591 // Row shapes mirror the tables in schemas/sqlite; the SQL documents them.

/// <summary>Row of <c>etherstubs</c> or <c>links</c>.</summary>
public sealed class DatalinkRow
{
    public long Id { get; init; }

    public string Name { get; init; } = "";

    public long? Mtu { get; init; }

    public string? Description { get; init; }
}

/// <summary>Row of <c>networks</c>.</summary>
public sealed class NetworkRow
{
    public long Id { get; init; }

    public string Name { get; init; } = "";

    public long? OverEtherstubId { get; init; }

    public long? OverLinkId { get; init; }

    public long Vlan { get; init; }

    public long? Mtu { get; init; }

    public string? Tenant { get; init; }

    public string? Description { get; init; }

    public string? V4Subnet { get; init; }

    public string? V4Gateway { get; init; }

    public string? V4RangeStart { get; init; }

    public string? V4RangeEnd { get; init; }

    public byte[]? V4Cursor { get; init; }

    public string? V6Subnet { get; init; }

    public string? V6Gateway { get; init; }

    public string? V6RangeStart { get; init; }

    public string? V6RangeEnd { get; init; }

    public byte[]? V6Cursor { get; init; }
}

/// <summary>Row of <c>reservations</c>.</summary>
public sealed class ReservationRow
{
    public long NetworkId { get; init; }

    public string FirstText { get; init; } = "";

    public string LastText { get; init; } = "";

    public string? Note { get; init; }
}

/// <summary>Row of <c>pools</c> joined with one member network.</summary>
public sealed class PoolMemberRow
{
    public long PoolId { get; init; }

    public string PoolName { get; init; } = "";

    public string? Description { get; init; }

    public string? NetworkName { get; init; }
}

/// <summary>Row of <c>hosts</c>.</summary>
public sealed class HostRow
{
    public long Id { get; init; }

    public string Name { get; init; } = "";

    public string Address { get; init; } = "";

    public string Labels { get; init; } = "[]";

    public string? Description { get; init; }
}

/// <summary>Row of <c>zones</c>.</summary>
public sealed class ZoneRow
{
    public long Id { get; init; }

    public string Name { get; init; } = "";

    public string? HostName { get; init; }

    public long HostExplicit { get; init; }

    public string? Description { get; init; }

    public long RoutesExplicit { get; init; }

    public string Kind { get; init; } = "zone";

    public string? ContainerId { get; init; }

    public string? Netns { get; init; }

    public string? Labels { get; init; }
}

/// <summary>Row of <c>container_attachments</c> with its VNIC's zone and name.</summary>
public sealed class AttachmentRow
{
    public long ZoneId { get; init; }

    public string Interface { get; init; } = "";

    public string CniNetwork { get; init; } = "";

    public long Slot { get; init; }
}

/// <summary>Row of <c>zone_routes</c>.</summary>
public sealed class RouteRow
{
    public long ZoneId { get; init; }

    public string Destination { get; init; } = "";

    public string Gateway { get; init; } = "";
}

/// <summary>Row of <c>vnics</c> with the names of what it references.</summary>
public sealed class VnicRow
{
    public long Id { get; init; }

    public long ZoneId { get; init; }

    public string Name { get; init; } = "";

    public string? NetworkName { get; init; }

    public string? PoolName { get; init; }

    public string? OverName { get; init; }

    public long? Vlan { get; init; }

    public long MacAuto { get; init; }

    public long Mac { get; init; }

    public long? Mtu { get; init; }

    public long? IsPrimary { get; init; }

    public long? Maxbw { get; init; }

    public string? Priority { get; init; }

    public long? Protection { get; init; }

    public string? AllowedIps { get; init; }
}

/// <summary>Row of <c>addrobjs</c> with the address it holds, if any.</summary>
public sealed class AddrobjRow
{
    public long Id { get; init; }

    public long VnicId { get; init; }

    public string Tag { get; init; } = "";

    public string Type { get; init; } = "";

    public long? Family { get; init; }

    public string? Requested { get; init; }

    public long? PrefixLen { get; init; }

    public string? HeldAddress { get; init; }

    public string? HeldNetwork { get; init; }
}
