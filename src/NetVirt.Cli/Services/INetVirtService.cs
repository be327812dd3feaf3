using System.Net;
using NetVirt.Api.Views;
using NetVirt.Backends.Execution;
using NetVirt.Documents;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Store;
using NetVirt.Store.DesiredState;
using NetVirt.Store.Journal;

namespace NetVirt.Cli.Services;

/// <summary>
/// What the commands ask of NetVirt, answered either from the local database and host
/// (<see cref="LocalNetVirtService"/>) or by a running <c>netvirt serve</c> (<see cref="HttpNetVirtService"/>, with
/// <c>--server URL</c>). Each command's logic and output exist once; only where the work happens differs. Errors
/// come back as the same exceptions either way, so exit codes match.
/// </summary>
public interface INetVirtService
{
    /// <summary>Every error of loaded documents for the target (structural and semantic).</summary>
    Task<IReadOnlyList<ValidationError>> ValidateAsync(LoadResult loaded, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="model"/> as the desired state; <see cref="ModelValidationException"/> when invalid. An
    /// empty model does not replace a non-empty desired state unless <paramref name="allowEmpty"/>.
    /// </summary>
    Task<WriteOutcome> StoreAsync(NetworkModel model, bool allowEmpty, CancellationToken cancellationToken);

    /// <summary>
    /// The current generation when documents with <paramref name="digest"/> (<see cref="Documents.DocumentDigest"/>)
    /// are the ones stored last and nothing changed the desired state since, so storing them again would change
    /// nothing; else null. Always null over <c>--server</c>: the server's database is the server's to read.
    /// </summary>
    Task<long?> UnchangedDocumentsAsync(string digest, CancellationToken cancellationToken);

    /// <summary>Records that documents with <paramref name="digest"/> made the desired state <paramref name="generation"/> (none over <c>--server</c>).</summary>
    Task RecordDocumentsAsync(string digest, long generation, CancellationToken cancellationToken);

    /// <summary>
    /// What storing <paramref name="model"/> would do, with nothing stored or applied: the plan for the host and the
    /// MACs and addresses IPAM would hand out or release (<c>apply --dry-run</c>).
    /// </summary>
    Task<(PlanOutcome Plan, IReadOnlyList<AllocationView> Allocations)> PreviewAsync(NetworkModel model, bool allowEmpty, CancellationToken cancellationToken);

    /// <summary>The deployment id of the database (local, or the server's).</summary>
    Task<string> DeploymentIdAsync(CancellationToken cancellationToken);

    /// <summary>The stored desired state, authored and resolved.</summary>
    Task<StoredState> LoadAsync(CancellationToken cancellationToken);

    /// <summary>The topology as drawn by whoever owns the host objects (a server names bridges with its own prefix).</summary>
    Task<Api.Views.Topology.TopologyView> TopologyAsync(CancellationToken cancellationToken);

    /// <summary>The hosts with what their agents last reported.</summary>
    Task<IReadOnlyList<Api.Endpoints.HostView>> HostsAsync(CancellationToken cancellationToken);

    /// <summary>Usage per family of one network, or of every network.</summary>
    Task<IReadOnlyList<UsageView>> UsageAsync(string? network, CancellationToken cancellationToken);

    /// <summary>Every address a network has used.</summary>
    Task<IReadOnlyList<AddressView>> AddressesAsync(string network, CancellationToken cancellationToken);

    /// <summary>The free ranges of a network (one family, or both when null).</summary>
    Task<IReadOnlyList<FreeRangeView>> FreeRangesAsync(string network, string? family, CancellationToken cancellationToken);

    /// <summary>Who holds an address.</summary>
    Task<IReadOnlyList<AddressView>> WhoAsync(IPAddress address, CancellationToken cancellationToken);

    /// <summary>Reserves an address or range.</summary>
    Task<WriteOutcome> ReserveAsync(string network, IpRange range, string? note, CancellationToken cancellationToken);

    /// <summary>Removes reservations inside a range.</summary>
    Task<WriteOutcome> ReleaseAsync(string network, IpRange range, CancellationToken cancellationToken);

    /// <summary>The plan for the stored desired state (<paramref name="observeHost"/> false: from scratch), or towards nothing with <paramref name="destroy"/>.</summary>
    Task<PlanOutcome> PlanAsync(bool observeHost, bool destroy, CancellationToken cancellationToken);

    /// <summary>What on the host differs from the desired state.</summary>
    Task<DriftView> DriftAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Applies the desired state (or, with <paramref name="destroy"/>, removes everything NetVirt owns): shows the
    /// plan to <paramref name="approve"/> first and does nothing when it says no. Returns the plan and the run, if
    /// one ran.
    /// </summary>
    Task<(PlanOutcome Plan, RunSummary? Run)> ApplyAsync(ApplyOptions options, bool destroy, Func<PlanOutcome, bool> approve, CancellationToken cancellationToken);

    /// <summary>
    /// For an apply of documents (<c>apply -f</c>) on this host: takes the apply lock and starts reading the host now, so
    /// that reading it runs beside parsing and storing the documents; the next <see cref="ApplyAsync"/> plans against
    /// that reading. Dispose it when the command ends. It only saves time, so it fails only when cancelled: null when
    /// the work is not done here (<c>--server</c>, or a host of another target), when the database does not exist yet
    /// (nothing may be created before the documents are valid), when another apply holds the lock, or on any error
    /// (the apply meets it again and reports it).
    /// </summary>
    Task<IDisposable?> ObserveAheadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// For an apply of <paramref name="model"/> (valid documents, applied without asking) on this host: lets the
    /// backend start, before the model is stored and planned, what the plan will need and nobody can see
    /// (<see cref="Backends.Execution.IHostBackend.Anticipate"/>). Creates nothing: a database that does not exist yet
    /// is created afterwards, while that work runs.
    /// Dispose it when the command ends. Null when nothing was started, or the work is not done here (<c>--server</c>).
    /// </summary>
    Task<IDisposable?> AnticipateAsync(NetworkModel model, CancellationToken cancellationToken);

    /// <summary>The most recent apply runs.</summary>
    Task<IReadOnlyList<RunRecord>> RunsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>One apply run with its plan and steps.</summary>
    Task<HistoryRunView> RunAsync(long id, CancellationToken cancellationToken);
}
