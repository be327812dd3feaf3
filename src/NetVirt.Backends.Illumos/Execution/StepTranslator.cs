using NetVirt.Backends.Illumos.Commands;
using NetVirt.Backends.Illumos.Rendering;
using NetVirt.Backends.Illumos.Resources;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Illumos.Execution;

/// <summary>Plan step → the commands that carry it out on the host. Pure; shared by Describe, Execute and scripts.</summary>
internal sealed class StepTranslator(IllumosNaming naming)
{
    public IReadOnlyList<IllumosCommand> Translate(PlanStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var r = step.Resource;
        return r.Kind.Name switch
        {
            "etherstub" => Etherstub(step, r),
            "marker" => step.Action == StepAction.Delete
                ? [new(IllumosCommands.DeleteEtherstub(r.Name), Tolerance.Missing)]
                : [new(IllumosCommands.CreateEtherstub(r.Name), Tolerance.Exists)],
            "vnic" => Vnic(step, r),
            "ip-if" => IpInterface(step, r),
            "addrobj" => AddrObj(step, r),
            "route" => Route(step, r),
            _ => throw new InvalidOperationException($"{r} is not an object NetVirt creates or changes; a plan step for it is a planner bug"),
        };
    }

    /// <summary>The <c>-z</c> operand for a link in <paramref name="zone"/>: SmartOS only, and not for the global zone.</summary>
    public string? ZoneOption(string zone) => naming.Variant == IllumosVariant.SmartOs ? ResourceNames.NonGlobal(zone) : null;

    private static IReadOnlyList<IllumosCommand> Etherstub(PlanStep step, HostResource r) => step.Action switch
    {
        StepAction.Create => r.Properties[IllumosProperties.Mtu] is { Length: > 0 } mtu && mtu != IllumosValues.Integer(EtherstubSpec.DefaultMtu)
            ? [new(IllumosCommands.CreateEtherstub(r.Name), Tolerance.Exists), new(IllumosCommands.SetLinkProp(r.Name, null, [(IllumosProperties.Mtu, mtu)]))]
            : [new(IllumosCommands.CreateEtherstub(r.Name), Tolerance.Exists)],
        StepAction.Update => LinkPropertyChanges(r.Name, null, step.Changes),
        _ => [new(IllumosCommands.DeleteEtherstub(r.Name), Tolerance.Missing)],
    };

    private IReadOnlyList<IllumosCommand> Vnic(PlanStep step, HostResource r)
    {
        var (zone, link) = ResourceNames.SplitLink(r.Name);
        switch (step.Action)
        {
            case StepAction.Create:
                List<(string, string)> properties = [.. IllumosRenderer.CreateProperties(r)];
                if (ResourceNames.NonGlobal(zone) is { } z)
                {
                    // -p zone= hands the VNIC to the zone now and marks it transient (gone when the zone halts); dladm
                    // takes it only with -t, which every NetVirt object has.
                    properties.Add(("zone", z));
                }

                MacAddress? mac = r.Properties[IllumosProperties.Mac] is { Length: > 0 } m ? MacAddress.Parse(m) : null;
                var vlan = int.Parse(r.Properties[IllumosProperties.Vlan] ?? "0", System.Globalization.CultureInfo.InvariantCulture);
                return [new(IllumosCommands.CreateVnic(link, r.Properties[IllumosProperties.Over]!, mac, vlan, properties), Tolerance.Exists)];
            case StepAction.Update:
                return LinkPropertyChanges(link, ZoneOption(zone), step.Changes);
            default:
                return [new(IllumosCommands.DeleteVnic(link, ZoneOption(zone)), Tolerance.Missing)];
        }
    }

    /// <summary>set-linkprop for the values that change to something, reset-linkprop for those that change to nothing.</summary>
    public static IReadOnlyList<IllumosCommand> LinkPropertyChanges(string link, string? zoneOption, IEnumerable<PropertyChange> changes)
    {
        var list = changes.ToList();
        var set = list.Where(c => !string.IsNullOrEmpty(c.To)).Select(c => (c.Property, c.To!)).ToList();
        var reset = list.Where(c => string.IsNullOrEmpty(c.To)).Select(c => c.Property).ToList();
        var commands = new List<IllumosCommand>();
        if (set.Count > 0)
        {
            commands.Add(new(IllumosCommands.SetLinkProp(link, zoneOption, set)));
        }

        if (reset.Count > 0)
        {
            commands.Add(new(IllumosCommands.ResetLinkProp(link, zoneOption, reset)));
        }

        return commands;
    }

    private static IReadOnlyList<IllumosCommand> IpInterface(PlanStep step, HostResource r)
    {
        var (zone, name) = ResourceNames.SplitLink(r.Name);
        return step.Action == StepAction.Create
            ? [new(IllumosCommands.CreateIf(ResourceNames.NonGlobal(zone), name), Tolerance.Exists)]
            : [new(IllumosCommands.DeleteIf(ResourceNames.NonGlobal(zone), name), Tolerance.Missing)];
    }

    private static IReadOnlyList<IllumosCommand> AddrObj(PlanStep step, HostResource r)
    {
        var (zone, ipInterface, tag) = ResourceNames.SplitAddrObj(r.Name);
        var z = ResourceNames.NonGlobal(zone);
        var addrObj = $"{ipInterface}/{tag}";
        if (step.Action != StepAction.Create)
        {
            return [new(IllumosCommands.DeleteAddr(z, addrObj), Tolerance.Missing)];
        }

        var spec = r.Properties[IllumosProperties.Type] switch
        {
            "static" => IllumosCommands.CreateStaticAddr(z, addrObj, InterfaceAddress.Parse(r.Properties[IllumosProperties.Address]!)),
            "dhcp" => IllumosCommands.CreateDhcpAddr(z, addrObj),
            "addrconf" => IllumosCommands.CreateAddrconfAddr(z, addrObj, linkLocalOnly: tag == IllumosRenderer.LinkLocalTag),
            var other => throw new InvalidOperationException($"{r} has address type '{other}', which NetVirt does not create"),
        };
        return [new(spec, Tolerance.Exists)];
    }

    private static IReadOnlyList<IllumosCommand> Route(PlanStep step, HostResource r)
    {
        var (zone, destination) = ResourceNames.SplitRoute(r.Name);
        var gateway = System.Net.IPAddress.Parse(r.Properties[IllumosProperties.Gateway]!);
        return step.Action == StepAction.Create
            ? [new(IllumosCommands.AddRoute(ResourceNames.NonGlobal(zone), destination, gateway), Tolerance.Exists)]
            : [new(IllumosCommands.DeleteRoute(ResourceNames.NonGlobal(zone), destination, gateway), Tolerance.Missing)];
    }
}
