using System.CommandLine;
using NetVirt.Model.Validation;

namespace NetVirt.Cli;

/// <summary>Options shared by every command.</summary>
public static class CommonOptions
{
    /// <summary><c>--db</c>: the database file.</summary>
    public static readonly Option<string?> Database = new("--db")
    {
        Description = "SQLite database file (default: $NETVIRT_DB, else /var/lib/netvirt/netvirt.db for root, ~/.local/share/netvirt/netvirt.db otherwise)",
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
        };

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
