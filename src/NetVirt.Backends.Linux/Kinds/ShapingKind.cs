using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Backends.Linux.Tc;
using NetVirt.Model.Spec;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>
/// A VNIC's <c>maxbw</c> (<see cref="TcCommands"/>): tbf on the host end (towards the zone) and, for traffic from the
/// zone, an ingress redirect to the VNIC's ifb device <c>nv-i…</c> (marked like the VNIC) with its own tbf. Rates
/// change in place: every tc line is a <c>replace</c>.
/// </summary>
internal sealed class ShapingKind : LinuxKind
{
    /// <summary>The kind.</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create("shaping", 30, [LinuxProperties.Egress, LinuxProperties.Ingress, LinuxProperties.Deployment]);

    /// <summary>The one instance.</summary>
    public static readonly ShapingKind Instance = new();

    /// <summary>Alias kind of a shaping ifb; identity <c>{zone}/{vnic}</c>.</summary>
    public const string AliasKind = "ifb";

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>Shaping as the model wants it: the same rate both ways.</summary>
    public static HostResource Desired(string name, string zone, string hostEnd, string ifb, long bits, ResourceId veth, LinuxContext context)
    {
        var rate = SpecNames.FormatBandwidth(bits);
        return new HostResource
        {
            Kind = Definition,
            Name = name,
            Zone = zone,
            Properties = PropertyBag.Of([
                (LinuxProperties.HostEnd, hostEnd), (LinuxProperties.Ifb, ifb), (LinuxProperties.Egress, rate), (LinuxProperties.Ingress, rate), .. context.DeploymentProperty]),
            DependsOn = [veth],
        };
    }

    /// <summary>
    /// Shaping as found for a VNIC: <paramref name="hostEnd"/> "" when gone, <paramref name="ifb"/> "" when it has none,
    /// rates "" when not set; <paramref name="mark"/> is the ifb's.
    /// </summary>
    public static HostResource Observed(string name, string zone, string hostEnd, string ifb, string egress, string ingress, OwnerAlias? mark, ResourceId? veth, LinuxContext context) =>
        context.Owner(new HostResource
        {
            Kind = Definition,
            Name = name,
            Zone = zone,
            Properties = PropertyBag.Of(
                (LinuxProperties.HostEnd, hostEnd), (LinuxProperties.Ifb, ifb), (LinuxProperties.Egress, egress), (LinuxProperties.Ingress, ingress),
                (LinuxProperties.Deployment, LinuxContext.Recorded(mark))),
            DependsOn = veth is { } v ? [v] : [],
        }, mark?.Deployment);

    /// <summary>A tbf rate in bytes per second as <c>maxbw</c> text.</summary>
    public static string Rate(long bytesPerSecond) => SpecNames.FormatBandwidth(bytesPerSecond * 8);

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context)
    {
        var p = step.Resource.Properties;
        var hostEnd = p[LinuxProperties.HostEnd] ?? "";
        var ifb = p[LinuxProperties.Ifb] ?? "";
        if (step.Action == StepAction.Delete)
        {
            return [context.Tc(TcCommands.Clear(hostEnd), force: true), .. ifb.Length > 0 ? [context.Ip("link", "delete", ifb)] : Array.Empty<CommandSpec>()];
        }

        return
        [
            context.Ip("link", "add", ifb, "type", "ifb"),
            .. context.IpUpWithoutLinkLocal(ifb, "alias", Alias(step.Resource, context), "up"),
            context.Tc(Lines(p), force: false),
        ];
    }

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context)
    {
        var p = step.Step.Resource.Properties;
        var hostEnd = p[LinuxProperties.HostEnd] ?? "";
        var ifb = p[LinuxProperties.Ifb] ?? "";
        if (step.Step.Action == StepAction.Delete)
        {
            if (hostEnd.Length > 0)
            {
                // A host end that is gone took its qdiscs with it.
                work.Tc.Add(new TcWork(step, TcCommands.Clear(hostEnd), BestEffort: true));
            }

            if (ifb.Length > 0)
            {
                work.AddHost(step, new DeleteLinkRequest(ifb), Role.Delete);
            }

            return;
        }

        work.AddHost(step, new CreateLinkRequest(ifb, "ifb"), Role.Ensure);
        work.AddHost(step, new SetLinkRequest(ifb) { Alias = Alias(step.Step.Resource, context), NoIpv6LinkLocal = true, Up = true }, Role.Modify);
        work.Tc.Add(new TcWork(step, Lines(p), BestEffort: false));
    }

    private static IReadOnlyList<string> Lines(PropertyBag p) =>
        TcCommands.Set(p[LinuxProperties.HostEnd]!, p[LinuxProperties.Ifb]!, Bits(p[LinuxProperties.Egress]), Bits(p[LinuxProperties.Ingress]));

    private static string Alias(HostResource resource, LinuxContext context)
    {
        var (netns, vnic) = LinuxNames.Split(resource.Name);
        return context.Naming.Alias(AliasKind, $"{context.Naming.ZoneOfNetns(netns) ?? netns}/{vnic}");
    }

    /// <summary>Bits per second of a <c>maxbw</c> text.</summary>
    public static long Bits(string? rate) => SpecNames.TryParseBandwidth(rate ?? "", out var bits) ? bits : throw new FormatException($"'{rate}' is not a bandwidth");
}
