using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Model.Errors;

namespace NetVirt.Backends.Linux.Kernel;

/// <summary>
/// tc: changes through the <c>tc</c> tool (<c>tc -batch -</c>); qdiscs read by one rtnetlink dump in this process, and
/// ingress filters by <c>tc -j -batch -</c> (read by <see cref="Tc.TcJson"/>) only on devices that have an ingress
/// qdisc. <c>tc</c> names devices by dumping every link first, which costs the kernel N × N with N veth host ends
/// (<see cref="HostLinkReader"/>), and starting it costs a process: a host without shaping pays neither.
/// </summary>
internal sealed class ProcessTrafficControl(ICommandRunner runner, string tc) : ITrafficControl
{
    /// <inheritdoc />
    public Task<CommandResult> RunAsync(IReadOnlyList<string> lines, bool force, CancellationToken cancellationToken) =>
        runner.RunAsync((force ? CommandSpec.Of(tc, "-force", "-batch", "-") : CommandSpec.Of(tc, "-batch", "-")) with { StandardInput = string.Join('\n', lines) + "\n" }, cancellationToken);

    /// <inheritdoc />
    public async Task<Tc.TcObserved> ObserveAsync(IReadOnlyList<string> devices, CancellationToken cancellationToken)
    {
        List<QdiscObserved> qdiscs;
        using (var socket = NetlinkSocket.Open())
        {
            qdiscs = Dumps.Qdiscs(socket);
        }

        var names = new Dictionary<int, string?>();
        string? NameOf(int index)
        {
            if (!names.TryGetValue(index, out var name))
            {
                names[index] = name = Interop.IfIndexToName(index);
            }

            return name;
        }

        var rates = new Dictionary<string, long>(StringComparer.Ordinal);
        var ingress = new HashSet<string>(StringComparer.Ordinal);
        foreach (var qdisc in qdiscs)
        {
            if (qdisc.Kind == "tbf" && qdisc.IsRoot && NameOf(qdisc.Index) is { } shaped)
            {
                rates[shaped] = qdisc.Rate;
            }
            else if (qdisc.Kind == "ingress" && NameOf(qdisc.Index) is { } name)
            {
                ingress.Add(name);
            }
        }

        var filtered = devices.Where(ingress.Contains).ToList();
        if (filtered.Count == 0)
        {
            return new Tc.TcObserved(rates, ingress, new Dictionary<string, string>());
        }

        var command = CommandSpec.Of(tc, "-j", "-batch", "-") with { StandardInput = string.Join('\n', filtered.Select(d => $"filter show dev {d} ingress")) + "\n" };
        var result = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        return result.Succeeded
            ? new Tc.TcObserved(rates, ingress, Tc.TcJson.Redirects(result.Stdout, filtered))
            : throw new CommandFailedException("reading tc ingress filters", command.Argv, result.ExitCode, result.Stdout, result.Stderr);
    }
}
