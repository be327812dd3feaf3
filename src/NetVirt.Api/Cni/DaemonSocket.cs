using NetVirt.Model.Errors;
using NetVirt.Store;

namespace NetVirt.Api.Cni;

/// <summary>Where the daemon's unix socket (the CNI plugin's door) is.</summary>
public static class DaemonSocket
{
    /// <summary>The socket of the system database (<c>/var/lib/netvirt/netvirt.db</c>), where the plugin looks without a <c>"socket"</c> key.</summary>
    public const string SystemDefault = "/run/netvirt/netvirt.sock";

    /// <summary>Longest socket path the kernel takes (<c>sun_path</c> is 108 bytes with its NUL).</summary>
    public const int MaxPathBytes = 107;

    /// <summary>
    /// The socket of <paramref name="database"/>: <see cref="SystemDefault"/> for the system database and for PostgreSQL (one
    /// daemon per host serves its runtimes), else <c>&lt;db&gt;.sock</c> beside the SQLite file, so two servers on two
    /// databases never share one (and a test's server is its own).
    /// </summary>
    public static string DefaultFor(StoreAddress database)
    {
        if (database.FilePath is not { } file)
        {
            return SystemDefault;
        }

        var full = Path.GetFullPath(file);
        return full == StoreLocation.SystemDefault ? SystemDefault : full + ".sock";
    }

    /// <summary>Checks a socket path: absolute and short enough for the kernel.</summary>
    public static string Check(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Path.IsPathFullyQualified(path))
        {
            throw new InvalidInputException($"--socket {path}: give an absolute path");
        }

        return System.Text.Encoding.UTF8.GetByteCount(path) > MaxPathBytes
            ? throw new InvalidInputException($"--socket {path}: a unix socket path has at most {MaxPathBytes} bytes; give a shorter one (or --socket none)")
            : path;
    }
}
