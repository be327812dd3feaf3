using System.Text.Json;
using NetVirt.Model.Validation;
using NetVirt.Store;
using Spectre.Console;

namespace NetVirt.Cli;

/// <summary>What every command needs: where output goes, which database, which target, and how to print.</summary>
public sealed class CliContext
{
    private NetVirtStore? _store;
    private Reconciliation.Reconciler? _reconciler;

    /// <summary>Creates a context writing to the given streams.</summary>
    public CliContext(TextWriter stdout, TextWriter stderr, string? databasePath, string output, HostTarget target)
    {
        Stdout = stdout;
        Stderr = stderr;
        DatabasePath = StoreLocation.Resolve(databasePath);
        Json = string.Equals(output, "json", StringComparison.Ordinal);
        Target = target;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = stdout == System.Console.Out && !System.Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = stdout == System.Console.Out && !System.Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(stdout),
        });
        if (stdout != System.Console.Out || System.Console.IsOutputRedirected)
        {
            Console.Profile.Width = 200;
        }
    }

    /// <summary>Standard output.</summary>
    public TextWriter Stdout { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Stderr { get; }

    /// <summary>Tables and progress on standard output.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>True for <c>--output json</c>.</summary>
    public bool Json { get; }

    /// <summary>The host target (<c>--target</c>).</summary>
    public HostTarget Target { get; }

    /// <summary>The store, opened on first use.</summary>
    public NetVirtStore Store => _store ??= NetVirtStore.Open(DatabasePath);

    /// <summary>Creates the host backend for a target; replaced by tests with fakes.</summary>
    public static Func<HostTarget, Reconciliation.BackendOptions, CancellationToken, Task<Backends.Execution.IHostBackend>> BackendFactory { get; set; } =
        Reconciliation.BackendFactory.CreateAsync;

    /// <summary>Backend options from the command line (e.g. <c>--variant</c>).</summary>
    public Reconciliation.BackendOptions BackendOptions { get; set; } = new();

    /// <summary>True when the host of <see cref="Target"/> can be observed from here (false: plan from scratch).</summary>
    public bool ObserveHost => Reconciliation.BackendFactory.IsNative(Target) || BackendFactory != DefaultFactory;

    /// <summary>The reconciler for <see cref="Target"/>, created on first use.</summary>
    public async Task<Reconciliation.Reconciler> ReconcilerAsync(CancellationToken cancellationToken) =>
        _reconciler ??= new Reconciliation.Reconciler(Store, await BackendFactory(Target, BackendOptions, cancellationToken).ConfigureAwait(false));

    private static readonly Func<HostTarget, Reconciliation.BackendOptions, CancellationToken, Task<Backends.Execution.IHostBackend>> DefaultFactory = BackendFactory;

    /// <summary>JSON options for <c>--output json</c>: kebab-case keys, as in documents.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Writes <paramref name="value"/> as JSON on standard output.</summary>
    public void WriteJson(object value) => Stdout.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Writes an error line on standard error.</summary>
    public void Error(string message) => Stderr.WriteLine($"netvirt: {message}");
}
