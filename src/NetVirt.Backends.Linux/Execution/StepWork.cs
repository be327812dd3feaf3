using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Model.Collections;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;

namespace NetVirt.Backends.Linux.Execution;

/// <summary>
/// One step while its batch runs: what it sent and what the kernel and tools answered (the journal's records), whether
/// it failed, and whether it found the host already as it wants (<see cref="NoOp"/>). Filled in from several threads.
/// </summary>
internal sealed class StepWork(PlanStep step)
{
    private readonly Lock _gate = new();
    private readonly List<CommandRecord> _records = [];

    /// <summary>The step.</summary>
    public PlanStep Step { get; } = step;

    /// <summary>The first failure, naming the step.</summary>
    public string? Error { get; private set; }

    /// <summary>True when the object was already there (create) or already gone (delete).</summary>
    public bool NoOp { get; set; }

    /// <summary>Records a failure (the first one counts).</summary>
    public void Fail(string message)
    {
        lock (_gate)
        {
            Error ??= $"{PlanJson.Name(Step.Action)} {Step.Resource}: {message}";
        }
    }

    /// <summary>Records what ran.</summary>
    public void Record(CommandRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
        }
    }

    /// <summary>Records a netlink request and the kernel's answer.</summary>
    public void Record(RtnlRequest request, NetlinkResult result) =>
        Record(new CommandRecord(["netlink", .. request.Describe()], result.Errno, result.Succeeded ? "" : result.ToString(), TimeSpan.Zero));

    /// <summary>Records an operation that is not a process or a single request (creating a namespace): 0 or 1 and the error.</summary>
    public void Record(string[] operation, string? error) => Record(new CommandRecord([.. operation], error is null ? 0 : 1, error ?? "", TimeSpan.Zero));

    /// <summary>The execution for the journal.</summary>
    public StepExecution ToExecution(TimeSpan duration)
    {
        CommandRecord[] records;
        lock (_gate)
        {
            records = [.. _records];
        }

        return Error is null
            ? StepExecution.Success(Step, duration, records) with { NoOp = NoOp }
            : StepExecution.Failure(Step, Error, duration, records);
    }
}

/// <summary>How a netlink request's errors read for its step.</summary>
internal enum Role
{
    /// <summary>Creates the step's object: "exists" means it was already there (no-op).</summary>
    Create,

    /// <summary>Creates a helper object that may exist already (an ifb).</summary>
    Ensure,

    /// <summary>Changes an object.</summary>
    Modify,

    /// <summary>Releases a foreign interface from an owned bridge: one that is gone needs no release.</summary>
    Release,

    /// <summary>Deletes the step's object: "not found" means it was already gone (no-op).</summary>
    Delete,
}

/// <summary>
/// What a batch of steps asks of the kernel and the tools, gathered from each step's kind
/// (<see cref="Kinds.LinuxKind.Schedule"/>) and carried out by <see cref="LinuxExecutor"/>: namespaces created and
/// deleted, requests in the host namespace (first), then work inside namespaces and tc lines (after the host
/// requests), and one nftables transaction.
/// </summary>
internal sealed class BatchWork
{
    /// <summary>Namespace create steps.</summary>
    public List<StepWork> NamespaceCreates { get; } = [];

    /// <summary>Namespace delete steps.</summary>
    public List<StepWork> NamespaceDeletes { get; } = [];

    /// <summary>Requests in the host namespace, in order.</summary>
    public List<(StepWork Step, RtnlRequest Request, Role Role)> Host { get; } = [];

    /// <summary>Work inside namespaces, after the host requests.</summary>
    public List<InsideWork> Inside { get; } = [];

    /// <summary>The steps' parts of the nftables transaction.</summary>
    public List<NftWork> Nft { get; } = [];

    /// <summary>tc lines, after the host requests.</summary>
    public List<TcWork> Tc { get; } = [];

    /// <summary>
    /// Adds a host request. A link set up and without a link-local address in one request goes as two, the address
    /// generation mode first: the kernel brings a link up before it applies the mode, so a link that has carrier at once
    /// (a bridge, the second end of a trunk, an ifb) got a link-local address anyway, and sent router solicitations and
    /// MLD reports into the networks from it (found flooding every container of a network as a new container leaf came).
    /// </summary>
    public void AddHost(StepWork step, RtnlRequest request, Role role)
    {
        if (request is SetLinkRequest { NoIpv6LinkLocal: true, Up: true } set)
        {
            Host.Add((step, new SetLinkRequest(set.Name) { NoIpv6LinkLocal = true }, role));
            request = set with { NoIpv6LinkLocal = false };
        }

        Host.Add((step, request, role));
    }

    /// <summary>Adds a request inside <paramref name="netns"/>.</summary>
    public void AddInside(StepWork step, string netns, RtnlRequest request, Role role) => Inside.Add(new InsideWork(step, netns, request, role, null));

    /// <summary>Adds something to do inside <paramref name="netns"/> before its requests (sysctls).</summary>
    public void AddInside(StepWork step, string netns, Action<INamespaceKernel> run) => Inside.Add(new InsideWork(step, netns, null, Role.Modify, run));
}

/// <summary>A request, or an action, inside one namespace for one step.</summary>
internal sealed record InsideWork(StepWork Step, string Netns, RtnlRequest? Request, Role Role, Action<INamespaceKernel>? Run);

/// <summary>
/// A step's part of the nftables transaction. <see cref="Lines"/> gets the table as it is when
/// <see cref="NeedsTable"/> (so that only elements that are there are deleted) and returns null when nothing needs doing.
/// <see cref="Expected"/>, when set, are the lines to try first without reading the table: if the table holds what
/// the step expects they do the same; if not, the transaction fails whole, changes nothing, and <see cref="Lines"/>
/// decides from the table as listed.
/// </summary>
internal sealed record NftWork(StepWork Step, bool NeedsTable, Func<Nftables.NftTableObserved?, IReadOnlyList<string>?> Lines)
{
    /// <summary>Lines for the table as the step expects it, tried before the table is read (null: read it first).</summary>
    public IReadOnlyList<string>? Expected { get; init; }
}

/// <summary>A step's tc lines; <see cref="BestEffort"/> lines run with <c>-force</c> and their failure is not the step's.</summary>
internal sealed record TcWork(StepWork Step, IReadOnlyList<string> Lines, bool BestEffort);
