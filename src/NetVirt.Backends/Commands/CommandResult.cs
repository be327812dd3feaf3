namespace NetVirt.Backends.Commands;

/// <summary>What a finished command returned.</summary>
public sealed record CommandResult(CommandSpec Command, int ExitCode, string Stdout, string Stderr, TimeSpan Duration)
{
    /// <summary>True for exit code 0.</summary>
    public bool Succeeded => ExitCode == 0;
}
