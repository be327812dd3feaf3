using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Nftables;

namespace NetVirt.Backends.Linux.Kernel;

/// <summary>nftables as the backend uses it: one atomic transaction at a time, and one table read back.</summary>
internal interface INftables
{
    /// <summary>Runs <paramref name="lines"/> as one transaction (<c>nft -f -</c>): all of it applies, or none.</summary>
    Task<CommandResult> RunAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken);

    /// <summary>The bridge-family table <paramref name="table"/>, or null when there is none.</summary>
    Task<NftTableObserved?> ListAsync(string table, CancellationToken cancellationToken);
}

/// <summary>tc as the backend uses it: batches of lines, and the qdiscs and ingress filters read back.</summary>
internal interface ITrafficControl
{
    /// <summary>Runs <paramref name="lines"/> (<c>tc -batch -</c>; with <paramref name="force"/>, on past failing lines).</summary>
    Task<CommandResult> RunAsync(IReadOnlyList<string> lines, bool force, CancellationToken cancellationToken);

    /// <summary>Every qdisc of the host namespace and the ingress filters of <paramref name="devices"/>.</summary>
    Task<Tc.TcObserved> ObserveAsync(IReadOnlyList<string> devices, CancellationToken cancellationToken);
}
