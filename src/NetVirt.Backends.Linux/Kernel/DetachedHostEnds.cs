namespace NetVirt.Backends.Linux.Kernel;

/// <summary>
/// Host ends of container interfaces that a CNI DEL has detached, to delete after the DEL has answered. Deleting
/// a veth pair costs the kernel about 20 ms, nearly all of it waiting for RCU grace periods, where taking the host end
/// down and off its bridge costs under 1 ms (integration/bench/kernel/veth_detach.py); a runtime removes the namespace
/// right after DEL, which destroys the pair anyway. So DEL takes the host end down and off its bridge (nothing crosses
/// it from then on, and the bridge port is free), removes its protection elements, releases its addresses, answers,
/// and the daemon then deletes the pair in a run of its own, under the same shared apply lock as the DEL
/// (<see cref="Backends.Containers.IContainerBackend.CollectDetachedAsync"/>). An ADD whose host end, or whose
/// namespace, is still here deletes it first (the same container again; another interface of the same name in that
/// namespace). A process that ends before the deletion leaves the host end down, on no bridge and marked as NetVirt's:
/// the next apply deletes it as a stray.
/// </summary>
/// <param name="kernel">The kernel the host ends are in.</param>
internal sealed class DetachedHostEnds(ILinuxKernel kernel)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _pending = new(StringComparer.Ordinal); // host end -> the path of the container's namespace
    private readonly SemaphoreSlim _deleting = new(1, 1);

    /// <summary>How many host ends are waiting to be deleted.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Takes <paramref name="hostEnd"/> (down and off its bridge already; its peer in the namespace at <paramref name="netnsPath"/>) to delete.</summary>
    public void Add(string hostEnd, string netnsPath)
    {
        lock (_gate)
        {
            _pending[hostEnd] = netnsPath;
        }
    }

    /// <summary>Waits until neither <paramref name="hostEnd"/> nor an end in the namespace at <paramref name="netnsPath"/> is waiting here.</summary>
    public async Task ClearAsync(string hostEnd, string netnsPath)
    {
        bool Conflicts()
        {
            lock (_gate)
            {
                return _pending.ContainsKey(hostEnd) || _pending.ContainsValue(netnsPath);
            }
        }

        while (Conflicts())
        {
            await DeleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Deletes every host end waiting here, in one netlink batch; "no such device" is done too (the namespace went first).</summary>
    public async Task DeleteAsync()
    {
        await _deleting.WaitAsync().ConfigureAwait(false);
        try
        {
            List<string> names;
            lock (_gate)
            {
                names = [.. _pending.Keys];
            }

            if (names.Count == 0)
            {
                return;
            }

            try
            {
                // One answer per end; none needs a second try: "no such device" means the namespace went first, and any
                // other failure leaves a down, unbridged end that the next apply deletes as a stray.
                kernel.Execute([.. names.Select(n => new DeleteLinkRequest(n))]);
            }
            finally
            {
                lock (_gate)
                {
                    foreach (var name in names)
                    {
                        _pending.Remove(name);
                    }
                }
            }
        }
        finally
        {
            _deleting.Release();
        }
    }
}
