using System.Text.RegularExpressions;
using NetVirt.Model.Errors;
using Npgsql;

namespace NetVirt.Store;

/// <summary>
/// Where the database lives: <c>--db</c>, else <c>NETVIRT_DB</c>, else <c>/var/lib/netvirt/netvirt.db</c> for root
/// and <c>$XDG_DATA_HOME/netvirt/netvirt.db</c> (default <c>~/.local/share/netvirt/netvirt.db</c>) for other users.
/// A value that looks like a URI (<c>scheme:</c>) is never taken as a file path: <c>postgresql://</c> and
/// <c>postgres://</c> name a PostgreSQL database, any other scheme is an error (a file whose name has a colon is
/// written <c>./name:x.db</c>).
/// </summary>
public static partial class StoreLocation
{
    /// <summary>Environment variable naming the database (a file path or a <c>postgresql://</c> URI).</summary>
    public const string EnvironmentVariable = "NETVIRT_DB";

    /// <summary>Default database path for root.</summary>
    public const string SystemDefault = "/var/lib/netvirt/netvirt.db";

    /// <summary>Resolves the database from the command-line value and the environment.</summary>
    public static StoreAddress Resolve(string? commandLineValue)
    {
        if (!string.IsNullOrWhiteSpace(commandLineValue))
        {
            return Parse(commandLineValue, "--db");
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return Parse(fromEnvironment, EnvironmentVariable);
        }

        if (Environment.IsPrivilegedProcess)
        {
            return StoreAddress.File(SystemDefault);
        }

        var dataHome = DataHome();
        return StoreAddress.File(Path.Combine(dataHome, "netvirt", "netvirt.db"));
    }

    /// <summary>
    /// Reads <paramref name="value"/> as a database location: a <c>postgresql://user@host:port/db</c> URI, or a file
    /// path. <paramref name="source"/> names where the value came from, for errors.
    /// </summary>
    public static StoreAddress Parse(string value, string source = "--db")
    {
        ArgumentNullException.ThrowIfNull(value);
        var scheme = SchemePattern().Match(value);
        if (!scheme.Success)
        {
            return StoreAddress.File(Path.GetFullPath(value));
        }

        var name = scheme.Groups[1].Value.ToLowerInvariant();
        return name is "postgresql" or "postgres"
            ? StoreAddress.Postgres(PostgresUri.ToConnectionString(value, source), PostgresUri.Display(value))
            : throw new InvalidInputException(
                $"{source} '{Redact(value)}' looks like a URI with scheme '{name}:', which NetVirt does not know: give a file path (a file whose name " +
                "has a colon as ./NAME) or postgresql://user@host:port/database");
    }

    /// <summary>The directory NetVirt keeps its files in when the database is not a file: beside the default database.</summary>
    public static string DefaultDataDirectory() =>
        Environment.IsPrivilegedProcess ? Path.GetDirectoryName(SystemDefault)! : Path.Combine(DataHome(), "netvirt");

    private static string DataHome() =>
        Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");

    /// <summary>The value with any password in its user information replaced, for messages.</summary>
    internal static string Redact(string value) => PasswordPattern().Replace(value, "$1:***@");

    // RFC 3986 scheme: a letter, then letters, digits, '+', '-' or '.', then ':'. A one-letter scheme would be a
    // Windows drive, which NetVirt does not run on; it is refused like any unknown scheme.
    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]*):")]
    private static partial Regex SchemePattern();

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]*://[^:@/]*):[^@/]*@")]
    private static partial Regex PasswordPattern();
}

/// <summary>A resolved database location: a SQLite file, or a PostgreSQL connection.</summary>
public sealed record StoreAddress
{
    private StoreAddress(StoreEngine engine, string? filePath, string? connectionString, string display)
    {
        Engine = engine;
        FilePath = filePath;
        ConnectionString = connectionString;
        Display = display;
    }

    /// <summary>The engine.</summary>
    public StoreEngine Engine { get; }

    /// <summary>The SQLite file (absolute), or null for PostgreSQL.</summary>
    public string? FilePath { get; }

    /// <summary>The Npgsql connection string, or null for SQLite. It may hold a password: never print it.</summary>
    public string? ConnectionString { get; }

    /// <summary>How to name the database in messages: the file path, or the URI without its password.</summary>
    public string Display { get; }

    /// <summary>A SQLite file.</summary>
    public static StoreAddress File(string path) => new(StoreEngine.Sqlite, path, null, path);

    /// <summary>A PostgreSQL database.</summary>
    public static StoreAddress Postgres(string connectionString, string display) => new(StoreEngine.PostgreSql, null, connectionString, display);

