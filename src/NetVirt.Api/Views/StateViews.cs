using System.Globalization;
using NetVirt.Model.Addressing;
using NetVirt.Model.Ipam;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;

namespace NetVirt.Api.Views;

/// <summary>
/// The rows of <c>netvirt show</c> and <c>netvirt ip</c>, computed once for both the command line and the API, so
/// <c>--output json</c> and the API's JSON have one shape (kebab-case keys, as in documents).
/// </summary>
public static class StateViews
{
    /// <summary>One row per network.</summary>
    public static IReadOnlyList<NetworkView> Networks(NetworkModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var vnicsPerNetwork = model.Zones.SelectMany(z => z.Vnics).Where(v => v.Network is not null)
            .GroupBy(v => v.Network!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return [.. model.Networks.Select(n => Network(n, vnicsPerNetwork.GetValueOrDefault(n.Name)))];
    }

    /// <summary>The row of one network.</summary>
    public static NetworkView Network(NetworkSpec n, int vnics)
    {
        ArgumentNullException.ThrowIfNull(n);
        return new NetworkView(n.Name, n.Tenant, n.Over, n.Vlan, n.EffectiveMtu, n.Ipv4?.Subnet.ToString(), n.Ipv4?.Gateway?.ToString(),
            n.Ipv6?.Subnet.ToString(), n.Ipv6?.Gateway?.ToString(), vnics);
    }

    /// <summary>One row per zone.</summary>
    public static IReadOnlyList<ZoneView> Zones(NetworkModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var index = new ModelIndex(model);
        return [.. model.Zones.Select(z => new ZoneView(
            z.Name,
            z.IsContainer ? "container" : "zone",
            z.Container?.Id,
            [.. z.Vnics.Select(v => v.Name)],
            [.. z.Vnics.Select(v => v.Network ?? $"{v.Over}/{v.Vlan ?? 0}").Distinct(StringComparer.Ordinal)],
            [.. index.EffectiveRoutes(z).Select(r => $"{(r.IsDefault ? "default" : r.Destination.ToString())} via {r.Gateway}")],
            z.Container is { Labels.IsEmpty: false } c ? string.Join(", ", c.Labels.Select(l => $"{l.Name}={l.Value}")) : z.Description))];
    }

    /// <summary>The container side of a container's zone, or null for a declared zone.</summary>
    public static ContainerView? Container(ZoneSpec zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return zone.Container is not { } c ? null : new ContainerView(
            c.Id, c.Netns,
            c.Labels.ToDictionary(l => l.Name, l => l.Value, StringComparer.Ordinal),
            c.Attachments.ToDictionary(a => a.Interface, a => a.CniNetwork, StringComparer.Ordinal));
    }

    /// <summary>One row per VNIC of a resolved model (allocated MACs and addresses).</summary>
    public static IReadOnlyList<VnicView> Vnics(NetworkModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var index = new ModelIndex(model);
        return [.. model.Zones.SelectMany(z => z.Vnics.Select(v => Vnic(index, z, v)))];
    }

    /// <summary>The row of one VNIC; <paramref name="index"/> indexes a resolved model holding it.</summary>
    public static VnicView Vnic(ModelIndex index, ZoneSpec zone, VnicSpec v)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(v);
        var domain = index.DomainOf(v);
        return new VnicView(
            zone.Name, v.Name, v.Network, domain?.Over, domain?.Vlan, v.Mac?.ToString(), index.EffectiveMtu(v),
            v.MaxBandwidth is { } bw ? SpecNames.FormatBandwidth(bw) : null, SpecNames.Format(v.EffectivePriority), SpecNames.Format(v.EffectiveProtection),
            [.. index.InterfaceAddresses(v).Select(a => a.Address.ToString())]);
    }

    /// <summary>One row per address object of a resolved model.</summary>
    public static IReadOnlyList<AddressObjectView> AddressObjects(NetworkModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var index = new ModelIndex(model);
        return [.. model.Zones.SelectMany(z => z.Vnics.SelectMany(v => v.Addresses.Select(a => new AddressObjectView(
            z.Name,
            v.Name,
            $"{v.Name}/{a.Tag}",
            SpecNames.Format(a.Type),
            index.InterfaceAddresses(v).Where(x => x.Spec == a).Select(x => x.Address.ToString()).FirstOrDefault()
                ?? (a.Type == AddressType.Dhcp ? "(dhcp)" : null),
            v.Network))))];
    }

    /// <summary>The usage row of one family of one network.</summary>
    public static UsageView Usage(NetworkUsage u)
    {
        ArgumentNullException.ThrowIfNull(u);
        return new UsageView(u.Network, SpecNames.Format(u.Family), u.Subnet.ToString(), u.Range.ToString(), u.Usable, u.Used, u.Free, u.Reserved, u.Utilisation, u.Next?.ToString());
    }

    /// <summary>One free range.</summary>
    public static FreeRangeView FreeRange(System.Net.Sockets.AddressFamily family, IpRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        return new FreeRangeView(SpecNames.Format(family), range.First.ToString(), range.Last.ToString(), range.Size);
    }

    /// <summary>What one address is in one network.</summary>
    public static AddressView Address(AddressHolder h)
    {
        ArgumentNullException.ThrowIfNull(h);
        return new AddressView(h.Network, h.Address.ToString(), h.State, h.Zone, h.Vnic, h.Tag, h.Kind, h.Since, h.Note);
    }
}
