using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Kinds;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Observation;

/// <summary>
/// Reads the host: the host namespace's links, every namespace of the prefix (links, addresses, routes; in parallel
/// on dedicated threads), the interfaces of other NetVirt deployments' zone namespaces (their MACs), tc's qdiscs and
/// filters, and the nftables table; the last three run at the same time. Never screen-scrapes text.
/// </summary>
internal sealed class LinuxObserver(LinuxContext context, ILinuxKernel kernel, INftables nft, ITrafficControl tc, int threads)
{
    public async Task<HostState> ObserveAsync(CancellationToken cancellationToken)
    {
        var naming = context.Naming;
        IReadOnlyList<NetnsEntry> entries;
        using (Phases.Start("observe /run/netns"))
        {
            entries = kernel.Namespaces();
        }

        // What needs nothing of the host's links starts first, so that reading them (linear, but a few syscalls per
        // link) runs beside it: the table, and the namespaces named in /run/netns. On a pool thread of its own, since
        // listing the table through libnftables is synchronous (it took 75 ms of a 1,000-zone no-op before the rest).
        var nftTask = Task.Run(() => Timed("observe nft", () => nft.ListAsync(context.Table, cancellationToken)), cancellationToken);
        var named = entries.Where(e => naming.IsOwned(e.Name)).ToList();
        var others = entries.Where(e => e.IsNamespace && !naming.IsOwned(e.Name) && LinuxObservation.IsOtherPrefixZone(e.Name)).Select(e => e.Name).ToList();
        var namespacesTask = Task.Run(() =>
        {
            using var phase = Phases.Start("observe namespaces");
            return ReadNamespaces([.. named.Where(e => e.IsNamespace).Select(e => e.Name)], others);
        }, cancellationToken);
        IReadOnlyList<LinkObserved> hostLinks;
        using (Phases.Start("observe host links"))
        {
            hostLinks = kernel.HostLinks();
        }

        // Containers' namespaces are their runtimes' (not named in /run/netns by NetVirt): found through the host ends
        // of their VNICs, whose alias carries the namespace reference, and read like a zone's.
        var containers = ContainerNamespaces(hostLinks).ToList();
        var containersTask = containers.Count == 0
            ? Task.FromResult<(List<NamespaceObserved> Mine, List<NamespaceObserved> Theirs)>(([], []))
            : Task.Run(() => ReadNamespaces([.. containers.Select(e => e.Name)], []), cancellationToken);
        // Every qdisc; ingress filters only of the owned veth host ends that have an ingress qdisc (shaped VNICs).
        var tcTask = Timed("observe tc", () => tc.ObserveAsync([.. hostLinks.Where(l => naming.IsOwned(l.Name) && l.Kind == "veth").Select(l => l.Name)], cancellationToken));
        // The host namespace's addresses (one dump, no link attributes): NetVirt's bridges must have none.
        IReadOnlyList<AddressObserved> hostAddresses;
        using (Phases.Start("observe host addresses"))
        {
            hostAddresses = kernel.HostAddresses();
        }

        // Forwarding and neighbour entries only where the prefix has VXLAN devices or an overlay is wanted: a host on its own pays nothing.
        var overlay = context.Overlay is not null || hostLinks.Any(l => l.Kind == "vxlan" && naming.IsOwned(l.Name))
            ? new OverlayObserved(kernel.HostNeighbours(), hostAddresses)
            : null;
        await Task.WhenAll(namespacesTask, containersTask, tcTask, nftTask).ConfigureAwait(false);
        var (mine, theirs) = await namespacesTask.ConfigureAwait(false);
        var (containersRead, _) = await containersTask.ConfigureAwait(false);
        using var build = Phases.Start("observe build");
        return LinuxObservation.Build(
            context, hostLinks, [.. named, .. containers], [.. mine, .. containersRead], theirs, await tcTask.ConfigureAwait(false), await nftTask.ConfigureAwait(false), overlay, hostAddresses);
    }

    private static async Task<T> Timed<T>(string phase, Func<Task<T>> work)
    {
        using var span = Phases.Start(phase);
        return await work().ConfigureAwait(false);
    }

    /// <summary>The namespaces of containers whose VNICs' host ends (this prefix's, this deployment's) are on the host.</summary>
    internal IEnumerable<NetnsEntry> ContainerNamespaces(IReadOnlyList<LinkObserved> hostLinks) => hostLinks
        .Where(l => context.Naming.IsOwned(l.Name))
        .Select(l => LinuxNaming.ParseAlias(l.Alias))
        .Where(a => a is not null && a.Kind == VethKind.Vnic.AliasKind && context.Naming.IsOurs(a.Deployment) && a.Identity.Contains('/', StringComparison.Ordinal))
        .Select(a => LinuxNames.Split(a!.Identity).Netns)
        .Where(LinuxNaming.IsContainerNetns)
        .Distinct(StringComparer.Ordinal)
        .Select(n => new NetnsEntry(n, NetnsEntry.Nsfs));

    private (List<NamespaceObserved> Mine, List<NamespaceObserved> Theirs) ReadNamespaces(List<string> mine, List<string> others)
    {
        var all = mine.Concat(others).ToList();
        var results = kernel.InEach(all, threads, inside => NamespaceObserved.Read(
            inside,
            context.Naming.RouterOfNetns(inside.Name) is not null,
            links => !LinuxNaming.IsContainerNetns(inside.Name)
                && (!context.Naming.IsOwned(inside.Name) || !context.Naming.IsOurs(LinuxObservation.MarkOf(inside.Name, links)?.Deployment))));
        var read = results.Select((r, i) => r.Result ?? new NamespaceObserved(all[i]) { Error = r.Error?.Message ?? "unreadable" }).ToList();
        return (read[..mine.Count], [.. read[mine.Count..].Where(n => n.Error is null)]);
    }
}
