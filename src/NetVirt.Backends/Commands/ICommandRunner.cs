namespace NetVirt.Backends.Commands;

/// <summary>
/// The single seam through which backends run external commands. Production uses
/// <see cref="ProcessCommandRunner"/>; tests script expected argv and canned output.
/// </summary>
public interface ICommandRunner
{
    /// <summary>Runs <paramref name="command"/> to completion and returns its result; a non-zero exit is not an exception.</summary>
    Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken);
}
