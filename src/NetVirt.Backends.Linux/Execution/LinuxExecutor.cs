using System.Diagnostics;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Kinds;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Collections;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;

namespace NetVirt.Backends.Linux.Execution;

/// <summary>
/// Carries out a batch of independent steps with as few processes and system calls as the kernel allows. Each step's
/// kind says what it takes (<see cref="LinuxKind.Schedule"/>); the executor runs it all at once: namespaces are
/// created and deleted on dedicated threads; requests in the host namespace go out as netlink batches, then work inside
/// namespaces runs on parallel dedicated threads (one socket and one batch per namespace) while tc runs one
/// <c>tc -batch</c>; the nftables part is one atomic <c>nft -f -</c> transaction. "Exists" on create and "not found"
/// on delete are tolerated and mark the step <see cref="StepExecution.NoOp"/>. Each step's journal records are what
/// really ran: the netlink requests with the kernel's errno, the tool lines it contributed with the tool's exit code.
/// </summary>
internal sealed class LinuxExecutor(LinuxContext context, ILinuxKernel kernel, INftables nft, ITrafficControl tc, int threads)
{
    private const int EEXIST = 17;
    private const int ENODEV = 19;
    private const int ENOENT = 2;
    private const int ESRCH = 3;
    private const int EADDRNOTAVAIL = 99;

