namespace NetVirt.Cli;

/// <summary>Exit codes of the <c>netvirt</c> command, documented in the README.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>A runtime failure: the host, the database or a backend failed.</summary>
    public const int Failure = 1;

    /// <summary>Invalid input: a bad document, option or name. Nothing was changed.</summary>
    public const int InvalidInput = 2;

    /// <summary><c>drift</c> found differences between the desired state and the host.</summary>
    public const int DriftFound = 3;

    /// <summary><c>audit</c> found isolation findings.</summary>
    public const int Findings = 4;
}
