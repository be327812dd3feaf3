using NetVirt.Store;
using NetVirt.Testing;

namespace NetVirt.Tests.Support;

/// <summary>
/// The engines the store's tests run on: SQLite always; PostgreSQL when it is installed here, and always under
/// <c>CI=true</c>, where a missing PostgreSQL fails the tests instead of dropping them.
/// </summary>
public static class StoreEngines
{
    public static TheoryData<StoreEngine> All
    {
        get
        {
            var data = new TheoryData<StoreEngine> { StoreEngine.Sqlite };
            if (ThrowawayPostgres.Available || Environment.GetEnvironmentVariable("CI") == "true")
            {
                data.Add(StoreEngine.PostgreSql);
            }

            return data;
        }
    }
}

/// <summary>One throwaway PostgreSQL cluster for the whole test run, started on first use and stopped when the process exits.</summary>
public static class SharedPostgres
{
    private static readonly Lazy<ThrowawayPostgres> Instance = new(() =>
    {
        var cluster = ThrowawayPostgres.Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
        return cluster;
    });

    public static ThrowawayPostgres Cluster => Instance.Value;
}

/// <summary>A fresh database per test on either engine: a SQLite file in a temporary directory, or a new PostgreSQL database.</summary>
public sealed class TempStore : IDisposable
{
    private readonly TempDatabase? _file;
    private readonly string? _postgresName;

    public TempStore(StoreEngine engine)
    {
        Engine = engine;
        if (engine == StoreEngine.Sqlite)
        {
            _file = new TempDatabase();
            Location = _file.Path;
        }
        else
        {
            _postgresName = $"nvt_{Guid.NewGuid():N}";
            Location = SharedPostgres.Cluster.CreateDatabase(_postgresName);
        }
    }

    public StoreEngine Engine { get; }

    /// <summary>What <c>--db</c> takes: the file path or the <c>postgresql://</c> URI.</summary>
    public string Location { get; }

    public NetVirtStore Open(TimeProvider? time = null, string? deploymentId = null, TimeSpan? busyTimeout = null) =>
        NetVirtStore.Open(Location, time, busyTimeout, deploymentId);

    public void Dispose()
    {
        _file?.Dispose();
        if (_postgresName is not null)
        {
            SharedPostgres.Cluster.DropDatabase(_postgresName);
        }
    }
}
