using NetVirt.Model.Collections;

namespace NetVirt.Planning.Journal;

/// <summary>One command (or equivalent kernel request) a step ran, for the journal.</summary>
public sealed record CommandRecord(EquatableArray<string> Argv, int ExitCode, string Stderr, TimeSpan Duration)
{
    /// <summary>The command line as text.</summary>
    public override string ToString() => string.Join(' ', Argv.Select(ShellQuoting.Quote));
}
