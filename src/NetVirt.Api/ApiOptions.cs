using NetVirt.Api.Reconcile;
using NetVirt.Model.Validation;

namespace NetVirt.Api;

/// <summary>How <c>netvirt serve</c> runs.</summary>
public sealed record ApiOptions
{
    /// <summary>Where the server listens unless told otherwise: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8470";

    /// <summary>The database: a SQLite file path or a <c>postgresql://</c> URI (see <see cref="Store.StoreLocation"/>).</summary>
    public required Store.StoreAddress Database { get; init; }

    /// <summary>The host target writes are validated for and the backend drives.</summary>
    public HostTarget Target { get; init; } = OperatingSystem.IsLinux() ? HostTarget.Linux : HostTarget.Illumos;

    /// <summary>Ownership prefix of the host objects this server's host carries (<c>--prefix</c>, else <c>NETVIRT_PREFIX</c>, else <c>nv</c>).</summary>
    public string Prefix { get; init; } = Reconciliation.BackendFactory.Prefix;

    /// <summary>How the server logs: <c>text</c> (one line per event, with a UTC timestamp) or <c>json</c> (one JSON object per line).</summary>
    public Observability.LogFormat LogFormat { get; init; } = Observability.LogFormat.Text;

    /// <summary>Addresses to listen on (Kestrel URLs).</summary>
    public IReadOnlyList<string> Urls { get; init; } = [DefaultUrl];

    /// <summary>
    /// The unix socket the CNI plugin talks to (root's only), or null for none. <c>netvirt serve</c> listens on
    /// <see cref="Cni.DaemonSocket.DefaultFor"/> unless told <c>--socket PATH|none</c>.
    /// </summary>
    public string? Socket { get; init; }

    /// <summary>Reconcile scheduling.</summary>
    public ReconcileOptions Reconcile { get; init; } = new();

    /// <summary>False only with an explicit <c>--auth none</c>, which is refused on a non-loopback address.</summary>
    public bool RequireAuth { get; init; } = true;

    /// <summary>Token file; null = <c>&lt;db&gt;.api-tokens</c>.</summary>
    public string? TokenFile { get; init; }

    /// <summary>Largest request body accepted.</summary>
    public long MaxBodyBytes { get; init; } = Hosting.RequestBody.DefaultLimit;

    /// <summary>How long one statement waits for another process's lock on the database (the store retries a few times more).</summary>
    public TimeSpan BusyTimeout { get; init; } = Store.NetVirtDatabase.DefaultBusyTimeout;

    /// <summary>How long a write waits for its turn before the server answers 503.</summary>
    public TimeSpan WriteWait { get; init; } = TimeSpan.FromSeconds(10);
}
