using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>IP forwarding in a router namespace (never on the host): two sysctls written from inside it.</summary>
internal sealed class ForwardingKind : LinuxKind
{
    /// <summary>The kind.</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create("forwarding", 20, [LinuxProperties.Ipv4, LinuxProperties.Ipv6], deletedWithParent: true);

    /// <summary>The one instance.</summary>
    public static readonly ForwardingKind Instance = new();

    /// <summary>The sysctls, as <see cref="Kernel.INamespaceKernel.ReadSysctl"/> takes them.</summary>
    public static readonly (string Property, string Key)[] Sysctls = [(LinuxProperties.Ipv4, "net/ipv4/ip_forward"), (LinuxProperties.Ipv6, "net/ipv6/conf/all/forwarding")];

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>Forwarding on, as a router namespace wants it.</summary>
    public static HostResource Desired(string netns, ResourceId netnsId) => new()
    {
        Kind = Definition,
        Name = netns,
        Properties = PropertyBag.Of((LinuxProperties.Ipv4, "1"), (LinuxProperties.Ipv6, "1")),
        DependsOn = [netnsId],
    };

    /// <summary>Forwarding as read inside a router namespace.</summary>
    public static HostResource Observed(string netns, (string Ipv4, string Ipv6) values, ResourceId netnsId) => new()
    {
        Kind = Definition,
        Name = netns,
        Properties = PropertyBag.Of((LinuxProperties.Ipv4, values.Ipv4), (LinuxProperties.Ipv6, values.Ipv6)),
        DependsOn = [netnsId],
    };

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context)
    {
        var on = step.Action == StepAction.Delete ? "0" : "1";
        return [context.Ip("netns", "exec", step.Resource.Name, "sysctl", "-qw", $"net.ipv4.ip_forward={on}", $"net.ipv6.conf.all.forwarding={on}")];
    }

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context)
    {
        var on = step.Step.Action == StepAction.Delete ? "0" : "1";
        work.AddInside(step, step.Step.Resource.Name, inside =>
        {
            foreach (var (_, key) in Sysctls)
            {
                var operation = new[] { "sysctl", "-w", $"{key.Replace('/', '.')}={on}" };
                try
                {
                    inside.WriteSysctl(key, on);
                    step.Record(operation, null);
                }
                catch (IOException ex)
                {
                    step.Record(operation, ex.Message);
                    throw;
                }
            }
        });
    }
}
