using System.Text.Json;
using NetVirt.Model.Validation;
using NetVirt.Store;
using Spectre.Console;

namespace NetVirt.Cli;

/// <summary>What every command needs: where output goes, which database, which target, and how to print.</summary>
public sealed class CliContext
{
    private NetVirtStore? _store;
    private Services.INetVirtService? _service;
    private Reconciliation.Reconciler? _reconciler;
    private Backends.Execution.IHostBackend? _backend;

    /// <summary>Creates a context writing to the given streams.</summary>
    public CliContext(TextWriter stdout, TextWriter stderr, string? databasePath, string output, HostTarget target)
    {
        Stdout = stdout;
        Stderr = stderr;
        Database = StoreLocation.Resolve(databasePath);
        Json = string.Equals(output, "json", StringComparison.Ordinal);
        Target = target;
        // Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org) or TERM is dumb.
        Color = stdout == System.Console.Out && !System.Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")) && Environment.GetEnvironmentVariable("TERM") != "dumb";
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = stdout == System.Console.Out && !System.Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(stdout),
        });
        if (stdout != System.Console.Out || System.Console.IsOutputRedirected)
        {
            // Piped or captured: no terminal to fit, so tables keep whole lines for scripts and grep.
            Console.Profile.Width = Commands.ShowCommand.UnlimitedWidth;
        }
    }

    /// <summary>Standard output.</summary>
    public TextWriter Stdout { get; }

    /// <summary>True when output may be coloured: a terminal, <c>NO_COLOR</c> unset, <c>TERM</c> not <c>dumb</c>.</summary>
    public bool Color { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Stderr { get; }

    /// <summary>Tables and progress on standard output.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>The database: a SQLite file or a PostgreSQL URI (<c>--db</c>, else <c>NETVIRT_DB</c>, else the default file).</summary>
    public StoreAddress Database { get; }

    /// <summary>True for <c>--output json</c>.</summary>
    public bool Json { get; }

    /// <summary>The host target (<c>--target</c>).</summary>
    public HostTarget Target { get; }

    /// <summary>The URL of a running <c>netvirt serve</c> (<c>--server</c>), or null for the local database.</summary>
    public string? Server { get; init; }

    /// <summary>The token file (<c>--token-file</c>).</summary>
    public string? TokenFile { get; init; }

    /// <summary>True with <c>--quiet</c>: only errors and the data asked for.</summary>
    public bool Quiet { get; init; }

    /// <summary>Writes an informational line on standard output, unless <c>--quiet</c>.</summary>
    public void Info(string message)
    {
        if (!Quiet)
        {
            Stdout.WriteLine(message);
        }
    }

    /// <summary>Where the command's work happens: the local database and host, or the server.</summary>
    public Services.INetVirtService Service => _service ??= Server is null ? new Services.LocalNetVirtService(this) : new Services.HttpNetVirtService(ServerUri(Server), ClientToken());

    /// <summary>Where the desired state lives, for messages: the database file or the server.</summary>
    public string Where => Server ?? Database.Display;

    /// <summary>
    /// The store, opened on first use; it must exist. Commands that only read (plan, drift, show, export, history,
    /// ip list/free/next/who, audit, destroy) never create a database: a mistyped <c>--db</c> is an error naming the
    /// path, not a new empty deployment whose plan would delete the real one's objects.
    /// </summary>
    public NetVirtStore Store => _store ??= NetVirtStore.OpenExisting(Database);

    /// <summary>The store for commands that write a desired state (apply -f, ip reserve/release): created when missing.</summary>
    public NetVirtStore WritableStore => _store ??= NetVirtStore.Open(Database);

    /// <summary>Creates the host backend for a target; replaced by tests with fakes.</summary>
    public static Func<HostTarget, Reconciliation.BackendOptions, CancellationToken, Task<Backends.Execution.IHostBackend>> BackendFactory { get; set; } =
        Reconciliation.BackendFactory.CreateAsync;

    /// <summary>Backend options from the command line (e.g. <c>--variant</c>).</summary>
    public Reconciliation.BackendOptions BackendOptions { get; set; } = new();

    /// <summary>True when the host of <see cref="Target"/> can be observed from here (false: plan from scratch).</summary>
    public bool ObserveHost => Reconciliation.BackendFactory.IsNative(Target) || BackendFactory != DefaultFactory;

    /// <summary>
    /// Refuses, in one clear line, a command that must observe or change the host of <see cref="Target"/> when this is
    /// not that host (<c>--target illumos drift</c> on Linux): nothing could be observed, and the backend's tools are
    /// not here. With <c>--server</c> the server's host is the one observed, so nothing is refused.
    /// </summary>
    public void RequireHost(string command)
    {
        if (Server is null && !ObserveHost && Target == HostTarget.Any)
        {
            throw new Model.Errors.InvalidInputException($"'{command}' needs a host target (linux or illumos); --target any only checks documents against the rules of both");
        }

        if (Server is null && !ObserveHost)
        {
            var target = Target.ToString().ToLowerInvariant();
            throw new Model.Errors.InvalidInputException(
                $"'{command}' works on the {target} host itself and this is {(OperatingSystem.IsLinux() ? "linux" : System.Runtime.InteropServices.RuntimeInformation.OSDescription)}: run it there" +
                (Target == HostTarget.Illumos ? ", or write what to run there with 'netvirt plan --target illumos --format script'" : ""));
        }
    }

    /// <summary>The reconciler for <see cref="Target"/> over <see cref="Store"/>, created on first use.</summary>
    public async Task<Reconciliation.Reconciler> ReconcilerAsync(CancellationToken cancellationToken)
    {
        if (_reconciler is null)
        {
            var store = Store;
            _reconciler = new Reconciliation.Reconciler(store, await BackendAsync(store, cancellationToken).ConfigureAwait(false));
        }

        return _reconciler;
    }

    /// <summary>
    /// The backend for <see cref="Target"/> acting for the deployment of <paramref name="store"/>: every host object it
    /// creates records the store's deployment id, and it leaves other deployments' objects alone. Created once for
    /// <see cref="Store"/>.
    /// </summary>
    public async Task<Backends.Execution.IHostBackend> BackendAsync(NetVirtStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (ReferenceEquals(store, _store) && _backend is not null)
        {
            return _backend;
        }

        var backend = await BackendFactory(Target, BackendOptions with { DeploymentId = store.DeploymentId }, cancellationToken).ConfigureAwait(false);
        if (ReferenceEquals(store, _store))
        {
            _backend = backend;
        }

        return backend;
    }

    private static readonly Func<HostTarget, Reconciliation.BackendOptions, CancellationToken, Task<Backends.Execution.IHostBackend>> DefaultFactory = BackendFactory;

    /// <summary>JSON options for <c>--output json</c>: the API's (kebab-case keys, as in documents), indented.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(Api.ApiJson.Options) { WriteIndented = true };

    /// <summary>Writes <paramref name="value"/> as JSON on standard output.</summary>
    public void WriteJson(object value) => Stdout.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>The URL of <c>--server</c>, checked.</summary>
    public static Uri ServerUri(string server) =>
        Uri.TryCreate(server, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new Model.Errors.InvalidInputException($"--server '{server}' is not an http:// or https:// URL such as http://127.0.0.1:8470");

    /// <summary>The client's bearer token: <c>NETVIRT_API_TOKEN</c>, else the write token of <c>--token-file</c>, else none.</summary>
    public string? ClientToken() =>
        Environment.GetEnvironmentVariable(Api.Security.ApiTokens.WriteVariable) is { Length: > 0 } token ? token.Trim()
        : TokenFile is not null ? Api.Security.ApiTokens.ReadFile(TokenFile).Write
        : null;

    /// <summary>Writes an error line on standard error.</summary>
    public void Error(string message) => Stderr.WriteLine($"netvirt: {Api.Views.DisplayText.Escape(message)}");
}
