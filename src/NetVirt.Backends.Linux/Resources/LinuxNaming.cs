using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace NetVirt.Backends.Linux.Resources;

/// <summary>
/// Host names of the objects the Linux backend creates, and the ownership rule. An interface, network namespace or
/// nftables table can be NetVirt's only when its name starts with <see cref="OwnerMark"/> (<c>{prefix}-</c>). The
/// separator matters: prefixes are letters and digits only, so the objects of prefix <c>nv</c> (<c>nv-…</c>) and of a
/// test prefix such as <c>nvt3fa</c> (<c>nvt3fa-…</c>) can never be mistaken for each other. Among those, the ones
/// another database made are not this deployment's (<see cref="IsOurs"/>): every object records the deployment id of
/// the database that made it (<see cref="Alias"/>). Interface names carry at most 15 characters (IFNAMSIZ), so names
/// that would be longer are hashed; the alias keeps the model identity readable in <c>ip link</c>. See the backend
/// README for the scheme.
/// </summary>
public sealed partial class LinuxNaming
{
    /// <summary>Longest Linux interface name.</summary>
    public const int MaxInterfaceName = 15;

    /// <summary>Longest prefix: leaves at least 7 hex digits (28 bits) for hashed interface names.</summary>
    public const int MaxPrefix = 6;

    /// <summary>Start of every alias NetVirt writes on an interface it owns.</summary>
    public const string AliasMark = "netvirt";

    /// <summary>Word in an alias before the deployment id.</summary>
    public const string DeploymentWord = "deployment";

