using NetVirt.Model.Collections;
using NetVirt.Planning.Journal;

namespace NetVirt.Backends.Commands;

/// <summary>
/// One external command: an absolute executable path and its arguments. Never a shell string; run with
/// <c>LC_ALL=C</c> so that tools print their documented (English) messages.
/// </summary>
public sealed record CommandSpec(string Executable, EquatableArray<string> Arguments)
{
    /// <summary>Creates a command from an executable and arguments.</summary>
    public static CommandSpec Of(string executable, params string[] arguments) => new(executable, arguments.ToEquatableArray());

    /// <summary>Data written to the command's standard input, if any (e.g. an <c>nft -f -</c> ruleset).</summary>
    public string? StandardInput { get; init; }

    /// <summary>Executable followed by the arguments.</summary>
    public IReadOnlyList<string> Argv => [Executable, .. Arguments];

    /// <summary>The command as a POSIX shell would need it, each word quoted only where necessary.</summary>
    public override string ToString() => string.Join(' ', Argv.Select(ShellQuoting.Quote));
}