    public async Task<IReadOnlyList<StepExecution>> ExecuteAsync(IReadOnlyList<PlanStep> batch, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var steps = batch.Select(s => new StepWork(s)).ToArray();
        var work = new BatchWork();
        foreach (var step in steps)
        {
            try
            {
                LinuxKinds.Of(step.Step.Resource.Kind).Schedule(step, work, context);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
            {
                step.Fail(ex.Message);
            }
        }

        var tasks = new List<Task>();
        if (work.NamespaceCreates.Count > 0 || work.NamespaceDeletes.Count > 0)
        {
            tasks.Add(Task.Run(() =>
            {
                using var phase = Phases.Start("kernel namespaces");
                RunNamespaces(work);
            }, cancellationToken));
        }

        if (work.Nft.Count > 0)
        {
            tasks.Add(Task.Run(async () =>
            {
                using var phase = Phases.Start("kernel nft");
                await RunNftAsync(work.Nft, cancellationToken).ConfigureAwait(false);
            }, cancellationToken));
        }

        if (work.Host.Count > 0 || work.Inside.Count > 0 || work.Tc.Count > 0)
        {
            tasks.Add(Task.Run(async () =>
            {
                using (Phases.Start("kernel host netlink"))
                {
                    RunHost(work.Host);
                }

                var inside = Task.Run(() =>
                {
                    using var phase = Phases.Start("kernel inside namespaces");
                    RunInside(work.Inside);
                }, cancellationToken);
                using (Phases.Start("kernel tc"))
                {
                    await RunTcAsync(work.Tc, cancellationToken).ConfigureAwait(false);
                }

                await inside.ConfigureAwait(false);
            }, cancellationToken));
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        var share = clock.Elapsed / Math.Max(1, batch.Count);
        return [.. steps.Select(s => s.ToExecution(share))];
    }

    // ---- namespaces -------------------------------------------------------------------------------------------

    private void RunNamespaces(BatchWork work)
    {
        var deleted = new List<(StepWork Step, ulong Inode)>();
        foreach (var step in work.NamespaceDeletes.Where(s => s.Error is null))
        {
            var name = step.Step.Resource.Name;
            try
            {
                step.NoOp = !kernel.DeleteNamespace(name, out var inode);
                step.Record(["netns", "delete", name], null);
                deleted.Add((step, inode));
            }
            catch (IOException ex)
            {
                step.Record(["netns", "delete", name], ex.Message);
                step.Fail($"removing the name {name} failed: {ex.Message}");
            }
        }

        using (Phases.Start("kernel wait for release"))
        {
            WaitForRelease(deleted);
        }

        var creates = work.NamespaceCreates.Where(s => s.Error is null).ToList();
        if (creates.Count == 0)
        {
            return;
        }

        var byName = creates.ToDictionary(s => s.Step.Resource.Name, StringComparer.Ordinal);
        var results = kernel.CreateNamespaces([.. byName.Keys], threads, inside => NetnsKind.SetUp(inside, byName[inside.Name], context));
        var names = byName.Keys.ToList();
        for (var i = 0; i < names.Count; i++)
        {
            var step = byName[names[i]];
            var (created, error) = results[i];
            step.Record(["netns", created ? "add" : "enter", names[i]], error?.Message);
            if (error is not null)
            {
                step.Fail(error.Message);
            }
            else
            {
                step.NoOp = !created;
            }
        }
    }

    /// <summary>
    /// The kernel destroys a namespace (and the host ends of its veth pairs) asynchronously, in batches. Waits until
    /// no host interface still belongs to one of the deleted namespaces, so that a create right after cannot meet
    /// the old host end.
    /// </summary>
    private void WaitForRelease(List<(StepWork Step, ulong Inode)> deleted)
    {
        if (deleted.Count == 0)
        {
            return;
        }

        // Which host links are ends of the deleted namespaces' pairs: by their aliases, read once; then only whether
        // those names still exist is asked again (no dump of every link: see ILinuxKernel.HostLinkAliases).
        var gone = deleted.Select(d => d.Step.Step.Resource.Name).ToHashSet(StringComparer.Ordinal);
        // A link already being removed is waited for too: whose it is cannot be read, and it is gone soon anyway.
        var holding = kernel.HostLinkAliases(context.Naming.OwnerMark)
            .Select(l => (l.Name, Unregistering: l.Alias == ILinuxKernel.AliasOfUnregisteringLink, Netns: NamespaceOf(l.Alias)))
            .Where(l => l.Unregistering || (l.Netns is not null && gone.Contains(l.Netns)))
            .Select(l => (l.Name, l.Netns))
            .ToList();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            holding.RemoveAll(l => !kernel.HasHostLink(l.Name));
            if (holding.Count == 0)
            {
                return;
            }

            if (deadline.Elapsed > context.NamespaceReleaseTimeout)
            {
                FailUnreleased(deleted, holding);
                return;
            }

            Thread.Sleep(10);
        }
    }

    // Each namespace still held fails its step, naming its host ends and what holds it, as far as /proc shows.
    private void FailUnreleased(List<(StepWork Step, ulong Inode)> deleted, List<(string Name, string? Netns)> holding)
    {
        var held = deleted.Where(d => holding.Any(l => l.Netns == d.Step.Step.Resource.Name)).ToList();
        var holders = kernel.NamespaceHolders([.. held.Select(d => d.Inode)]);
        foreach (var (step, inode) in held)
        {
            var ends = string.Join(", ", holding.Where(l => l.Netns == step.Step.Resource.Name).Select(l => l.Name));
            var why = holders.TryGetValue(inode, out var found) && found.Count > 0
                ? string.Join("; ", found)
                : "no process runs in it, has it open or mounts it, so a socket or another kernel object made in it holds it";
            step.Fail($"the name is removed, but after {context.NamespaceReleaseTimeout.TotalSeconds:0.###} s the kernel still holds the namespace (host ends {ends}): {why}");
        }
    }

    private string? NamespaceOf(string? hostLinkAlias)
    {
        if (LinuxNaming.ParseAlias(hostLinkAlias) is not { } alias || alias.Identity.IndexOf('/', StringComparison.Ordinal) is var slash && slash <= 0)
        {
            return null;
        }

        var owner = alias.Identity[..slash];
        return alias.Kind == VethKind.Vnic.AliasKind ? context.Naming.ZoneNetns(owner)
            : alias.Kind == VethKind.Leg.AliasKind ? context.Naming.RouterNetns(owner)
            : null;
    }

    // ---- netlink ----------------------------------------------------------------------------------------------

    private void RunHost(List<(StepWork Step, RtnlRequest Request, Role Role)> host)
    {
        var ready = host.Where(h => h.Step.Error is null).ToList();
        if (ready.Count == 0)
        {
            return;
        }

        Apply(ready, kernel.Execute([.. ready.Select(h => h.Request)]));
    }

    private void RunInside(List<InsideWork> inside)
    {
        var groups = inside.Where(w => w.Step.Error is null).GroupBy(w => w.Netns, StringComparer.Ordinal).ToList();
        if (groups.Count == 0)
        {
            return;
        }

        var byNetns = groups.ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var results = kernel.InEach([.. groups.Select(g => g.Key)], threads, k =>
        {
            RunIn(k, byNetns[k.Name]);
            return true;
        });
        HashSet<string>? namespaces = null;
        for (var i = 0; i < groups.Count; i++)
        {
            if (results[i].Error is not { } error)
            {
                continue;
            }

            namespaces ??= kernel.Namespaces().Where(e => e.IsNamespace).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var work in groups[i])
            {
                // A delete inside a namespace that is gone has nothing left to delete.
                if (work.Step.Step.Action == StepAction.Delete && !namespaces.Contains(groups[i].Key))
                {
                    work.Step.NoOp = true;
                }
                else
                {
                    work.Step.Fail($"in network namespace '{groups[i].Key}': {error.Message}");
                }
            }
        }
    }

    /// <summary>Runs on a thread inside the namespace of every item in <paramref name="items"/>: actions first, then one batch of requests.</summary>
    private static void RunIn(INamespaceKernel inside, List<InsideWork> items)
    {
        foreach (var item in items.Where(w => w.Run is not null))
        {
            try
            {
                item.Run!(inside);
            }
            catch (IOException ex)
            {
                item.Step.Fail(ex.Message);
            }
            catch (UnauthorizedAccessException ex)
            {
                item.Step.Fail(ex.Message);
            }
        }

        var requests = items.Where(w => w.Request is not null && w.Step.Error is null).ToList();
        if (requests.Count > 0)
        {
            Apply([.. requests.Select(w => (w.Step, w.Request!, w.Role))], inside.Execute([.. requests.Select(w => w.Request!)]));
        }
    }

