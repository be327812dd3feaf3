using NetVirt.Api.Hosting;
using NetVirt.Api.Reconcile;
using NetVirt.Backends.Containers;
using NetVirt.Backends.Execution;
using NetVirt.Cni;
using NetVirt.Cni.Protocol;
using NetVirt.Model.Errors;
using NetVirt.Reconciliation;
using NetVirt.Store;

namespace NetVirt.Api.Cni;

/// <summary>
/// The daemon's half of the CNI plugin: ADD stores the attachment (one IPAM transaction through the server's write gate)
/// and realizes that one attachment at once; DEL removes its host side, then releases it in the store; CHECK compares
/// the host with the store; GC detaches what the runtime no longer lists. Host work runs as a run of the reconcile
/// service (kind <c>container</c>), keyed by the attachment: attachments of different containers run side by side, one
/// attachment's calls one after the other, and none overlaps a whole-host apply of this server. Each holds the
/// database's apply lock shared, against other processes' applies.
/// </summary>
/// <remarks>
/// Order matters for a crash at any instant. ADD stores first, then realizes; when realizing fails it removes what it
/// made and releases the attachment before answering, so a failed ADD leaves nothing. A daemon killed mid-ADD leaves an
/// attachment that the runtime's DEL (which follows a failed ADD) or a repeated ADD (which realizes again) completes.
/// DEL takes the host side off the network before it releases the addresses, so an address is never handed out while
/// a veth on the network still carries it; what is slow to delete of it goes after the answer, in a run of its own.
/// </remarks>
public sealed class ContainerAttachments(ApiState state)
{
    /// <summary>ADD: the attachment as the CNI result.</summary>
    public async Task<AttachmentResult> AddAsync(AttachmentRequest request, CancellationToken cancellationToken)
    {
        var (containerId, ifname) = Require(request, needNetns: true);
        var build = AttachmentTranslation.VnicBuilder(request);
        ContainerAttachment attachment;
        using (Phases.Start("cni store attach"))
        {
            (attachment, _) = await state.WriteAsync(
                store => store.AttachContainer(containerId, request.Netns, AttachmentTranslation.Labels(request), request.CniNetwork, ifname, build, state.Target),
                a => new WriteOutcome(a.Generation, Changed: false), cancellationToken).ConfigureAwait(false);
        }

        if (attachment.Existing && attachment.Zone.Container!.Netns != request.Netns)
        {
            throw new CniException(CniErrorCode.InvalidConfig,
                $"container '{containerId}' interface '{ifname}' is already attached in namespace {attachment.Zone.Container.Netns}, not {request.Netns}",
                "a runtime calls DEL before it attaches the same container again");
        }

        try
        {
            var realization = await OnHostAsync("attach", attachment, (backend, ct) => backend.AttachAsync(attachment.Infrastructure, attachment.Zone, ifname, ct), cancellationToken)
                .ConfigureAwait(false);
            return AttachmentTranslation.Result(attachment, realization);
        }
        catch (Exception ex) when (!attachment.Existing && ex is not OperationCanceledException)
        {
            // A failed ADD leaves nothing behind: what was made goes, and the addresses are released.
            try
            {
                await OnHostAsync("detach", attachment, async (backend, ct) =>
                {
                    await backend.DetachAsync(attachment.Infrastructure, attachment.Zone, ifname, ct).ConfigureAwait(false);
                    return true;
                }, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                await state.WriteAsync(store => store.DetachContainer(request.CniNetwork, containerId, ifname), _ => new WriteOutcome(0, false), CancellationToken.None)
                    .ConfigureAwait(false);
                CollectDetachedLater();
            }

            throw;
        }
    }

    /// <summary>DEL: removes the attachment; succeeds when there is none (repeated, never made, or its namespace gone).</summary>
    public async Task DelAsync(AttachmentRequest request, CancellationToken cancellationToken)
    {
        var (containerId, ifname) = Require(request, needNetns: false);
        ContainerAttachment? found;
        using (Phases.Start("cni store find"))
        {
            found = state.Store.FindContainerAttachment(request.CniNetwork, containerId, ifname);
        }

        if (found is not { } attachment)
        {
            return;
        }

        await Detach(attachment, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>CHECK: the attachment must be stored and the host must match it.</summary>
    public async Task CheckAsync(AttachmentRequest request, CancellationToken cancellationToken)
    {
        var (containerId, ifname) = Require(request, needNetns: true);
        var attachment = state.Store.FindContainerAttachment(request.CniNetwork, containerId, ifname)
            ?? throw new CniException(CniErrorCode.UnknownContainer, $"NetVirt has no attachment of interface '{ifname}' of container '{containerId}' on CNI network '{request.CniNetwork}'");
        if (attachment.Zone.Container!.Netns != request.Netns)
        {
            throw new CniException(CniErrorCode.CheckFailed, $"container '{containerId}' was attached in namespace {attachment.Zone.Container.Netns}, not {request.Netns}");
        }

        var differences = await OnHostAsync("check", attachment, (backend, ct) => backend.CheckAsync(attachment.Infrastructure, attachment.Zone, ifname, ct), cancellationToken)
            .ConfigureAwait(false);
        if (differences.Count > 0)
        {
            throw new CniException(CniErrorCode.CheckFailed,
                $"container '{containerId}' interface '{ifname}' differs from what NetVirt stored ({differences.Count} difference{(differences.Count == 1 ? "" : "s")})",
                string.Join("; ", differences));
        }
    }

    /// <summary>GC: detaches every attachment of the CNI network that the runtime's list does not name.</summary>
    public async Task GcAsync(AttachmentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var valid = (request.ValidAttachments ?? []).Select(a => (a.ContainerId, a.Ifname)).ToHashSet();
        var failures = new List<string>();
        foreach (var attachment in state.Store.ContainerAttachments(request.CniNetwork).Where(a => !valid.Contains((a.ContainerId, a.Interface))))
        {
            try
            {
                await Detach(attachment, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NetVirtException or CniException)
            {
                failures.Add($"container '{attachment.ContainerId}' interface '{attachment.Interface}': {ex.Message}");
            }
        }

        if (failures.Count > 0)
        {
            throw new CniException(CniErrorCode.HostFailure, $"GC could not remove {failures.Count} attachment{(failures.Count == 1 ? "" : "s")}", string.Join("; ", failures));
        }
    }

    /// <summary>STATUS: ready when the store answers and this server's backend can host containers.</summary>
    public async Task StatusAsync(AttachmentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            state.Store.Generation();
            await OnHostAsync<bool>("status", null, (_, _) => Task.FromResult(true), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NetVirtException or CniException)
        {
            throw new CniException(CniErrorCode.PluginNotAvailable, $"NetVirt cannot attach containers now: {ex.Message}");
        }

        if (!state.Store.Infrastructure().Networks.Any(n => n.Name == request.Network) && !state.Store.Infrastructure().Pools.Any(p => p.Name == request.Network))
        {
            throw new CniException(CniErrorCode.PluginNotAvailable, $"'{request.Network}' is neither a network nor a pool of this NetVirt");
        }
    }

    private async Task Detach(ContainerAttachment attachment, CancellationToken cancellationToken)
    {
        await OnHostAsync("detach", attachment, async (backend, ct) =>
        {
            await backend.DetachAsync(attachment.Infrastructure, attachment.Zone, attachment.Interface, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        using (Phases.Start("cni store detach"))
        {
            await state.WriteAsync(store => store.DetachContainer(attachment.CniNetwork, attachment.ContainerId, attachment.Interface), _ => new WriteOutcome(0, false), cancellationToken)
                .ConfigureAwait(false);
        }

        CollectDetachedLater();
    }

    /// <summary>
    /// Deletes what detaches left for later (<see cref="IContainerBackend.CollectDetachedAsync"/>: on Linux the veth pairs,
    /// about 20 ms of the kernel's waiting each) in a run of its own, not awaited: the DEL answers without it. It takes the
    /// shared apply lock like every attachment's host work. The run waits the service's debounce (250 ms) and the DELs
    /// in between join it, so a burst of DELs is collected in one batch and the collection never competes with the DELs
    /// themselves (started at once after each DEL, it made the next DEL 3 ms slower). A collection that fails leaves ends
    /// that are off the network already; the next ADD that meets one, or the next apply, deletes it.
    /// </summary>
    private void CollectDetachedLater() => _ = Task.Run(async () =>
    {
        try
        {
            await OnHostAsync("collect detached", null, async (backend, ct) =>
            {
                await backend.CollectDetachedAsync(ct).ConfigureAwait(false);
                return true;
            }, CancellationToken.None, coalesceKey: "cni collect detached", automatic: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing waits for it: a collection that failed is the run's failure in the reconcile service's log, and a
            // request that joined a queued collection ends here without its own work having run.
        }
    });

    /// <summary>Runs host work for one attachment as a keyed run of the reconcile service, under the database's apply lock (shared).</summary>
    private async Task<T> OnHostAsync<T>(
        string action, ContainerAttachment? attachment, Func<IContainerBackend, CancellationToken, Task<T>> work, CancellationToken cancellationToken,
        string? coalesceKey = null, bool automatic = false)
    {
        using var phase = Phases.Start("cni host " + action);
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var what = attachment is null ? action : $"{action} {attachment.Zone.Name}/{attachment.Interface}";
        var request = new ReconcileRequest("container", "cni", async (context, ct) =>
        {
            try
            {
                var backend = context.Reconciler.Backend as IContainerBackend
                    ?? throw new BackendUnavailableException($"the {context.Reconciler.Backend.Target} backend cannot host containers (CNI attachments need the Linux backend)");
                using var applyLock = await ApplyLock.AcquireAsync(context.Store.Database, null, Reconciler.LockTimeout, ct, shared: true).ConfigureAwait(false);
                using var inRun = Phases.Start("cni work");
                answer.SetResult(await work(backend, ct).ConfigureAwait(false));
                return new ReconcileResult(true, "succeeded", attachment?.Generation, what, null);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                answer.TrySetException(ex);
                return new ReconcileResult(false, "failed", attachment?.Generation, what, ex.Message);
            }
        })
        {
            CoalesceKey = coalesceKey,
            Automatic = automatic,
            // The backend's attach and detach touch only the attachment's own objects (its veth, addresses, routes,
            // protection elements, shaping); what they share (the network's bridge, the protection table) they create
            // with "exists" read as done.
            ConcurrencyKey = attachment is null ? action : $"{attachment.Zone.Name}/{attachment.Interface}",
        };
        var run = state.Reconcile.Enqueue(request);
        var done = await state.Reconcile.WaitAsync(run.Id, cancellationToken).ConfigureAwait(false);
        if (!answer.Task.IsCompleted)
        {
            // The run ended without reaching the work (the server stopped, the backend could not be made).
            throw new CniException(CniErrorCode.TryAgainLater, $"NetVirt could not {action} now: {done?.Result?.Error ?? "the run did not start"}");
        }

        return await answer.Task.ConfigureAwait(false);
    }

    private static (string ContainerId, string Ifname) Require(AttachmentRequest request, bool needNetns)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The plugin checked them; any root process can write to the socket, so the daemon checks them again (a missing
        // one included).
        CniEnvironment.CheckContainerId(request.ContainerId);
        CniEnvironment.CheckIfname(request.Ifname);
        if (needNetns)
        {
            CniEnvironment.CheckNetns(request.Netns);
        }

        return (request.ContainerId, request.Ifname);
    }
}
