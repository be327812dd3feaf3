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

    public NetVirtStore Open(TimeProvider? time = null) => NetVirtStore.Open(Path, time);

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
