namespace NetVirt.Store;

/// <summary>
/// Where the database lives: <c>--db</c>, else <c>NETVIRT_DB</c>, else <c>/var/lib/netvirt/netvirt.db</c> for root
/// and <c>$XDG_DATA_HOME/netvirt/netvirt.db</c> (default <c>~/.local/share/netvirt/netvirt.db</c>) for other users.
/// </summary>
public static class StoreLocation
{
    /// <summary>Environment variable naming the database file.</summary>
    public const string EnvironmentVariable = "NETVIRT_DB";

    /// <summary>Default database path for root.</summary>
    public const string SystemDefault = "/var/lib/netvirt/netvirt.db";

    /// <summary>Resolves the database path from the command-line value and the environment.</summary>
    public static string Resolve(string? commandLineValue)
    {
        if (!string.IsNullOrWhiteSpace(commandLineValue))
        {
            return Path.GetFullPath(commandLineValue);
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return Path.GetFullPath(fromEnvironment);
        }

        if (Environment.IsPrivilegedProcess)
        {
            return SystemDefault;
        }

        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(dataHome, "netvirt", "netvirt.db");
    }
}
