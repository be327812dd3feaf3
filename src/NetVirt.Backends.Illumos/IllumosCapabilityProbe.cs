using NetVirt.Backends.Commands;
using NetVirt.Backends.Illumos.Commands;
using NetVirt.Backends.Illumos.Parsing;
using NetVirt.Model.Errors;

namespace NetVirt.Backends.Illumos;

/// <summary>Finds out, through the command runner, whether the host is SmartOS or upstream illumos.</summary>
public static class IllumosCapabilityProbe
{
    /// <summary>
    /// Runs <c>dladm help</c> and reads its usage text (printed on stdout or stderr depending on the build, with any
    /// exit status): SmartOS lists <c>[-z zonename]</c> for <c>show-vnic</c>, upstream illumos does not.
    /// </summary>
    /// <exception cref="BackendUnavailableException">dladm is missing or lists no <c>show-vnic</c>: not an illumos host.</exception>
    public static async Task<IllumosVariant> ProbeAsync(ICommandRunner runner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var result = await runner.RunAsync(IllumosCommands.Help(), cancellationToken).ConfigureAwait(false);
        return DladmParser.ParseHelp(result.Stdout + "\n" + result.Stderr)
            ?? throw new BackendUnavailableException(
                $"'{IllumosTools.Dladm} help' lists no show-vnic subcommand (exit {result.ExitCode}); this does not look like an illumos or SmartOS host");
    }
}
