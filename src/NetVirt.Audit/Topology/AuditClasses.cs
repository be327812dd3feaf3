using System.Globalization;
using System.Net.Sockets;
using NetVirt.Model.Spec;

namespace NetVirt.Audit.Topology;

/// <summary>
/// The endpoints of a topology partitioned into classes, and which class each endpoint is in. A stratified audit puts
/// endpoints that are equivalent for the model in one class: same L2 domain, network (so the same gateways), router,
/// protection, routes and address families. Every rule of <see cref="Expectations.PathRules"/> reads only those, so
/// the model expects the same of every member of a class towards every member of another. Layer 3 also reads whether a
/// source's routes cover the target's address: a route that is not a default splits the classes by which members it
/// covers. What can differ between members is the host (a port on the wrong bridge, a rule missing for one VNIC),
/// which each member's own probes test.
/// A full audit makes every endpoint its own class.
/// </summary>
public sealed class AuditClasses
{
    private readonly int[] classOf;

    private AuditClasses(AuditMode mode, IReadOnlyList<AuditClass> all, int endpoints)
    {
        Mode = mode;
        All = all;
        classOf = new int[endpoints];
        foreach (var c in all)
        {
            foreach (var m in c.Members)
            {
                classOf[m] = c.Index;
            }
        }
    }

    /// <summary>Full or stratified.</summary>
    public AuditMode Mode { get; }

    /// <summary>The classes, in order of their first member.</summary>
    public IReadOnlyList<AuditClass> All { get; }

    /// <summary>Number of classes: the matrix is this many rows by this many columns.</summary>
    public int Count => All.Count;

    /// <summary>The class of endpoint <paramref name="endpoint"/>.</summary>
    public int ClassOf(int endpoint) => classOf[endpoint];

    /// <summary>
    /// The classes for <paramref name="mode"/>: one per endpoint (full), or by model equivalence (stratified). With
    /// <paramref name="bridgeOf"/> (the bridge each endpoint's port is on, by endpoint index, as the host has it), each
    /// class's <see cref="AuditClass.Ring"/> keeps members of one bridge next to each other: in a bridge tree the
    /// learning frames teach a leaf only its own ports' MACs, and a probe to a MAC the sender's leaf has not learnt floods
    /// every port of the domain (10,000 ports in a 10,000-VNIC network), so ring peers on different leaves cost a flood
    /// per probe. Which bridge a port is on changes no expectation, so the classes stay what the model makes them.
    /// </summary>
    public static AuditClasses For(AuditTopology topology, AuditMode mode, IReadOnlyDictionary<int, string>? bridgeOf = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var endpoints = topology.Endpoints;
        if (mode == AuditMode.Full)
        {
            return new AuditClasses(mode, [.. endpoints.Select(e => new AuditClass(e.Index, [e.Index], e.Name))], endpoints.Count);
        }

        // Destinations of routes that are not defaults: whether one covers an endpoint's address decides routed paths to it.
        var destinations = endpoints.SelectMany(e => e.Routes).Where(r => !r.IsDefault).Select(r => r.Destination).Distinct().ToList();
        var byKey = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var e in endpoints)
        {
            var covered = destinations.Where(d => new[] { e.AddressOf(AddressFamily.InterNetwork), e.AddressOf(AddressFamily.InterNetworkV6) }
                .Any(a => a is not null && a.AddressFamily == d.BaseAddress.AddressFamily && d.Contains(a))).ToList();
            var key = KeyOf(e) + (covered.Count == 0 ? "" : $"; inside routes to {string.Join(", ", covered)}");
            if (!byKey.TryGetValue(key, out var members))
            {
                byKey[key] = members = [];
                order.Add(key);
            }

            members.Add(e.Index);
        }

        return new AuditClasses(mode, [.. order.Select((key, i) => RingClass(i, byKey[key], key, bridgeOf))], endpoints.Count);
    }

    // The ring: the representative, then the other members by bridge (ordinal; unknown first), in topology order within
    // one; and the members a neighbour on another bridge probes.
    private static AuditClass RingClass(int index, List<int> members, string key, IReadOnlyDictionary<int, string>? bridgeOf)
    {
        if (bridgeOf is null || bridgeOf.Count == 0 || members.Count < 2)
        {
            return new AuditClass(index, members, key);
        }

        List<int> ring = [members[0], .. members.Skip(1).OrderBy(m => bridgeOf.GetValueOrDefault(m) ?? "", StringComparer.Ordinal).ThenBy(m => m)];
        var across = new HashSet<int>();
        for (var i = 0; i < ring.Count; i++)
        {
            var peer = AuditClass.Before(ring, i);
            if (!string.Equals(bridgeOf.GetValueOrDefault(ring[i]), bridgeOf.GetValueOrDefault(peer), StringComparison.Ordinal))
            {
                across.Add(peer);
            }
        }

        return new AuditClass(index, members, key) { Ring = ring, LearnedEverywhere = across };
    }

    /// <summary>What makes two endpoints equivalent for the model, in words; equal keys, equal expectations.</summary>
    public static string KeyOf(AuditEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var families = (endpoint.AddressOf(AddressFamily.InterNetwork) is null ? "" : "IPv4")
            + (endpoint.AddressOf(AddressFamily.InterNetworkV6) is null ? "" : (endpoint.Ipv4.Count > 0 ? " + " : "") + "IPv6");
        var routes = string.Join(", ", endpoint.Routes.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Destination} via {r.Gateway}")).Order(StringComparer.Ordinal));
        var protection = endpoint.Protection == Protection.None ? "none" : SpecNames.Format(endpoint.Protection);
        return $"{endpoint.DomainText}; network {endpoint.Network?.Name ?? "(none)"}; router {endpoint.Router ?? "(none)"}; "
            + $"protection {protection}; routes {(routes.Length == 0 ? "none" : routes)}; addresses {(families.Length == 0 ? "none" : families)}";
    }
}
