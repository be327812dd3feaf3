using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Backends.Linux.Tc;
using NetVirt.Model.Errors;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Observation;

/// <summary>
/// Reads the host: the host namespace's links by netlink, every owned namespace's links, addresses and routes by
/// netlink from dedicated threads (in parallel), tc's qdiscs and filters with one <c>tc -j -batch</c>, and the
/// nftables table with one <c>nft -j list table</c>; the three run at the same time. Never screen-scrapes text.
/// </summary>
internal sealed class LinuxObserver(LinuxNaming naming, ICommandRunner runner, LinuxTools tools, int threads)
{
    public async Task<HostState> ObserveAsync(CancellationToken cancellationToken)
    {
        var hostLinks = HostLinks();
        var owned = NetnsMounts.List().Where(naming.IsOwned).ToList();
        var namespacesTask = Task.Run(() => ReadNamespaces(owned), cancellationToken);
        var tcTask = ObserveTcAsync(hostLinks, cancellationToken);
        var nftTask = ObserveNftAsync(cancellationToken);
        await Task.WhenAll(namespacesTask, tcTask, nftTask).ConfigureAwait(false);
        return LinuxObservation.Build(naming, hostLinks, await namespacesTask.ConfigureAwait(false), await tcTask.ConfigureAwait(false), await nftTask.ConfigureAwait(false));
    }

    /// <summary>The host namespace's links (the calling thread is never moved into another namespace).</summary>
    public static List<LinkObserved> HostLinks()
    {
        using var socket = NetlinkSocket.Open();
        return DumpLinks(socket);
    }

    /// <summary>Every link the socket's namespace has.</summary>
    public static List<LinkObserved> DumpLinks(NetlinkSocket socket)
    {
        var links = new List<LinkObserved>();
        socket.Dump(Rtnl.RTM_GETLINK, b => { b.IfInfo(); b.U32(Rtnl.IFLA_EXT_MASK, Rtnl.RTEXT_FILTER_SKIP_STATS); }, (_, p) =>
        {
            if (RtnlDecoder.Link(p) is { } link)
            {
                links.Add(link);
            }
        });
        return links;
    }

    private List<NamespaceObserved> ReadNamespaces(List<string> owned)
    {
        var results = NetnsThread.RunInEachParallel(owned, threads, ns => NamespaceObserved.Read(ns, naming.RouterOfNetns(ns) is not null));
        return [.. results.Select((r, i) => r.Result ?? new NamespaceObserved(owned[i]) { Error = r.Error?.Message ?? "unreadable" })];
    }

    private async Task<TcObserved> ObserveTcAsync(List<LinkObserved> hostLinks, CancellationToken cancellationToken)
    {
        // Filters are listed only where an owned veth has an ingress qdisc candidate: every owned veth host end.
        var devices = hostLinks.Where(l => naming.IsOwned(l.Name) && l.Kind == "veth").Select(l => l.Name).ToList();
        var lines = new List<string> { "qdisc show" };
        lines.AddRange(devices.Select(d => $"filter show dev {d} ingress"));
        var command = CommandSpec.Of(tools.Tc, "-j", "-batch", "-") with { StandardInput = string.Join('\n', lines) + "\n" };
        var result = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new CommandFailedException("reading tc qdiscs and filters", command.Argv, result.ExitCode, result.Stdout, result.Stderr);
        }

        return TcJson.Parse(result.Stdout, devices);
    }

    private async Task<NftTableObserved?> ObserveNftAsync(CancellationToken cancellationToken)
    {
        var command = CommandSpec.Of(tools.Nft, "-j", "list", "table", "bridge", naming.NftTable);
        var result = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            if (result.Stderr.Contains("No such file or directory", StringComparison.Ordinal))
            {
                return null;
            }

            throw new CommandFailedException($"reading nftables table bridge {naming.NftTable}", command.Argv, result.ExitCode, result.Stdout, result.Stderr);
        }

        return NftJson.Parse(result.Stdout);
    }
}