    private static void Apply(List<(StepWork Step, RtnlRequest Request, Role Role)> sent, IReadOnlyList<NetlinkResult> results)
    {
        for (var i = 0; i < results.Count; i++)
        {
            var (step, request, role) = sent[i];
            var result = results[i];
            step.Record(request, result);
            if (result.Succeeded)
            {
                continue;
            }

            switch (role)
            {
                case Role.Create when result.Errno == EEXIST:
                    step.NoOp = true;
                    break;
                case Role.Ensure when result.Errno == EEXIST:
                case Role.Release when result.Errno == ENODEV:
                    break;
                case Role.Delete when result.Errno is ENODEV or ENOENT or ESRCH or EADDRNOTAVAIL:
                    step.NoOp = true;
                    break;
                default:
                    step.Fail($"{request}: {result}");
                    break;
            }
        }
    }

    // ---- nftables ---------------------------------------------------------------------------------------------

    private async Task RunNftAsync(List<NftWork> work, CancellationToken cancellationToken)
    {
        // When every step that must know the table has lines for the table as it expects it, those go first, unread: one
        // transaction, all or nothing, so a failure changed nothing and the steps are decided again from the listing.
        var ready = work.Where(w => w.Step.Error is null).ToList();
        if (ready.Any(w => w.NeedsTable) && ready.All(w => !w.NeedsTable || w.Expected is not null))
        {
            var expected = ready.Select(w => (w.Step, Lines: w.NeedsTable ? w.Expected : w.Lines(null))).Where(p => p.Lines is { Count: > 0 }).ToList();
            // Element commands merged (NftRuleset.MergeElementCommands); a failure's text is not shown, the steps are
            // decided again below.
            var tried = await nft.RunAsync(NftRuleset.MergeElementCommands([.. expected.SelectMany(p => p.Lines!)]), cancellationToken).ConfigureAwait(false);
            if (tried.Succeeded)
            {
                foreach (var (step, lines) in expected)
                {
                    step.Record(new CommandRecord([.. tried.Command.Argv], tried.ExitCode, tried.Stderr.Trim(), tried.Duration) { Input = string.Join('\n', lines!) });
                }

                return;
            }
        }

        // The table as it is, when a step must know what is there (deletes, element changes, a rewrite).
        var table = work.Any(w => w.NeedsTable) ? await nft.ListAsync(context.Table, cancellationToken).ConfigureAwait(false) : null;
        var parts = new List<(StepWork Step, IReadOnlyList<string> Lines)>();
        foreach (var w in work.Where(w => w.Step.Error is null))
        {
            if (w.Lines(table) is { Count: > 0 } lines)
            {
                parts.Add((w.Step, lines));
            }
        }

        if (parts.Count == 0)
        {
            return;
        }

        // Table lines first (their steps come first in a batch of one rank), then the elements.
        // Merged first; if that fails (nothing of it applied), line by line, so that nft's error quotes one step's
        // command, not a merged one holding every VNIC's elements.
        string[] all = [.. parts.SelectMany(p => p.Lines)];
        var result = await nft.RunAsync(NftRuleset.MergeElementCommands(all), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            result = await nft.RunAsync(all, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (step, lines) in parts)
        {
            step.Record(new CommandRecord([.. result.Command.Argv], result.ExitCode, result.Stderr.Trim(), result.Duration) { Input = string.Join('\n', lines) });
            if (!result.Succeeded)
            {
                step.NoOp = false;
                step.Fail($"nft transaction failed (nothing of it was applied): {result.Stderr.Trim()}");
            }
        }
    }

    // ---- tc ---------------------------------------------------------------------------------------------------

    private async Task RunTcAsync(List<TcWork> work, CancellationToken cancellationToken)
    {
        var bestEffort = work.Where(w => w.BestEffort && w.Step.Error is null).ToList();
        if (bestEffort.Count > 0)
        {
            var cleared = await tc.RunAsync([.. bestEffort.SelectMany(w => w.Lines)], force: true, cancellationToken).ConfigureAwait(false);
            foreach (var w in bestEffort)
            {
                w.Step.Record(new CommandRecord([.. cleared.Command.Argv], cleared.ExitCode, cleared.Stderr.Trim(), cleared.Duration) { Input = string.Join('\n', w.Lines) });
            }
        }

        var ready = work.Where(w => !w.BestEffort && w.Step.Error is null).ToList();
        if (ready.Count == 0)
        {
            return;
        }

        var result = await tc.RunAsync([.. ready.SelectMany(w => w.Lines)], force: false, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            foreach (var w in ready)
            {
                w.Step.Record(new CommandRecord([.. result.Command.Argv], 0, "", result.Duration) { Input = string.Join('\n', w.Lines) });
            }

            return;
        }

        // Which one failed: every line is a replace, so running each step's lines again is harmless.
        foreach (var w in ready)
        {
            var own = await tc.RunAsync(w.Lines, force: false, cancellationToken).ConfigureAwait(false);
            w.Step.Record(new CommandRecord([.. own.Command.Argv], own.ExitCode, own.Stderr.Trim(), own.Duration) { Input = string.Join('\n', w.Lines) });
            if (!own.Succeeded)
            {
                w.Step.Fail($"tc: {own.Stderr.Trim()}");
            }
        }
    }
}
