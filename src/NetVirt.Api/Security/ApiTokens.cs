using System.Security.Cryptography;
using System.Text;
using NetVirt.Model.Errors;

namespace NetVirt.Api.Security;

/// <summary>
/// The bearer tokens of the API: <see cref="Write"/> for everything, <see cref="Read"/> for GET only. Taken from
/// <c>NETVIRT_API_TOKEN</c> / <c>NETVIRT_API_READ_TOKEN</c>, else from the token file (by default
/// <c>&lt;db&gt;.api-tokens</c>, mode 0600), else generated into that file on first start.
/// </summary>
/// <param name="Write">Token that may change the desired state and the host; null = no authentication at all.</param>
/// <param name="Read">Token that may only read.</param>
public sealed record ApiTokens(string? Write, string? Read)
{
    /// <summary>Environment variable holding the write token.</summary>
    public const string WriteVariable = "NETVIRT_API_TOKEN";

    /// <summary>Environment variable holding the read-only token.</summary>
    public const string ReadVariable = "NETVIRT_API_READ_TOKEN";

    /// <summary>No authentication (loopback only, by explicit choice).</summary>
    public static ApiTokens None { get; } = new(null, null);

    /// <summary>True when requests must carry a token.</summary>
    public bool Required => Write is not null;

    /// <summary>The default token file of a database.</summary>
    public static string DefaultFile(Store.StoreAddress database) => (database ?? throw new ArgumentNullException(nameof(database))).SideFile(".api-tokens");

    /// <summary>
    /// Finds the tokens: environment first, then <paramref name="file"/>. When neither has any, generates both, writes
    /// them to <paramref name="file"/> (mode 0600) and returns a notice for the operator (the only time they are shown).
    /// </summary>
    public static (ApiTokens Tokens, string? GeneratedNotice) Load(string file, Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        environment ??= Environment.GetEnvironmentVariable;
        var write = environment(WriteVariable) is { Length: > 0 } w ? w.Trim() : null;
        var read = environment(ReadVariable) is { Length: > 0 } r ? r.Trim() : null;
        if (write is not null)
        {
            return (new ApiTokens(write, read), null);
        }

        if (File.Exists(file))
        {
            var fromFile = ReadFile(file);
            return (fromFile with { Read = read ?? fromFile.Read }, null);
        }

        var generated = new ApiTokens(NewToken(), read ?? NewToken());
        WriteFile(file, generated);
        return (generated, $"""
            NetVirt API tokens generated and stored in {file} (mode 0600); they are shown only this once.
              write token (every request):   {generated.Write}
              read token (GET requests only): {generated.Read}
            Use them as 'Authorization: Bearer TOKEN', or set {WriteVariable} for 'netvirt --server URL'.
            """);
    }

    /// <summary>Reads a token file: <c>write: TOKEN</c> and <c>read: TOKEN</c> lines (a single bare line is the write token).</summary>
    public static ApiTokens ReadFile(string file)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        if (!File.Exists(file))
        {
            throw new InvalidInputException(Directory.Exists(file)
                ? $"the token file '{file}' is a directory; give the file 'netvirt serve' keeps its tokens in (default <db>.api-tokens)"
                : $"there is no token file '{file}'; give the file 'netvirt serve' keeps its tokens in (default <db>.api-tokens), or the token itself in $NETVIRT_API_TOKEN");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidInputException($"the token file '{file}' can be read by other users; make it private with 'chmod 600 {file}'");
        }

        string? write = null;
        string? read = null;
        foreach (var raw in File.ReadAllLines(file))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (key, value) = colon < 0 ? ("write", line) : (line[..colon].Trim(), line[(colon + 1)..].Trim());
            switch (key)
            {
                case "write":
                    write = value;
                    break;
                case "read":
                    read = value;
                    break;
                default:
                    throw new InvalidInputException($"the token file '{file}' has an unknown key '{key}'; expected 'write: TOKEN' and 'read: TOKEN' lines");
            }
        }

        return string.IsNullOrEmpty(write)
            ? throw new InvalidInputException($"the token file '{file}' has no 'write: TOKEN' line")
            : new ApiTokens(write, string.IsNullOrEmpty(read) ? null : read);
    }

    /// <summary>Compares a presented token with an expected one in time that does not depend on where they differ.</summary>
    public static bool Matches(string? presented, string? expected)
    {
        if (presented is null || expected is null)
        {
            return false;
        }

        // Hashing first gives equal lengths, so the comparison leaks neither the position of a difference nor the length.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }

    /// <summary>Never print the tokens (records print their members by default).</summary>
    public override string ToString() => $"ApiTokens(write: {(Write is null ? "none" : "set")}, read: {(Read is null ? "none" : "set")})";

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void WriteFile(string file, ApiTokens tokens)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(file, Encoding.UTF8, options);
        writer.Write($"# NetVirt API tokens; keep this file mode 0600\nwrite: {tokens.Write}\nread: {tokens.Read}\n");
    }
}
