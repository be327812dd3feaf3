namespace NetVirt.Backends.Illumos.Resources;

/// <summary>
/// Names of the managed properties in <see cref="Planning.Resources.PropertyBag"/>s. Link properties keep dladm's
/// names so that a plan's reasons read like dladm (<c>maxbw 100M → 200M</c>).
/// </summary>
public static class IllumosProperties
{
    /// <summary>Lower link of a VNIC (host name).</summary>
    public const string Over = "over";

    /// <summary>VLAN id of a VNIC; 0 = untagged.</summary>
    public const string Vlan = "vlan";

    /// <summary>MAC of a VNIC, 12 lowercase hex digits with zero padding.</summary>
    public const string Mac = "mac";

    /// <summary>Link MTU.</summary>
    public const string Mtu = "mtu";

    /// <summary>Bandwidth limit in dladm's input syntax (<c>200M</c>), empty for none.</summary>
    public const string MaxBandwidth = "maxbw";

    /// <summary><c>low</c>, <c>medium</c> or <c>high</c>.</summary>
    public const string Priority = "priority";

    /// <summary>Protection flags in dladm's order, comma-separated; empty for none.</summary>
    public const string Protection = "protection";

    /// <summary>Allowed source prefixes (<c>10.0.0.5/32</c>), sorted, comma-separated; empty for none.</summary>
    public const string AllowedIps = "allowed-ips";

    /// <summary>SmartOS only: address learning kept on although <c>allowed-ips</c> is set (<c>dhcpv4</c>).</summary>
    public const string DynamicMethods = "dynamic-methods";

    /// <summary>Address object type: <c>static</c>, <c>dhcp</c> or <c>addrconf</c>.</summary>
    public const string Type = "type";

    /// <summary>Static address with prefix length (<c>10.0.0.5/24</c>, <c>fd00::5/64</c>).</summary>
    public const string Address = "addr";

    /// <summary>Next hop of a route.</summary>
    public const string Gateway = "gateway";

    /// <summary>Zone state (foreign requirement: <c>running</c>).</summary>
    public const string State = "state";

    /// <summary>Zone IP type (foreign requirement: <c>excl</c>).</summary>
    public const string IpType = "ip-type";
}