    /// <summary>Creates the naming scheme for <paramref name="prefix"/>, for the deployment <paramref name="deploymentId"/> (null: none recorded).</summary>
    public LinuxNaming(string prefix, string? deploymentId = null)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!PrefixPattern().IsMatch(prefix))
        {
            throw new ArgumentException($"ownership prefix '{prefix}' must be 1–{MaxPrefix} letters and digits, starting with a letter (Linux interface names have at most {MaxInterfaceName} characters)", nameof(prefix));
        }

        if (deploymentId is not null && !DeploymentPattern().IsMatch(deploymentId))
        {
            throw new ArgumentException($"deployment id '{deploymentId}' must be 16 lowercase hex digits", nameof(deploymentId));
        }

        Prefix = prefix;
        DeploymentId = deploymentId;
    }

    /// <summary>
    /// The deployment (database) this backend acts for, recorded on every object it creates; null when the caller
    /// has none (then nothing is recorded and only unmarked objects of the prefix are taken as its own).
    /// </summary>
    public string? DeploymentId { get; }

    /// <summary>
    /// True when an object of the prefix that recorded <paramref name="recorded"/> (null: nothing, an object made
    /// before deployment ids existed or interrupted before its mark was written) belongs to this deployment: it
    /// recorded this deployment's id, or none (such objects are adopted and marked by the next apply).
    /// </summary>
    public bool IsOurs(string? recorded) => recorded is null || recorded == DeploymentId;

    /// <summary>The ownership prefix.</summary>
    public string Prefix { get; }

    /// <summary><c>{prefix}-</c>: the start of every owned interface and namespace name.</summary>
    public string OwnerMark => Prefix + "-";

    /// <summary>True when an interface or network namespace called <paramref name="name"/> is NetVirt's.</summary>
    public bool IsOwned(string name) => name.StartsWith(OwnerMark, StringComparison.Ordinal);

    /// <summary>The network namespace of zone <paramref name="zone"/>: <c>nv-z-acme-web1</c>.</summary>
    public string ZoneNetns(string zone) => $"{OwnerMark}z-{zone}";

    /// <summary>The router namespace of a tenant (it holds the gateway addresses of the tenant's networks): <c>nv-r-acme</c>.</summary>
    public string RouterNetns(string router) => $"{OwnerMark}r-{router}";

    /// <summary>
    /// The zone of a zone namespace name, or null when <paramref name="netns"/> is not one of this prefix's zone namespaces.
    /// </summary>
    public string? ZoneOfNetns(string netns) =>
        netns.StartsWith(OwnerMark + "z-", StringComparison.Ordinal) ? netns[(OwnerMark.Length + 2)..]
        : IsContainerNetns(netns) ? netns[1..netns.IndexOf(ContainerMark, 1)]
        : null;

    /// <summary>Starts (and ends the zone part of) a container's namespace reference.</summary>
    public const char ContainerMark = '@';

    /// <summary>
    /// How the backend refers to a container's network namespace, which its runtime made and owns (NetVirt never creates
    /// or deletes it) at a path outside <c>/run/netns</c> or under a name of the runtime's: <c>@ZONE@PATH</c> with the
    /// path's '/' written as ':' (<c>@c-3f2a@run:netns:netns-1b2c</c>, <c>@c-default-web1@proc:4242:ns:net</c>), so it
    /// never contains '/' (resource names are <c>{netns}/...</c>) and names its zone. <see cref="Namespaces.NetnsThread.PathOf"/>
    /// turns it back into the path.
    /// </summary>
    public static string ContainerNetns(string zone, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(zone);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!CanReferToContainerNetns(path))
        {
            throw new ArgumentException($"'{path}' is not a namespace path NetVirt can refer to (absolute, without ':' or '@')", nameof(path));
        }

        return $"{ContainerMark}{zone}{ContainerMark}{path[1..].Replace('/', ':')}";
    }

    /// <summary>
    /// True for a namespace path a container's namespace reference can carry: absolute, without ':' or '@' (the
    /// reference's own marks) and without whitespace (the reference is a word of the host end's alias, which
    /// <see cref="ParseAlias"/> reads back split at spaces: with a path with a space the ADD succeeded, and observation
    /// no longer recognised the host end as the container's, nor found the container's namespace).
    /// </summary>
    public static bool CanReferToContainerNetns(string path) =>
        path.Length > 1 && path[0] == '/' && !path.Contains(':', StringComparison.Ordinal) && !path.Contains(ContainerMark, StringComparison.Ordinal)
        && !path.Any(char.IsWhiteSpace);

    /// <summary>
    /// The longest container interface reference (<c>{namespace reference}/{interface}</c>) NetVirt can record: it is the
    /// comment of the container's elements in the nftables table, which holds at most 128 characters.
    /// </summary>
    public const int MaxContainerInterfaceReference = 128;

    /// <summary>True when <paramref name="netns"/> refers to a container's namespace (<see cref="ContainerNetns"/>).</summary>
    public static bool IsContainerNetns(string netns) =>
        netns.Length > 2 && netns[0] == ContainerMark && netns.IndexOf(ContainerMark, 1) > 1;

    /// <summary>The path of a container's namespace reference.</summary>
    public static string ContainerNetnsPath(string netns) => "/" + netns[(netns.IndexOf(ContainerMark, 1) + 1)..].Replace(':', '/');

    /// <summary>
    /// The bridge of one L2 domain (etherstub or VLAN-less link realisation, and VLAN id): <c>nv-stub0.100</c> when
    /// that fits in 15 characters, else <c>nv-b</c> and a hash.
    /// </summary>
    public string Bridge(string over, int vlan) => Readable($"{OwnerMark}{over}.{vlan}", 'b', $"bridge/{over}/{vlan}");

    /// <summary>
    /// Leaf <paramref name="leaf"/> of an L2 domain realised as a tree of bridges (more ports than one bridge holds):
    /// <c>nv-stub0.100.3</c> when that fits in 15 characters, else <c>nv-b</c> and a hash. Etherstub names have no dots,
    /// so a leaf's name is never a domain's.
    /// </summary>
    public string LeafBridge(string over, int vlan, int leaf) => Readable($"{OwnerMark}{over}.{vlan}.{leaf}", 'b', $"bridge/{over}/{vlan}/{leaf}");

    /// <summary>
    /// Container leaf <paramref name="slot"/> (≥ 1) of an L2 domain (<see cref="NetVirt.Model.Topology.ContainerSlots"/>):
    /// <c>nv-stub0.100.c1</c> when that fits in 15 characters, else <c>nv-b</c> and a hash. Never a declared tree's leaf
    /// (those are numbered without the <c>c</c>).
    /// </summary>
    public string ContainerLeafBridge(string over, int vlan, int slot) => Readable($"{OwnerMark}{over}.{vlan}.c{slot}", 'b', $"bridge/{over}/{vlan}/c{slot}");

    /// <summary>The end of the trunk (veth pair) from leaf bridge <paramref name="leafBridge"/> to its root that is a port of the leaf: <c>nv-t</c> and a hash.</summary>
    public string TrunkLeafEnd(string leafBridge) => Hashed('t', $"trunk/{leafBridge}");

    /// <summary>The other end of that trunk, a port of the root bridge: <c>nv-u</c> and a hash.</summary>
    public string TrunkRootEnd(string leafBridge) => Hashed('u', $"trunk/{leafBridge}");

    /// <summary>The host end of a zone VNIC's veth pair (the end on the bridge): <c>nv-v</c> and a hash of zone and VNIC.</summary>
    public string VnicHostEnd(string zone, string vnic) => Hashed('v', $"vnic/{zone}/{vnic}");

    /// <summary>The ifb device that shapes a zone VNIC's traffic from the zone (tc has no policer here): <c>nv-i</c> and a hash.</summary>
    public string VnicIfb(string zone, string vnic) => Hashed('i', $"vnic/{zone}/{vnic}");

    /// <summary>
    /// The router of a router namespace name, or null when <paramref name="netns"/> is not one of this prefix's router namespaces.
    /// </summary>
    public string? RouterOfNetns(string netns) =>
        netns.StartsWith(OwnerMark + "r-", StringComparison.Ordinal) ? netns[(OwnerMark.Length + 2)..] : null;

    /// <summary>The host end of a router's leg into an L2 domain (the end on the bridge): <c>nv-g</c> and a hash.</summary>
    public string RouterLegHostEnd(string router, string over, int vlan) => Hashed('g', $"leg/{router}/{over}/{vlan}");

    /// <summary>The VXLAN device that carries an L2 domain to the other hosts (a model with hosts): <c>nv-x</c> and a hash.</summary>
    public string Vxlan(string over, int vlan) => Hashed('x', $"vxlan/{over}/{vlan}");

    /// <summary>The router end of its leg into an L2 domain, inside the router namespace: <c>stub0.100</c>, or <c>l</c> and a hash.</summary>
    public static string RouterLegInside(string over, int vlan)
    {
        var readable = $"{over}.{vlan}";
        return readable.Length <= MaxInterfaceName ? readable : "l" + Hex($"{over}/{vlan}", MaxInterfaceName - 1);
    }

    /// <summary>The nftables table (bridge family) that holds the anti-spoofing rules: the prefix itself.</summary>
    public string NftTable => Prefix;

    /// <summary>The alias written on an owned interface: <c>netvirt vnic acme-web1/net0 deployment 0123456789abcdef</c>.</summary>
    public string Alias(string kind, string identity) =>
        DeploymentId is null ? $"{AliasMark} {kind} {identity}" : $"{AliasMark} {kind} {identity} {DeploymentWord} {DeploymentId}";

    /// <summary>The kind, identity and deployment (null when none is recorded) of an alias NetVirt wrote, or null for any other alias.</summary>
    public static OwnerAlias? ParseAlias(string? alias)
    {
        if (alias is null || !alias.StartsWith(AliasMark + " ", StringComparison.Ordinal))
        {
            return null;
        }

        var words = alias.Split(' ');
        return words.Length switch
        {
            3 when words[1].Length > 0 && words[2].Length > 0 => new OwnerAlias(words[1], words[2], null),
            5 when words[1].Length > 0 && words[2].Length > 0 && words[3] == DeploymentWord && words[4].Length > 0 => new OwnerAlias(words[1], words[2], words[4]),
            _ => null,
        };
    }

    private string Readable(string candidate, char kind, string identity) =>
        candidate.Length <= MaxInterfaceName ? candidate : Hashed(kind, identity);

    /// <summary>Hex digits of a hashed interface name: what 15 characters leave after the owner mark and the kind letter.</summary>
    public int HashDigits => MaxInterfaceName - OwnerMark.Length - 1;

    private string Hashed(char kind, string identity) =>
        $"{OwnerMark}{kind}{Hex($"{Prefix}/{identity}", HashDigits)}";

    private static string Hex(string identity, int length) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..length];

    [GeneratedRegex(@"\A[A-Za-z][A-Za-z0-9]{0,5}\z")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex DeploymentPattern();
}

/// <summary>What an alias NetVirt wrote says: the object's kind and identity, and the deployment that made it (null: none recorded).</summary>
public sealed record OwnerAlias(string Kind, string Identity, string? Deployment);
