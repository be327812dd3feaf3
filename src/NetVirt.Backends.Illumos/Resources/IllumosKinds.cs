using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Illumos.Resources;

/// <summary>
/// The host objects of the illumos backend, in illumos words, with their dependency ranks: etherstub → VNIC (its
/// link properties and its zone assignment go with it) → IP interface → address object → route. Deletions run in
/// reverse.
/// </summary>
public static class IllumosKinds
{
    /// <summary>A datalink NetVirt does not own (a physical NIC, an aggregation, a foreign etherstub) that the model sits on.</summary>
    public static readonly ResourceKind Link = ResourceKind.Create("link", 0, []);

    /// <summary>A zone (created with zonecfg/vmadm by someone else) that must be running with exclusive IP.</summary>
    public static readonly ResourceKind Zone = ResourceKind.Create("zone", 0, []);

    /// <summary>
    /// The marker etherstub <c>{prefix}_{deployment id}_1</c> that records which database the objects of the prefix
    /// belong to: created before anything else, deleted after everything else.
    /// </summary>
    public static readonly ResourceKind Marker = ResourceKind.Create("marker", 5, []);

    /// <summary><c>dladm create-etherstub</c>; its MTU is a link property.</summary>
    public static readonly ResourceKind Etherstub = ResourceKind.Create("etherstub", 10, [IllumosProperties.Mtu]);

    /// <summary>
    /// <c>dladm create-vnic</c>. Link properties change in place with <c>set-linkprop</c>; lower link, VLAN id and MAC
    /// cannot (there is no <c>modify-vnic</c> on illumos), so a change to them replaces the VNIC. The zone is part of
    /// the identity: a VNIC is handed to its zone at creation (<c>-p zone=</c>).
    /// </summary>
    public static readonly ResourceKind Vnic = ResourceKind.Create("vnic", 20,
    [
        IllumosProperties.Mtu, IllumosProperties.MaxBandwidth, IllumosProperties.Priority, IllumosProperties.Protection,
        IllumosProperties.AllowedIps, IllumosProperties.DynamicMethods,
    ]);

    /// <summary><c>ipadm create-if</c> (in the zone through zlogin, or in the global zone for a gateway leg).</summary>
    public static readonly ResourceKind IpInterface = ResourceKind.Create("ip-if", 40, []);

    /// <summary><c>ipadm create-addr</c>; removed by <c>delete-if</c> together with its interface.</summary>
    public static readonly ResourceKind AddrObj = ResourceKind.Create("addrobj", 50, [], deletedWithParent: true);

    /// <summary>A gateway route inside a zone (<c>route add</c>).</summary>
    public static readonly ResourceKind Route = ResourceKind.Create("route", 60, []);

    /// <summary>Every kind, by rank.</summary>
    public static IReadOnlyList<ResourceKind> All { get; } = [Link, Zone, Marker, Etherstub, Vnic, IpInterface, AddrObj, Route];
}
