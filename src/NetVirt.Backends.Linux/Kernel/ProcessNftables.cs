using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Model.Errors;

namespace NetVirt.Backends.Linux.Kernel;

/// <summary>nftables through the <c>nft</c> tool: <c>nft -f -</c> for a transaction, <c>nft -j list table</c> read by <see cref="NftJson"/>.</summary>
internal sealed class ProcessNftables(ICommandRunner runner, string nft) : INftables
{
    /// <inheritdoc />
    public Task<CommandResult> RunAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken) =>
        runner.RunAsync(CommandSpec.Of(nft, "-f", "-") with { StandardInput = string.Join('\n', lines) + "\n" }, cancellationToken);

    /// <inheritdoc />
    public async Task<NftTableObserved?> ListAsync(string table, CancellationToken cancellationToken)
    {
        var command = CommandSpec.Of(nft, "-j", "list", "table", "bridge", table);
        var result = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return NftJson.Parse(result.Stdout);
        }

        return result.Stderr.Contains("No such file or directory", StringComparison.Ordinal)
            ? null
            : throw new CommandFailedException($"reading nftables table bridge {table}", command.Argv, result.ExitCode, result.Stdout, result.Stderr);
    }
}

/// <summary>tc through the <c>tc</c> tool: <c>tc -batch -</c>, and <c>tc -j -batch -</c> read by <see cref="Tc.TcJson"/>.</summary>
internal sealed class ProcessTrafficControl(ICommandRunner runner, string tc) : ITrafficControl
{
    /// <inheritdoc />
    public Task<CommandResult> RunAsync(IReadOnlyList<string> lines, bool force, CancellationToken cancellationToken) =>
        runner.RunAsync((force ? CommandSpec.Of(tc, "-force", "-batch", "-") : CommandSpec.Of(tc, "-batch", "-")) with { StandardInput = string.Join('\n', lines) + "\n" }, cancellationToken);

    /// <inheritdoc />
    public async Task<Tc.TcObserved> ObserveAsync(IReadOnlyList<string> devices, CancellationToken cancellationToken)
    {
        var lines = new List<string> { "qdisc show" };
        lines.AddRange(devices.Select(d => $"filter show dev {d} ingress"));
        var command = CommandSpec.Of(tc, "-j", "-batch", "-") with { StandardInput = string.Join('\n', lines) + "\n" };
        var result = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        return result.Succeeded
            ? Tc.TcJson.Parse(result.Stdout, devices)
            : throw new CommandFailedException("reading tc qdiscs and filters", command.Argv, result.ExitCode, result.Stdout, result.Stderr);
    }
}
