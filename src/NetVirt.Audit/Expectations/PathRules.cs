using System.Net;
using System.Net.Sockets;
using NetVirt.Audit.Topology;

namespace NetVirt.Audit.Expectations;

/// <summary>
/// The audit's reading of the model, as pure functions of two endpoints: whether a frame from one reaches the other
/// at layer 2 (same etherstub or link and same VLAN id) and at layer 3 (same L2 domain, or routed: both networks on
/// one router (<see cref="Model.Topology.ModelIndex.RouterOf"/>), both with a gateway of the family, and the source zone
/// routing the target's address via its network's gateway). <see cref="Explain"/> says why in words; the two always
/// agree because the words are made from the same reason.
/// </summary>
public static class PathRules
{
    /// <summary>Layer 2: must frames from <paramref name="from"/> reach <paramref name="to"/>?</summary>
    public static PathExpectation Layer2(AuditEndpoint from, AuditEndpoint to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        return from.Domain == to.Domain ? new(Expectation.Must, PathReason.SameDomain)
            : from.Domain.Over == to.Domain.Over ? new(Expectation.MustNot, PathReason.DifferentVlan)
            : new(Expectation.MustNot, PathReason.DifferentSwitch);
    }

    /// <summary>Layer 3 for <paramref name="family"/>: must an IP packet from <paramref name="from"/> reach <paramref name="to"/>?</summary>
    public static PathExpectation Layer3(AuditEndpoint from, AuditEndpoint to, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.AddressOf(family) is null || to.AddressOf(family) is not { } target)
        {
            return new(Expectation.NotApplicable, PathReason.NoAddress);
        }

        if (from.Domain == to.Domain)
        {
            return new(Expectation.Must, PathReason.SameDomain);
        }

        if (from.GatewayOf(family) is not { } gateway)
        {
            return new(Expectation.MustNot, PathReason.NoSourceGateway);
        }

        if (from.Router is null || from.Router != to.Router)
        {
            return new(Expectation.MustNot, PathReason.DifferentRouters);
        }

        if (to.GatewayOf(family) is null)
        {
            return new(Expectation.MustNot, PathReason.NoTargetGateway);
        }

        return RouteVia(from, target, gateway) ? new(Expectation.Must, PathReason.Routed) : new(Expectation.May, PathReason.RoutableNotRouted);
    }

    /// <summary>
    /// Layer 2 for neighbour discovery (ARP, IPv6 neighbour solicitations): as <see cref="Layer2"/>, except that within
    /// one L2 domain it need not cross between hosts (<see cref="PathReason.AnsweredByHost"/>). Across domains it stays
    /// isolated wherever the zones are.
    /// </summary>
    public static PathExpectation Layer2NeighbourDiscovery(AuditEndpoint from, AuditEndpoint to)
    {
        var path = Layer2(from, to);
        return path.Expectation == Expectation.Must && !string.Equals(from.Host, to.Host, StringComparison.Ordinal)
            ? new(Expectation.May, PathReason.AnsweredByHost)
            : path;
    }

    /// <summary>
    /// True when a layer-3 probe towards <paramref name="to"/> is addressed to the source network's gateway rather than
    /// to the target's MAC: the target is in another L2 domain and the source's network has a gateway of the family.
    /// </summary>
    public static bool ViaGateway(AuditEndpoint from, AuditEndpoint to, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        return from.Domain != to.Domain && from.GatewayOf(family) is not null;
    }

    /// <summary>The sentence behind an expectation, e.g. <c>reachable: both on etherstub stub0, VLAN 100</c>.</summary>
    public static string Explain(PathExpectation expectation, AuditEndpoint from, AuditEndpoint to, AddressFamily? family = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var verdict = expectation.Expectation switch
        {
            Expectation.Must => "reachable",
            Expectation.MustNot => "isolated",
            Expectation.May => "may cross",
            _ => "not probed",
        };
        var ip = family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
        var f = family ?? AddressFamily.InterNetwork;
        var detail = expectation.Reason switch
        {
            PathReason.SameDomain => $"both on {from.DomainText}",
            PathReason.DifferentVlan => $"VLAN {Vlan(from)} vs {Vlan(to)} on {from.Switch}",
            PathReason.DifferentSwitch => $"{from.DomainText} vs {to.DomainText}: separate switches",
            PathReason.NoAddress => from.AddressOf(f) is null ? $"{from.Name} has no {ip} address" : $"{to.Name} has no {ip} address",
            PathReason.NoSourceGateway => $"{Layer2Text(from, to)}, and network {NetworkName(from)} has no {ip} gateway: nothing routes out of it",
            PathReason.DifferentRouters => $"{Layer2Text(from, to)}, and {RouterText(from)} vs {RouterText(to)}: nothing routes between them",
            PathReason.NoTargetGateway => $"{Layer2Text(from, to)}; router {from.Router} serves both networks, but {NetworkName(to)} has no {ip} gateway for it to deliver through",
            PathReason.AnsweredByHost => $"both on {from.DomainText}, but on hosts {from.Host} and {to.Host}: ARP and neighbour solicitations are answered by the sending host from the model, and nothing is flooded between hosts",
            PathReason.Routed => $"routed by router {from.Router} via {from.GatewayOf(f)} from network {NetworkName(from)} to {NetworkName(to)}",
            PathReason.RoutableNotRouted => $"router {from.Router} connects {NetworkName(from)} and {NetworkName(to)}, but zone {from.Zone} has no route to {to.AddressOf(f)} via {from.GatewayOf(f)}",
            _ => expectation.Reason.ToString(),
        };
        return $"{verdict}: {detail}";
    }

    private static bool RouteVia(AuditEndpoint from, IPAddress target, IPAddress gateway) =>
        from.Routes.Any(r => r.Gateway.Equals(gateway) && r.Destination.BaseAddress.AddressFamily == target.AddressFamily && r.Destination.Contains(target));

    private static string Vlan(AuditEndpoint e) => e.Domain.Vlan == 0 ? "untagged" : e.Domain.Vlan.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Layer2Text(AuditEndpoint from, AuditEndpoint to) =>
        from.Domain.Over == to.Domain.Over ? $"VLAN {Vlan(from)} vs {Vlan(to)} on {from.Switch}" : $"{from.DomainText} vs {to.DomainText}";

    private static string NetworkName(AuditEndpoint e) => e.Network?.Name ?? e.DomainText;

    private static string RouterText(AuditEndpoint e) => e.Router is { } r ? $"router {r}" : $"no router for {NetworkName(e)}";
}
