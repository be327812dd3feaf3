using System.CommandLine;
using NetVirt.Model.Validation;

namespace NetVirt.Cli;

/// <summary>Options shared by every command.</summary>
public static class CommonOptions
{
    /// <summary><c>--db</c>: the database file.</summary>
    public static readonly Option<string?> Database = new("--db")
    {
        Description = "Database: a SQLite file, or PostgreSQL as postgresql://user@host:port/db (default: $NETVIRT_DB, else /var/lib/netvirt/netvirt.db for root, ~/.local/share/netvirt/netvirt.db otherwise)",
        Recursive = true,
    };

    /// <summary><c>--server</c>: a running <c>netvirt serve</c> to talk to instead of the local database.</summary>
    public static readonly Option<string?> Server = new("--server")
    {
        Description = "Run the command against a running 'netvirt serve' at this URL instead of the local database (token: $NETVIRT_API_TOKEN or --token-file)",
        Recursive = true,
    };

    /// <summary><c>--token-file</c>: the API token file (the server's, or the one a client reads its token from).</summary>
    public static readonly Option<string?> TokenFile = new("--token-file")
    {
        Description = "API token file: where 'serve' keeps its tokens (default <db>.api-tokens, mode 0600), or where '--server' reads the write token from",
        Recursive = true,
    };

    /// <summary><c>--prefix</c>: the ownership prefix of host objects (instead of <c>NETVIRT_PREFIX</c>).</summary>
    public static readonly Option<string?> Prefix = new("--prefix")
    {
        Description = "Ownership prefix of every host object NetVirt creates or touches (default: $NETVIRT_PREFIX, else nv); objects without it are never changed",
        Recursive = true,
    };

    /// <summary><c>--quiet</c>: only errors and the data asked for.</summary>
    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "Print only errors and the data asked for (no progress, notes or run summaries); the exit code tells the outcome",
        Recursive = true,
    };

    /// <summary><c>--output</c>: table or json.</summary>
    public static readonly Option<string> Output = CreateOutput();

    /// <summary><c>--target</c>: linux, illumos or any.</summary>
    public static readonly Option<string> Target = CreateTarget();

    /// <summary><c>-f</c>: documents to read.</summary>
    public static Option<string[]> Files(bool required) => new("--file", "-f")
    {
        Description = "Document to read (YAML or JSON); repeat to merge several; '-' reads standard input",
        Required = required,
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary>Builds the context of a command invocation.</summary>
    public static CliContext Context(ParseResult result, TextWriter stdout, TextWriter stderr) =>
        new(stdout, stderr, result.GetValue(Database), result.GetValue(Output)!, ParseTarget(result.GetValue(Target)!))
        {
            Server = result.GetValue(Server),
            TokenFile = result.GetValue(TokenFile),
            Quiet = result.GetValue(Quiet),
            BackendOptions = new Reconciliation.BackendOptions { Prefix = ParsePrefix(result.GetValue(Prefix)) },
        };

    /// <summary>The prefix named with <c>--prefix</c> (checked), else the one in effect.</summary>
    public static string ParsePrefix(string? value)
    {
        if (value is null)
        {
            return Reconciliation.BackendFactory.Prefix;
        }

        // The Linux rules are the strictest (illumos link names allow letters, digits and '_'): 1-6 letters and digits, first a letter.
        return value.Length is >= 1 and <= Backends.Linux.Resources.LinuxNaming.MaxPrefix && char.IsAsciiLetter(value[0]) && value.All(char.IsAsciiLetterOrDigit)
            ? value
            : throw new Model.Errors.InvalidInputException($"--prefix '{value}': give 1 to {Backends.Linux.Resources.LinuxNaming.MaxPrefix} letters and digits, starting with a letter (host object names are built from it)");
    }

    /// <summary>The target named on the command line.</summary>
    public static HostTarget ParseTarget(string value) => value switch
    {
        "illumos" => HostTarget.Illumos,
        "any" => HostTarget.Any,
        _ => HostTarget.Linux,
    };

    private static Option<string> CreateOutput()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format",
            Recursive = true,
            DefaultValueFactory = _ => "table",
        };
        option.AcceptOnlyFromAmong("table", "json");
        return option;
    }

    private static Option<string> CreateTarget()
    {
        var option = new Option<string>("--target")
        {
            Description = "Host target: linux (namespaces, bridges, veth; the default on Linux), illumos (dladm/ipadm/zonecfg), or any (rules of both)",
            Recursive = true,
            DefaultValueFactory = _ => OperatingSystem.IsLinux() ? "linux" : "illumos",
        };
        option.AcceptOnlyFromAmong("linux", "illumos", "any");
        return option;
    }
}
