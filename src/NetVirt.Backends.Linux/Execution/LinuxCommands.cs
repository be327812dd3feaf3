using System.Net;
using System.Net.Sockets;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Backends.Linux.Observation;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Backends.Linux.Tc;
using NetVirt.Model.Spec;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Execution;

/// <summary>
/// The <c>ip</c>/<c>tc</c>/<c>nft</c> commands equivalent to a step, for <c>plan --commands</c> and the journal.
/// NetVirt itself sends the same requests over netlink (and runs tc and nft once per batch); these commands do
/// what it does, one object at a time. Pure.
/// </summary>
public sealed class LinuxCommands(LinuxNaming naming, LinuxTools tools)
{
    /// <summary>The alias written on both ends of a zone VNIC's veth pair (and on a macvlan).</summary>
    public static string VnicAlias(string zone, string vnic) => LinuxNaming.Alias(LinuxObservation.VnicAlias, $"{zone}/{vnic}");

    /// <summary>The commands for <paramref name="step"/>.</summary>
    public IReadOnlyList<CommandSpec> Describe(PlanStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var r = step.Resource;
        var p = r.Properties;
        var action = step.Action;
        var kind = r.Kind;
        if (kind == LinuxKinds.Netns)
        {
            return action == StepAction.Delete
                ? [Ip("netns", "delete", r.Name)]
                : [Ip("netns", "add", r.Name), Ip("-n", r.Name, "link", "set", "lo", "up"),
                    Ip("netns", "exec", r.Name, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0")];
        }

        if (kind == LinuxKinds.Bridge)
        {
            return action switch
            {
                StepAction.Create => [Ip("link", "add", r.Name, "type", "bridge"), Ip("link", "set", r.Name, "alias", BridgeAlias(r.Name), "addrgenmode", "none", "up")],
                StepAction.Update => [Ip("link", "set", r.Name, "up")],
                _ => [Ip("link", "delete", r.Name)],
            };
        }

        if (kind == LinuxKinds.NftTable)
        {
            var table = naming.NftTable;
            return action switch
            {
                StepAction.Create => [Nft(NftRuleset.CreateTable(table))],
                StepAction.Update => [Nft(NftRuleset.RewriteRules(table))],
                _ => [CommandSpec.Of(tools.Nft, "delete", "table", "bridge", table)],
            };
        }

        if (kind == LinuxKinds.Protection)
        {
            return [Nft(ProtectionCommands(step, naming.NftTable))];
        }

        if (kind == LinuxKinds.Forwarding)
        {
            var on = action == StepAction.Delete ? "0" : "1";
            return [Ip("netns", "exec", r.Name, "sysctl", "-qw", $"net.ipv4.ip_forward={on}", $"net.ipv6.conf.all.forwarding={on}")];
        }

        if (kind == LinuxKinds.Veth || kind == LinuxKinds.Leg)
        {
            var (netns, inside) = LinuxNames.Split(r.Name);
            var hostEnd = p[LinuxProperties.HostEnd]!;
            var alias = Alias(r);
            return action switch
            {
                StepAction.Create =>
                [
                    Ip(["link", "add", hostEnd, "mtu", p[LinuxProperties.Mtu]!, "master", p[LinuxProperties.Bridge]!, "type", "veth", "peer", "name", inside,
                        .. p[LinuxProperties.Mac] is { Length: > 0 } mac ? ["address", mac] : Array.Empty<string>(), "mtu", p[LinuxProperties.Mtu]!, "netns", netns]),
                    Ip("link", "set", hostEnd, "alias", alias, "addrgenmode", "none", "up"),
                    Ip("-n", netns, "link", "set", inside, "alias", alias, "up"),
                ],
                StepAction.Update =>
                [
                    Ip("link", "set", hostEnd, "master", p[LinuxProperties.Bridge]!, "mtu", p[LinuxProperties.Mtu]!, "up"),
                    Ip(["-n", netns, "link", "set", inside, .. p[LinuxProperties.Mac] is { Length: > 0 } m ? ["address", m] : Array.Empty<string>(), "mtu", p[LinuxProperties.Mtu]!, "up"]),
                ],
                _ => [Ip("link", "delete", hostEnd)],
            };
        }

        if (kind == LinuxKinds.Macvlan)
        {
            var (netns, inside) = LinuxNames.Split(r.Name);
            return action switch
            {
                StepAction.Create =>
                [
                    Ip("link", "add", inside, "link", p[LinuxProperties.Lower]!, "address", p[LinuxProperties.Mac]!, "mtu", p[LinuxProperties.Mtu]!, "netns", netns, "up", "type", "macvlan", "mode", "bridge"),
                    Ip("-n", netns, "link", "set", inside, "alias", Alias(r)),
                ],
                StepAction.Update => [Ip("-n", netns, "link", "set", inside, "address", p[LinuxProperties.Mac]!, "mtu", p[LinuxProperties.Mtu]!, "up")],
                _ => [Ip("-n", netns, "link", "delete", inside)],
            };
        }

        if (kind == LinuxKinds.Address)
        {
            var (netns, ifname, address) = LinuxNames.SplitAddress(r.Name);
            var v6 = address.Contains(':', StringComparison.Ordinal);
            return action == StepAction.Delete
                ? [Ip("-n", netns, "address", "del", address, "dev", ifname)]
                : [Ip(["-n", netns, "address", "add", address, "dev", ifname, .. v6 ? ["nodad"] : Array.Empty<string>()])];
        }

        if (kind == LinuxKinds.Route)
        {
            var (netns, destination) = LinuxNames.Split(r.Name);
            var shown = IPNetwork.Parse(destination).PrefixLength == 0 ? "default" : destination;
            var family = destination.Contains(':', StringComparison.Ordinal) ? "-6" : "-4";
            var verb = action switch { StepAction.Create => "add", StepAction.Update => "replace", _ => "del" };
            return [Ip("-n", netns, family, "route", verb, shown, "via", p[LinuxProperties.Via]!, "proto", "static")];
        }

        if (kind == LinuxKinds.Shaping)
        {
            var hostEnd = p[LinuxProperties.HostEnd] ?? "";
            var ifb = p[LinuxProperties.Ifb] ?? "";
            if (action == StepAction.Delete)
            {
                return [Tc(TcCommands.Clear(hostEnd), force: true), .. ifb.Length > 0 ? [Ip("link", "delete", ifb)] : Array.Empty<CommandSpec>()];
            }

            var (zone, vnic) = ZoneAndVnic(r.Name);
            return
            [
                Ip("link", "add", ifb, "type", "ifb"),
                Ip("link", "set", ifb, "alias", LinuxNaming.Alias(LinuxObservation.IfbAlias, $"{zone}/{vnic}"), "addrgenmode", "none", "up"),
                Tc(TcCommands.Set(hostEnd, ifb, Bits(p[LinuxProperties.Egress]), Bits(p[LinuxProperties.Ingress])), force: false),
            ];
        }

        // An owned stray interface.
        return [Ip("link", "delete", r.Name)];
    }

    /// <summary>The nft commands of a protection step: add its elements, remove the old ones of an update, or remove them.</summary>
    public static IReadOnlyList<string> ProtectionCommands(PlanStep step, string table)
    {
        ArgumentNullException.ThrowIfNull(step);
        var r = step.Resource;
        switch (step.Action)
        {
            case StepAction.Create:
                return [.. NftRuleset.ElementCommands("add", table, NftRuleset.Elements(r.Name, r.Properties))];
            case StepAction.Delete:
                return [.. NftRuleset.ElementCommands("delete", table, NftRuleset.Elements(r.Name, r.Properties))];
            default:
                var before = step.Changes.Aggregate(r.Properties, (bag, c) => bag.With(c.Property, c.From));
                var old = NftRuleset.Elements(r.Name, before).ToHashSet();
                var now = NftRuleset.Elements(r.Name, r.Properties).ToHashSet();
                return [.. NftRuleset.ElementCommands("delete", table, old.Except(now)), .. NftRuleset.ElementCommands("add", table, now.Except(old))];
        }
    }

    /// <summary>The alias of a veth, leg or macvlan.</summary>
    public string Alias(HostResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var (netns, inside) = LinuxNames.Split(resource.Name);
        if (resource.Kind == LinuxKinds.Leg)
        {
            return LinuxNaming.Alias(LinuxObservation.LegAlias, $"{naming.RouterOfNetns(netns) ?? netns}/{inside}");
        }

        return VnicAlias(naming.ZoneOfNetns(netns) ?? netns, inside);
    }

    /// <summary>The alias of a bridge.</summary>
    public static string BridgeAlias(string bridge) => LinuxNaming.Alias(LinuxObservation.BridgeAlias, bridge);

    /// <summary>Zone and VNIC of a <c>{zone netns}/{vnic}</c> resource name.</summary>
    public (string Zone, string Vnic) ZoneAndVnic(string name)
    {
        var (netns, vnic) = LinuxNames.Split(name);
        return (naming.ZoneOfNetns(netns) ?? netns, vnic);
    }

    /// <summary>Bits per second of a <c>maxbw</c> text.</summary>
    public static long Bits(string? rate) => SpecNames.TryParseBandwidth(rate ?? "", out var bits) ? bits : throw new FormatException($"'{rate}' is not a bandwidth");

    private CommandSpec Ip(params string[] arguments) => CommandSpec.Of(tools.Ip, arguments);

    private CommandSpec Nft(IEnumerable<string> lines) => CommandSpec.Of(tools.Nft, "-f", "-") with { StandardInput = string.Join('\n', lines) + "\n" };

    private CommandSpec Tc(IEnumerable<string> lines, bool force) =>
        (force ? CommandSpec.Of(tools.Tc, "-force", "-batch", "-") : CommandSpec.Of(tools.Tc, "-batch", "-")) with { StandardInput = string.Join('\n', lines) + "\n" };
}