    /// <summary>
    /// A file that belongs with this database (API tokens, the apply lock): <c>&lt;db&gt;SUFFIX</c> beside a SQLite file;
    /// for PostgreSQL, in NetVirt's data directory, named after the server and database.
    /// </summary>
    public string SideFile(string suffix)
    {
        if (FilePath is not null)
        {
            return FilePath + suffix;
        }

        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        var name = $"postgresql-{builder.Host}-{builder.Port}-{builder.Database}";
        name = string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_'));
        return Path.Combine(StoreLocation.DefaultDataDirectory(), name + suffix);
    }

    /// <summary>The directory for files that belong with this database (audit reports): the SQLite file's, or NetVirt's data directory.</summary>
    public string SideDirectory => FilePath is not null
        ? Path.GetDirectoryName(Path.GetFullPath(FilePath)) ?? "."
        : StoreLocation.DefaultDataDirectory();

    /// <inheritdoc />
    public override string ToString() => Display;
}

/// <summary>
/// libpq-style connection URIs (<c>postgresql://[user[:password]@][host][:port][/database][?key=value&amp;…]</c>) read
/// into an Npgsql connection string. A host that starts with <c>/</c> (percent-encoded in the authority, or
/// <c>?host=/dir</c>) is a unix socket directory. Only the keys below are accepted; anything else is an error naming it.
/// </summary>
internal static class PostgresUri
{
    private static readonly string[] KnownKeys = ["host", "port", "user", "password", "dbname", "sslmode", "application_name", "connect_timeout", "options"];

    public static string ToConnectionString(string uri, string source)
    {
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) is var at and >= 0 ? at + 3 : throw Invalid(uri, source, "expected postgresql://"))..];
        var query = "";
        if (rest.IndexOf('?', StringComparison.Ordinal) is var q and >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash >= 0 ? rest[..slash] : rest;
        var database = slash >= 0 ? Uri.UnescapeDataString(rest[(slash + 1)..]) : "";
        var builder = new NpgsqlConnectionStringBuilder();
        if (authority.LastIndexOf('@') is var userEnd and >= 0)
        {
            var userInfo = authority[..userEnd];
            authority = authority[(userEnd + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }

        if (authority.Length > 0)
        {
            var portStart = authority.StartsWith('[') ? authority.IndexOf("]:", StringComparison.Ordinal) + 1 : authority.LastIndexOf(':');
            var host = portStart > 0 ? authority[..portStart] : authority;
            if (portStart > 0)
            {
                builder.Port = ParsePort(authority[(portStart + 1)..], uri, source);
            }

            if (host.Length > 0)
            {
                builder.Host = Uri.UnescapeDataString(host.Trim('[', ']'));
            }
        }

        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq >= 0 ? pair[..eq] : pair);
            var value = Uri.UnescapeDataString(eq >= 0 ? pair[(eq + 1)..] : "");
            switch (key)
            {
                case "host": builder.Host = value; break;
                case "port": builder.Port = ParsePort(value, uri, source); break;
                case "user": builder.Username = value; break;
                case "password": builder.Password = value; break;
                case "dbname": builder.Database = value; break;
                case "sslmode":
                    builder.SslMode = Enum.TryParse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode)
                        ? mode : throw Invalid(uri, source, $"sslmode '{value}' is not one of disable, allow, prefer, require, verify-ca, verify-full");
                    break;
                case "application_name": builder.ApplicationName = value; break;
                case "connect_timeout": builder.Timeout = int.TryParse(value, out var t) && t > 0 ? t : throw Invalid(uri, source, $"connect_timeout '{value}' is not a number of seconds"); break;
                case "options": builder.Options = value; break;
                default: throw Invalid(uri, source, $"unknown parameter '{key}' (known: {string.Join(", ", KnownKeys)})");
            }
        }

        if (string.IsNullOrEmpty(builder.Database))
        {
            throw Invalid(uri, source, "it names no database (postgresql://user@host:port/DATABASE)");
        }

        builder.Host ??= "localhost";
        return builder.ConnectionString;
    }

    public static string Display(string uri) => StoreLocation.Redact(uri);

    private static int ParsePort(string value, string uri, string source) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw Invalid(uri, source, $"port '{value}' is not a number from 1 to 65535");

    private static InvalidInputException Invalid(string uri, string source, string why) =>
        new($"{source} '{StoreLocation.Redact(uri)}' is not a PostgreSQL URI NetVirt can use: {why}");
}
