namespace NetVirt.Store;

/// <summary>The database engine a store runs on.</summary>
public enum StoreEngine
{
    /// <summary>An embedded SQLite file: one host, the default.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database: the central store of many hosts (replication is PostgreSQL's job).</summary>
    PostgreSql,
}
