namespace NetVirt.Model.Errors;

/// <summary>An external command exited with a failure. Keeps the full argv, exit code and both output streams.</summary>
public sealed class CommandFailedException : NetVirtException
{
    /// <summary>Creates the exception; the message is built from the operation, argv, exit code and stderr.</summary>
    public CommandFailedException(string operation, IReadOnlyList<string> argv, int exitCode, string stdout, string stderr)
        : base(BuildMessage(operation, argv, exitCode, stderr))
    {
        Operation = operation;
        Argv = argv;
        ExitCode = exitCode;
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>What was being done, e.g. <c>create-vnic 'nv_web0' over 'nv_stub0'</c>.</summary>
    public string Operation { get; }

    /// <summary>The command line, executable first.</summary>
    public IReadOnlyList<string> Argv { get; }

    /// <summary>Exit code of the process.</summary>
    public int ExitCode { get; }

    /// <summary>Standard output.</summary>
    public string Stdout { get; }

    /// <summary>Standard error.</summary>
    public string Stderr { get; }

    private static string BuildMessage(string operation, IReadOnlyList<string> argv, int exitCode, string stderr)
    {
        var detail = string.IsNullOrWhiteSpace(stderr) ? "no error output" : stderr.Trim();
        return $"{operation} failed (exit {exitCode}): {detail} [{string.Join(' ', argv)}]";
    }
}
