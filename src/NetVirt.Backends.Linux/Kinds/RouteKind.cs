using System.Net;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>A <c>proto static</c> route in a namespace's main table, named <c>{netns}/{destination}</c>; its gateway changes in place.</summary>
internal sealed class RouteKind : LinuxKind
{
    /// <summary>The kind.</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create("route", 40, [LinuxProperties.Via], deletedWithParent: true);

    /// <summary>The one instance.</summary>
    public static readonly RouteKind Instance = new();

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>A route to <paramref name="destination"/> via <paramref name="gateway"/>.</summary>
    public static HostResource Of(string netns, IPNetwork destination, IPAddress gateway, string? zone, IEnumerable<ResourceId> dependsOn) => new()
    {
        Kind = Definition,
        Name = LinuxNames.Route(netns, destination.ToString()),
        Zone = zone,
        Properties = PropertyBag.Of((LinuxProperties.Via, gateway.ToString())),
        DependsOn = [.. dependsOn],
    };

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context)
    {
        var (netns, destination) = LinuxNames.Split(step.Resource.Name);
        var shown = IPNetwork.Parse(destination).PrefixLength == 0 ? "default" : destination;
        var family = destination.Contains(':', StringComparison.Ordinal) ? "-6" : "-4";
        var verb = step.Action switch { StepAction.Create => "add", StepAction.Update => "replace", _ => "del" };
        return [context.Ip("-n", netns, family, "route", verb, shown, "via", step.Resource.Properties[LinuxProperties.Via]!, "proto", "static")];
    }

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context)
    {
        var (netns, destination) = LinuxNames.Split(step.Step.Resource.Name);
        var (verb, role) = step.Step.Action switch
        {
            StepAction.Create => (RouteVerb.Add, Role.Create),
            StepAction.Update => (RouteVerb.Replace, Role.Modify),
            _ => (RouteVerb.Delete, Role.Delete),
        };
        work.AddInside(step, netns, new RouteRequest(verb, IPNetwork.Parse(destination), IPAddress.Parse(step.Step.Resource.Properties[LinuxProperties.Via]!)), role);
    }
}
