using Microsoft.Win32.SafeHandles;

namespace NetVirt.Backends.Linux.Namespaces;

/// <summary>
/// Network namespaces made ahead of the steps that name them, on a thread of their own, while the apply is still
/// storing and planning (<see cref="NetVirt.Backends.Execution.IHostBackend.Anticipate"/>). Making a namespace is the
/// kernel's most expensive part of creating a zone (about 0.4 ms on this machine, 0.39 s for 1,000 on one thread:
/// integration/bench/kernel/netns_spares.py), and it needs nothing from the plan. A spare is held only by a file
/// descriptor of this process: unnamed, in no one's way, invisible to observation, and gone when the descriptor is
/// closed (at <see cref="Dispose"/>, or when the process dies, even by kill -9). The step that creates a zone's
/// namespace takes a spare if one is ready, enters it and names it; otherwise it makes its own, as without spares. So
/// the journal and the plan are unchanged: a spare becomes a host object only through a journaled step.
/// </summary>
internal sealed class SpareNamespaces : IDisposable
{
    private const int FdSetSize = 1024;
    private readonly Queue<SafeFileHandle> _ready = new();
    private readonly object _gate = new();
    private int _toMake;
    private bool _making;
    private bool _disposed;

    /// <summary>Starts making <paramref name="count"/> spares on a dedicated thread.</summary>
    public SpareNamespaces(int count)
    {
        _toMake = Math.Max(0, count);
        if (_toMake == 0)
        {
            return;
        }

        _making = true;
        // A thread of its own: unshare(2) moves the calling thread into the new namespace, so the thread ends in the
        // last one it made and is discarded (NetnsThread's rule). It runs nothing but the loop below.
        new Thread(Make) { IsBackground = true, Name = "netvirt-netns-spares" }.Start();
    }

    /// <summary>How many spares were made and not yet taken or closed.</summary>
    public int Ready
    {
        get
        {
            lock (_gate)
            {
                return _ready.Count;
            }
        }
    }

    /// <summary>
    /// A spare for the caller to enter (it then owns the handle), or null when the caller should make its namespace
    /// itself: none is ready and none is being made, or every one still to make is now the caller's. Waits only for
    /// the one being made at this moment.
    /// </summary>
    public SafeFileHandle? TryTake()
    {
        lock (_gate)
        {
            while (true)
            {
                if (_ready.TryDequeue(out var spare))
                {
                    return spare;
                }

                if (_toMake > 0)
                {
                    _toMake--; // the caller makes this one: the thread makes one fewer
                    return null;
                }

                if (!_making || _disposed)
                {
                    return null;
                }

                Monitor.Wait(_gate);
            }
        }
    }

    private void Make()
    {
        try
        {
            while (true)
            {
                lock (_gate)
                {
                    if (_toMake == 0 || _disposed)
                    {
                        return;
                    }

                    _toMake--;
                }

                if (Netlink.Interop.Unshare(NetnsThread.CloneNewNet) != 0)
                {
                    return; // the steps make their own, and report what fails
                }

                if (Hold() is not { } spare)
                {
                    return;
                }

                lock (_gate)
                {
                    if (_disposed)
                    {
                        spare.Dispose();
                        return;
                    }

                    _ready.Enqueue(spare);
                    Monitor.PulseAll(_gate);
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _making = false;
                Monitor.PulseAll(_gate);
            }
        }
    }

    // A descriptor of the calling thread's namespace, numbered from FD_SETSIZE (1,024) up. Descriptors are numbered
    // lowest first, so a thousand spares held below it would push the descriptors others open next past it, and
    // libraries that wait with select(2) abort on those (libnftables did: "bit out of range 0 - FD_SETSIZE on
    // fd_set"). Null where the process may not hold that many: the steps make the rest themselves.
    private static SafeFileHandle? Hold()
    {
        var fd = Netlink.Interop.Open("/proc/thread-self/ns/net", Netlink.Interop.O_RDONLY | Netlink.Interop.O_CLOEXEC);
        if (fd < 0)
        {
            return null;
        }

        var high = Netlink.Interop.Fcntl(fd, Netlink.Interop.F_DUPFD_CLOEXEC, FdSetSize);
        Netlink.Interop.Close(fd);
        return high < 0 ? null : new SafeFileHandle(high, ownsHandle: true);
    }

    /// <summary>Stops making spares and closes those not taken: the kernel frees them.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            while (_ready.TryDequeue(out var spare))
            {
                spare.Dispose();
            }

            Monitor.PulseAll(_gate);
        }
    }
}
