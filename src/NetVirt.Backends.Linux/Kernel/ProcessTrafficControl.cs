using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Model.Errors;

namespace NetVirt.Backends.Linux.Kernel;

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
