using NetVirt.Model.Collections;

namespace NetVirt.Planning.Journal;

/// <summary>
/// One command a step ran, or one kernel request it sent, for the journal: what ran, its exit code (for a kernel
/// request: the errno the kernel answered, 0 for success), the error text and the duration. Backends record what
/// really happened: a netlink request as <c>netlink RTM_NEWLINK veth …</c> with the kernel's errno, a tool run once
/// for a whole batch (<c>nft -f -</c>) with the lines this step contributed as <see cref="Input"/>.
/// </summary>
public sealed record CommandRecord(EquatableArray<string> Argv, int ExitCode, string Stderr, TimeSpan Duration)
{
    /// <summary>What the command read on standard input for this step, if anything.</summary>
    public string? Input { get; init; }

    /// <summary>The command line as text, with its input as a here-string.</summary>
    public override string ToString()
    {
        var line = string.Join(' ', Argv.Select(ShellQuoting.Quote));
        return Input is { Length: > 0 } input ? $"{line} <<< {ShellQuoting.Quote(input.TrimEnd('\n'))}" : line;
    }
}
