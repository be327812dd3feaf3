using System.Net;
using System.Net.Sockets;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;

namespace NetVirt.Audit.Topology;

/// <summary>
/// One VNIC as the audit sees it: where it lives on the host (namespace and interface), what the model says about it
/// (L2 domain, network, addresses, protection, allowed sources) and the zone's routes. Probes are sent from and
/// captured on endpoints; <see cref="Index"/> is its position in <see cref="AuditTopology.Endpoints"/>.
/// </summary>
public sealed record AuditEndpoint
{
    /// <summary>Position in the topology; probes and matrices refer to endpoints by it.</summary>
    public required int Index { get; init; }

    /// <summary>Zone name.</summary>
    public required string Zone { get; init; }

    /// <summary>VNIC name (also the interface name inside the zone).</summary>
    public required string Vnic { get; init; }

    /// <summary>The host the zone is placed on, in a model with hosts (the audit across hosts); null on one host.</summary>
    public string? Host { get; init; }

    /// <summary>Network namespace of the zone on the host.</summary>
    public required string Netns { get; init; }

    /// <summary>Interface inside <see cref="Netns"/>.</summary>
    public required string Interface { get; init; }

    /// <summary>
    /// The host end of the VNIC's veth pair (a port of its bridge, in the host namespace), or null for a VNIC that is
    /// not a veth (a macvlan over a link). What the zone sends arrives there.
    /// </summary>
    public string? HostEnd { get; init; }

    /// <summary>The VNIC's MAC.</summary>
    public required MacAddress Mac { get; init; }

    /// <summary>The L2 domain (etherstub or link, VLAN id).</summary>
    public required L2Domain Domain { get; init; }

    /// <summary>What the domain sits on, for explanations: <c>etherstub stub0</c> or <c>link e1000g0</c>.</summary>
    public required string Switch { get; init; }

    /// <summary>The VNIC's network, or null for a VNIC placed with <c>over</c>/<c>vlan</c> only.</summary>
    public NetworkSpec? Network { get; init; }

    /// <summary>The router of the network (<see cref="ModelIndex.RouterOf"/>), or null when nothing routes out of it.</summary>
    public string? Router { get; init; }

    /// <summary>The VNIC's IPv4 addresses (from the model).</summary>
    public IReadOnlyList<IPAddress> Ipv4 { get; init; } = [];

    /// <summary>The VNIC's global IPv6 addresses (from the model, addrconf resolved to EUI-64).</summary>
    public IReadOnlyList<IPAddress> Ipv6 { get; init; } = [];

    /// <summary>Anti-spoofing in effect.</summary>
    public Protection Protection { get; init; }

    /// <summary>Source prefixes ip-nospoof lets through (<see cref="ModelIndex.AllowedSources"/>).</summary>
    public IReadOnlyList<IPNetwork> AllowedSources { get; init; } = [];

    /// <summary>The zone's routes in effect (<see cref="ModelIndex.EffectiveRoutes"/>).</summary>
    public IReadOnlyList<RouteSpec> Routes { get; init; } = [];

    /// <summary><c>zone/vnic</c>: how reports name the endpoint.</summary>
    public string Name => $"{Zone}/{Vnic}";

    /// <summary>The domain in words: <c>etherstub stub0, VLAN 100</c> or <c>etherstub mgmt0, untagged</c>.</summary>
    public string DomainText => Domain.Vlan == 0 ? $"{Switch}, untagged" : $"{Switch}, VLAN {Domain.Vlan}";

    /// <summary>The label a report groups by when the matrix is large: the network, else the L2 domain.</summary>
    public string Group => Network?.Name ?? Domain.ToString();

    /// <summary>First address of <paramref name="family"/>, or null.</summary>
    public IPAddress? AddressOf(AddressFamily family) =>
        (family == AddressFamily.InterNetwork ? Ipv4 : Ipv6) is { Count: > 0 } list ? list[0] : null;

    /// <summary>The gateway of the VNIC's network for <paramref name="family"/>, or null.</summary>
    public IPAddress? GatewayOf(AddressFamily family) =>
        Network?.Subnets.FirstOrDefault(s => s.Family == family)?.Gateway;

    /// <summary>True when ip-nospoof would let <paramref name="address"/> out as a source.</summary>
    public bool IsAllowedSource(IPAddress address) => AllowedSources.Any(n => n.Contains(address));

    /// <inheritdoc />
    public override string ToString() => Name;
}
