using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace NetVirt.Store.Engines;

/// <summary>
/// <see cref="PreparedCommands"/> on SQLite: statements prepared once on the connection's own handle, their parameters
/// found by name once and then bound by position. Microsoft.Data.Sqlite looks each parameter up by name on every
/// execution (a UTF-8 copy of the name, then a search of the statement's names): storing 1,000 zones spent about a
/// fifth of its time there (docs/performance.md, issue 14, ninth pass). Values and errors are Microsoft.Data.Sqlite's:
/// integers come back as <see cref="long"/>, text as <see cref="string"/>, blobs as byte arrays, and a failure throws
/// its <see cref="SqliteException"/>, so constraint and busy handling above are unchanged (a busy database is waited
/// out by SQLite itself: the connection sets <c>busy_timeout</c>). A statement is reset after
/// each use (nothing stays in progress at commit) and finalized on dispose.
/// </summary>
internal sealed class SqliteStatements(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, Statement> _statements = new(StringComparer.Ordinal);

    private sqlite3 Db => connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");

    /// <summary>Runs the statement to its end; the rows it changed (-1 for one that only reads).</summary>
    public int Execute(string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var statement = Bind(sql, parameters);
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(statement.Handle)) == raw.SQLITE_ROW)
            {
            }

            ThrowUnlessDone(rc);
            return raw.sqlite3_stmt_readonly(statement.Handle) != 0 ? -1 : raw.sqlite3_changes(Db);
        }
        finally
        {
            raw.sqlite3_reset(statement.Handle);
        }
    }

    /// <summary>The first column of the first row; null when there is no row or it is NULL.</summary>
    public object? Scalar(string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var statement = Bind(sql, parameters);
        try
        {
            var rc = raw.sqlite3_step(statement.Handle);
            if (rc != raw.SQLITE_ROW)
            {
                ThrowUnlessDone(rc);
                return null;
            }

            var handle = statement.Handle;
            return raw.sqlite3_column_type(handle, 0) switch
            {
                raw.SQLITE_INTEGER => raw.sqlite3_column_int64(handle, 0),
                raw.SQLITE_FLOAT => raw.sqlite3_column_double(handle, 0),
                raw.SQLITE_TEXT => raw.sqlite3_column_text(handle, 0).utf8_to_string(),
                raw.SQLITE_BLOB => raw.sqlite3_column_blob(handle, 0).ToArray(),
                _ => null,
            };
        }
        finally
        {
            raw.sqlite3_reset(statement.Handle);
        }
    }

    public void Dispose()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Handle.Dispose();
        }

        _statements.Clear();
    }

    private Statement Bind(string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = Prepare(sql, parameters);
            _statements[sql] = statement;
        }

        PreparedCommands.CheckNames(sql, statement.Names.Length, i => statement.Names[i], parameters);
        for (var i = 0; i < parameters.Length; i++)
        {
            ThrowUnlessOk(BindValue(statement.Handle, statement.Positions[i], parameters[i].Value, parameters[i].Name));
        }

        return statement;
    }

    private Statement Prepare(string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        ThrowUnlessOk(raw.sqlite3_prepare_v2(Db, sql, out var handle, out var tail));
        try
        {
            if (!string.IsNullOrWhiteSpace(tail))
            {
                throw new InvalidOperationException($"one statement per text: {sql}");
            }

            var names = new string[parameters.Length];
            var positions = new int[parameters.Length];
            for (var i = 0; i < parameters.Length; i++)
            {
                names[i] = parameters[i].Name;
                positions[i] = raw.sqlite3_bind_parameter_index(handle, names[i]);
                if (positions[i] == 0)
                {
                    throw new InvalidOperationException($"parameter '{names[i]}' is not in the statement: {sql}");
                }
            }

            if (raw.sqlite3_bind_parameter_count(handle) != parameters.Length)
            {
                throw new InvalidOperationException($"{parameters.Length} parameters given for a statement that takes {raw.sqlite3_bind_parameter_count(handle)}: {sql}");
            }

            return new Statement(handle, names, positions);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    // The types the store passes, bound as Microsoft.Data.Sqlite binds them.
    private static int BindValue(sqlite3_stmt handle, int position, object? value, string name) => value switch
    {
        null or DBNull => raw.sqlite3_bind_null(handle, position),
        long l => raw.sqlite3_bind_int64(handle, position, l),
        int i => raw.sqlite3_bind_int64(handle, position, i),
        short s => raw.sqlite3_bind_int64(handle, position, s),
        byte b => raw.sqlite3_bind_int64(handle, position, b),
        bool flag => raw.sqlite3_bind_int64(handle, position, flag ? 1 : 0),
        double d => raw.sqlite3_bind_double(handle, position, d),
        string text => raw.sqlite3_bind_text(handle, position, text),
        byte[] blob => raw.sqlite3_bind_blob(handle, position, blob),
        _ => throw new NotSupportedException($"parameter '{name}': values of type {value.GetType().Name} are not bound here"),
    };

    private void ThrowUnlessDone(int rc)
    {
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, Db);
        }
    }

    private void ThrowUnlessOk(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, Db);
        }
    }

    private sealed record Statement(sqlite3_stmt Handle, string[] Names, int[] Positions);
}
