using NetVirt.Store;

namespace NetVirt.Tests.Support;

/// <summary>A fresh SQLite file per test, deleted afterwards (with its WAL and lock files).</summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netvirt-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, "netvirt.db");
    }

    public string Directory { get; }

    public string Path { get; }

    /// <summary>
    /// A deployment id whose MAC offset is 0, so <c>mac: auto</c> hands out 02:08:20:00:00:00, :01, ... as golden files
    /// expect; real databases get a random one.
    /// </summary>
    public const string ZeroDeployment = "0000000000000000";

    public NetVirtStore Open(TimeProvider? time = null, string? deploymentId = null) => NetVirtStore.Open(Path, time, newDeploymentId: deploymentId);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
