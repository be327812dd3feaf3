using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>
/// A network namespace: a zone (<c>nv-z-web1</c>) or a tenant router (<c>nv-r-acme</c>). Set up from inside once
/// created: IPv6 duplicate address detection off (addresses are usable at once), loopback up, and last the mark on the
/// loopback's alias (<c>netvirt netns NAME deployment ID</c>), which says both that setting up finished and which
/// deployment made it. A name in <c>/run/netns</c> that is not a mounted network namespace (a crash between creating
/// the file and mounting on it) observes as <c>mount none</c>, which cannot change in place: the plan replaces it.
/// </summary>
internal sealed class NetnsKind : LinuxKind
{
    /// <summary>The kind.</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create("netns", 10, [LinuxProperties.Ready, LinuxProperties.Deployment]);

    /// <summary>The one instance.</summary>
    public static readonly NetnsKind Instance = new();

    /// <summary>Alias kind written on a namespace's loopback.</summary>
    public const string AliasKind = "netns";

    private const string Yes = "yes";

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>A namespace as the model wants it.</summary>
    public static HostResource Desired(string name, string? zone, LinuxContext context) => new()
    {
        Kind = Definition,
        Name = name,
        Zone = zone,
        Properties = PropertyBag.Of([(LinuxProperties.Mount, NetnsEntry.Nsfs), (LinuxProperties.Ready, Yes), .. context.DeploymentProperty]),
    };

    /// <summary>A name in <c>/run/netns</c> as found; <paramref name="loopback"/> is the namespace's <c>lo</c> (null when it could not be read).</summary>
    public static HostResource Observed(NetnsEntry entry, string? zone, LinkObserved? loopback, LinuxContext context)
    {
        var mark = LinuxNaming.ParseAlias(loopback?.Alias) is { Kind: AliasKind } alias && alias.Identity == entry.Name ? alias : null;
        var resource = new HostResource
        {
            Kind = Definition,
            Name = entry.Name,
            Zone = zone,
            Properties = PropertyBag.Of(
                (LinuxProperties.Mount, entry.Mount),
                (LinuxProperties.Ready, mark is not null && loopback!.IsUp ? Yes : "no"),
                (LinuxProperties.Deployment, LinuxContext.Recorded(mark))),
        };
        return context.Owner(resource, mark?.Deployment);
    }

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context)
    {
        var name = step.Resource.Name;
        IReadOnlyList<CommandSpec> setUp =
        [
            context.Ip(["netns", "exec", name, "sysctl", "-qw", .. Sysctls.Select(s => $"{s.Key.Replace('/', '.')}={s.Value}")]),
            context.Ip("-n", name, "link", "set", "lo", "alias", context.Naming.Alias(AliasKind, name), "up"),
        ];
        return step.Action switch
        {
            StepAction.Create => [context.Ip("netns", "add", name), .. setUp],
            StepAction.Update => setUp,
            _ => [context.Ip("netns", "delete", name)],
        };
    }

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context)
    {
        switch (step.Step.Action)
        {
            case StepAction.Create:
                work.NamespaceCreates.Add(step);
                break;
            case StepAction.Delete:
                work.NamespaceDeletes.Add(step);
                break;
            default:
                // Set up again (idempotent) and mark: an interrupted creation, or a namespace made before deployment ids.
                var name = step.Step.Resource.Name;
                work.AddInside(step, name, k => SetUp(k, step, context));
                break;
        }
    }

    /// <summary>
    /// What setting up writes, before any interface exists in the namespace (interfaces take the <c>default</c>
    /// values when they are made). No duplicate address detection: addresses are usable at once. No router
    /// solicitations: nothing here sends router advertisements (addresses and routes are static), and each
    /// solicitation is a multicast that the bridge floods to every port of the VLAN, over and over (the kernel's
    /// default is to keep soliciting forever with a growing interval), so N zones would cost N × N/VLANs frames that
    /// every zone has to drop: the host's background load would grow with the square of the zones.
    /// </summary>
    public static readonly IReadOnlyList<(string Key, string Value)> Sysctls =
    [
        ("net/ipv6/conf/default/accept_dad", "0"),
        ("net/ipv6/conf/all/accept_dad", "0"),
        ("net/ipv6/conf/default/router_solicitations", "0"),
    ];

    /// <summary>
    /// Sets up the namespace the calling thread is in: <see cref="Sysctls"/> (DAD runs when either <c>all</c> or the
    /// interface's value asks for it; interfaces take <c>default</c>, and a new namespace may inherit the host's values,
    /// <c>devconf_inherit_init_net</c>), then loopback up with the mark, last. Throws <see cref="IOException"/> naming
    /// what failed.
    /// </summary>
    public static void SetUp(INamespaceKernel inside, StepWork step, LinuxContext context)
    {
        foreach (var (key, value) in Sysctls)
        {
            SetSysctl(inside, step, key, value);
        }

        var request = new SetLinkRequest("lo") { Alias = context.Naming.Alias(AliasKind, inside.Name), Up = true };
        var result = inside.Execute([request])[0];
        step.Record(request, result);
        if (!result.Succeeded)
        {
            throw new IOException($"setting lo up in network namespace '{inside.Name}' failed: {result}");
        }
    }

    private static void SetSysctl(INamespaceKernel inside, StepWork step, string key, string value)
    {
        try
        {
            inside.WriteSysctl(key, value);
            step.Record(["sysctl", "-w", $"{key.Replace('/', '.')}={value}"], null);
        }
        catch (IOException ex)
        {
            step.Record(["sysctl", "-w", $"{key.Replace('/', '.')}={value}"], ex.Message);
            throw;
        }
    }
}
