using System.Data.Common;
using System.Globalization;

namespace NetVirt.Store.Engines;

/// <summary>
/// The commands of one write transaction, kept by their SQL text, for the statements a write runs once per zone, VNIC
/// or address. SQLite keeps a command's prepared statement while its text stays the same, so a statement run a
/// thousand times is parsed and planned once; Dapper makes a new command, and so a new statement, per call. Storing
/// 1,000 zones ran about 15 such statements per zone (docs/performance.md, issue 14, fifth pass). On SQLite, statements
/// that return at most a value run on the connection's handle (<see cref="SqliteStatements"/>), which binds parameters
/// by position. Parameters are given by name, in the same order on every call of one text. Dispose with the
/// transaction's work.
/// </summary>
internal sealed class PreparedCommands(DbConnection connection, DbTransaction transaction) : IDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private readonly SqliteStatements? _sqlite = connection is Microsoft.Data.Sqlite.SqliteConnection sqlite ? new SqliteStatements(sqlite) : null;

    /// <summary>Runs a statement; the number of rows it changed.</summary>
    public int Execute(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        _sqlite?.Execute(sql, parameters) ?? Bind(sql, parameters).ExecuteNonQuery();

    /// <summary>The first column of the first row as a number, or null when there is no row or it is NULL.</summary>
    public long? Int64(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        Scalar(sql, parameters) is { } value ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;

    /// <summary>The first column of the first row, or null when there is no row or it is NULL.</summary>
    public object? Scalar(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        (_sqlite is not null ? _sqlite.Scalar(sql, parameters) : Bind(sql, parameters).ExecuteScalar()) is { } value and not DBNull ? value : null;

    /// <summary>Every row, each read by <paramref name="read"/>.</summary>
    public List<T> Rows<T>(string sql, Func<DbDataReader, T> read, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var reader = Bind(sql, parameters).ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private DbCommand Bind(string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            foreach (var (name, _) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }

            _commands[sql] = command;
        }

        CheckNames(sql, command.Parameters.Count, i => command.Parameters[i].ParameterName, parameters);
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
        }

        return command;
    }

    /// <summary>
    /// Refuses parameters that are not the ones a statement was first run with, in the same order: a programming error
    /// that would otherwise bind a value to the wrong column.
    /// </summary>
    internal static void CheckNames(string sql, int count, Func<int, string> nameAt, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (count != parameters.Length)
        {
            throw new InvalidOperationException($"{parameters.Length} parameters given for a statement that takes {count}: {sql}");
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            if (!string.Equals(nameAt(i), parameters[i].Name, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"parameter {i} is '{parameters[i].Name}' where this statement's is '{nameAt(i)}': {sql}");
            }
        }
    }

    public void Dispose()
    {
        _sqlite?.Dispose();
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
