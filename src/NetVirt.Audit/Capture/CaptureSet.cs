using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NetVirt.Audit.Capture;

/// <summary>
/// Reads many capture handles at once from one dedicated thread: <c>epoll(7)</c> over every handle's selectable
/// descriptor plus an eventfd used to wake the thread, then a bounded non-blocking drain of each ready handle so one
/// busy zone cannot starve the others. epoll costs per ready descriptor, where <c>poll(2)</c> cost per registered one on
/// every wake-up: with 5,000 handles and frames trickling in, poll spent most of the audit scanning idle sockets. A run ends at its deadline, when the caller calls <see cref="Complete"/>, or
/// when every handle failed; queued frames are drained before it returns. Cancellation aborts without draining.
/// The set does not own the handles: keep them open until the run has ended, then dispose them yourself.
/// </summary>
public sealed class CaptureSet : IDisposable
{
    // Handles without a selectable descriptor are read on every pass, at least this often.
    private const int UnselectablePollMilliseconds = 10;

    // Bound on the final drain so a flooded interface cannot keep a finished run alive.
    private const int FinalDrainPasses = 64;

    private readonly ICaptureHandle[] handles;
    private readonly CaptureFrameCallback[] deliverers;
    private readonly TimeProvider timeProvider;
    private readonly SafeFileHandle wakeEvent;
    private readonly Lock gate = new();

    private CaptureSetCallback? activeCallback;
    private long[] counts = [];
    private ExceptionDispatchInfo? callbackFailure;
    private volatile bool completeRequested;
    private Thread? runThread;
    private bool disposed;
    private bool disposedFromCallback;

    /// <summary>Creates a set over <paramref name="handles"/>; a handle's id is its index in the list.</summary>
    /// <param name="handles">Handles to read; they stay owned by the caller.</param>
    /// <param name="timeProvider">Clock for run deadlines and <see cref="CaptureRunSummary.Elapsed"/>.</param>
    public CaptureSet(IReadOnlyList<ICaptureHandle> handles, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(handles);
        this.handles = [.. handles];
        foreach (var handle in this.handles)
        {
            ArgumentNullException.ThrowIfNull(handle, nameof(handles));
        }

        this.timeProvider = timeProvider ?? TimeProvider.System;
        deliverers = new CaptureFrameCallback[this.handles.Length];
        for (var i = 0; i < deliverers.Length; i++)
        {
            var id = i;
            deliverers[i] = (frame, info) => Deliver(id, frame, info);
        }

        var fd = Interop.Libc.EventFd(0, Interop.Libc.EfdNonBlock | Interop.Libc.EfdCloExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"eventfd for capture set failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }

        wakeEvent = new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Number of handles; ids run from 0 to <c>Count - 1</c>.</summary>
    public int Count => handles.Length;

    /// <summary>The handle with id <paramref name="handleId"/>.</summary>
    public ICaptureHandle this[int handleId] => handles[handleId];

    /// <summary>Most frames read from one handle before moving on to the next ready one.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>
    /// Reads all handles on a dedicated thread until <paramref name="timeout"/> elapses
    /// (<see cref="Timeout.InfiniteTimeSpan"/>: no deadline) or <see cref="Complete"/> is called, handing each frame to
    /// <paramref name="onFrame"/> on that thread. Only one run may be active at a time. A handle that fails is
    /// reported in <see cref="CaptureRunSummary.Failures"/> and dropped from the run; an exception thrown by
    /// <paramref name="onFrame"/> ends the run and faults the task.
    /// </summary>
    public Task<CaptureRunSummary> RunAsync(CaptureSetCallback onFrame, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onFrame);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<CaptureRunSummary>(cancellationToken);
        }

        var completion = new TaskCompletionSource<CaptureRunSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (runThread is not null)
            {
                throw new InvalidOperationException("a capture run is already active on this set");
            }

            DrainWakeEvent();
            completeRequested = false;
            callbackFailure = null;
            counts = new long[handles.Length];
            activeCallback = onFrame;
            runThread = new Thread(() => RunThread(timeout, completion, cancellationToken))
            {
                IsBackground = true,
                Name = "netvirt-capture",
            };
            runThread.Start();
        }

        return completion.Task;
    }

    /// <summary>
    /// Like <see cref="RunAsync"/>, but hands <paramref name="onFrame"/> a copy of each frame that it may keep.
    /// </summary>
    public Task<CaptureRunSummary> CollectAsync(Action<CapturedFrame> onFrame, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onFrame);
        return RunAsync((id, frame, info) => onFrame(new CapturedFrame(id, info, frame.ToArray())), timeout, cancellationToken);
    }

    /// <summary>
    /// Asks the active run to stop after draining what is already queued. Safe from any thread, including from inside
    /// the frame callback; does nothing when no run is active.
    /// </summary>
    public void Complete()
    {
        completeRequested = true;
        Wake();
    }

    /// <summary>
    /// Stops an active run (as <see cref="Complete"/>), waits for its thread and releases the wake eventfd. Called from
    /// the frame callback it does not wait: the run's thread releases the eventfd when it ends.
    /// </summary>
    public void Dispose()
    {
        Thread? thread;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            thread = runThread;
            disposedFromCallback = thread == Thread.CurrentThread;
        }

        if (thread is null)
        {
            wakeEvent.Dispose();
            return;
        }

        Complete();
        if (thread == Thread.CurrentThread)
        {
            return; // called from the frame callback: RunThread releases the eventfd once its loop has returned
        }

        thread.Join();
        wakeEvent.Dispose();
    }

    private void RunThread(TimeSpan timeout, TaskCompletionSource<CaptureRunSummary> completion, CancellationToken cancellationToken)
    {
        CaptureRunSummary? summary = null;
        Exception? error = null;
        using (cancellationToken.UnsafeRegister(static state => ((CaptureSet)state!).Wake(), this))
        {
            try
            {
                summary = Loop(timeout, cancellationToken);
            }
            catch (Exception ex)
            {
                error = ex;
            }
        }

        // Reset before completing the task, so a continuation may start the next run straight away.
        bool releaseWakeEventOnExit;
        lock (gate)
        {
            activeCallback = null;
            runThread = null;
            releaseWakeEventOnExit = disposedFromCallback;
        }

        if (releaseWakeEventOnExit)
        {
            wakeEvent.Dispose();
        }

        if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            completion.SetCanceled(cancellationToken);
        }
        else if (error is not null)
        {
            completion.SetException(error);
        }
        else
        {
            completion.SetResult(summary!);
        }
    }

    private unsafe CaptureRunSummary Loop(TimeSpan timeout, CancellationToken cancellationToken)
    {
        const ulong WakeCookie = ulong.MaxValue;
        const int MaxEvents = 256;
        var start = timeProvider.GetTimestamp();
        var failures = new List<CaptureHandleFailure>();
        var failed = new bool[handles.Length];
        var unselectable = new List<int>();
        var descriptors = new int[handles.Length];
        var epoll = Interop.Libc.EpollCreate1(Interop.Libc.EpollCloExec);
        if (epoll < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"epoll_create1 for {handles.Length} capture handles failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }

        using var epollHandle = new SafeFileHandle(epoll, ownsHandle: true);
        var wakeAdded = false;
        wakeEvent.DangerousAddRef(ref wakeAdded);
        try
        {
            // The raw descriptors stay registered only for the length of the run.
            if (Interop.Libc.EpollAdd(epoll, (int)wakeEvent.DangerousGetHandle(), WakeCookie) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"epoll_ctl for the wake eventfd failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }

            for (var id = 0; id < handles.Length; id++)
            {
                int fd;
                try
                {
                    fd = handles[id].SelectableFileDescriptor;
                }
                catch (Exception ex) when (IsHandleError(ex))
                {
                    Fail(id, ex, failures, failed);
                    continue;
                }

                descriptors[id] = fd;
                if (fd < 0)
                {
                    unselectable.Add(id);
                }
                else if (Interop.Libc.EpollAdd(epoll, fd, (ulong)id) != 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    Fail(id, new IOException($"epoll_ctl for {handles[id].Target} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})"), failures, failed);
                }
            }

            CaptureStopReason reason;
            var size = Interop.Libc.EpollEventSize;
            var dataOffset = Interop.Libc.EpollDataOffset;
            var events = stackalloc byte[MaxEvents * 16];
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                callbackFailure?.Throw();
                if (failures.Count == handles.Length)
                {
                    reason = CaptureStopReason.AllHandlesFailed;
                    break;
                }

                if (completeRequested)
                {
                    reason = CaptureStopReason.Completed;
                    break;
                }

                var elapsed = timeProvider.GetElapsedTime(start);
                if (timeout != Timeout.InfiniteTimeSpan && elapsed >= timeout)
                {
                    reason = CaptureStopReason.Deadline;
                    break;
                }

                var wait = timeout == Timeout.InfiniteTimeSpan
                    ? -1
                    : (int)Math.Min(int.MaxValue, Math.Ceiling((timeout - elapsed).TotalMilliseconds));
                if (unselectable.Count > 0)
                {
                    wait = wait < 0 ? UnselectablePollMilliseconds : Math.Min(wait, UnselectablePollMilliseconds);
                }

                var ready = Interop.Libc.EpollWait(epoll, events, MaxEvents, wait);
                if (ready < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Interop.Libc.EINTR)
                    {
                        continue;
                    }

                    throw new IOException($"epoll_wait over {handles.Length} capture handles failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
                }

                for (var k = 0; k < ready; k++)
                {
                    var cookie = *(ulong*)(events + (k * size) + dataOffset);
                    if (cookie == WakeCookie)
                    {
                        DrainWakeEvent();
                        continue;
                    }

                    // Level-triggered: a handle with more than a batch queued is reported again on the next wait.
                    // EPOLLERR/EPOLLHUP also go through Receive, which turns them into the engine's error.
                    var id = (int)cookie;
                    if (!failed[id])
                    {
                        ReceiveFrom(id, failures, failed);
                        if (failed[id])
                        {
                            _ = Interop.Libc.EpollCtl(epoll, Interop.Libc.EpollCtlDel, descriptors[id], null); // else it stays ready
                        }
                    }
                }

                foreach (var id in unselectable)
                {
                    if (!failed[id])
                    {
                        ReceiveFrom(id, failures, failed);
                    }
                }
            }

            if (reason != CaptureStopReason.AllHandlesFailed)
            {
                for (var pass = 0; pass < FinalDrainPasses; pass++)
                {
                    var delivered = 0;
                    for (var id = 0; id < handles.Length; id++)
                    {
                        if (!failed[id])
                        {
                            delivered += ReceiveFrom(id, failures, failed);
                        }
                    }

                    callbackFailure?.Throw();
                    if (delivered == 0)
                    {
                        break;
                    }
                }
            }

            return new CaptureRunSummary(reason, counts.Sum(), [.. counts], failures, timeProvider.GetElapsedTime(start));
        }
        finally
        {
            if (wakeAdded)
            {
                wakeEvent.DangerousRelease();
            }
        }
    }

    private int ReceiveFrom(int id, List<CaptureHandleFailure> failures, bool[] failed)
    {
        try
        {
            var delivered = handles[id].Receive(deliverers[id], BatchSize);
            callbackFailure?.Throw();
            return delivered;
        }
        catch (Exception ex) when (IsHandleError(ex) && callbackFailure is null)
        {
            Fail(id, ex, failures, failed);
            return 0;
        }
    }

    private void Fail(int id, Exception error, List<CaptureHandleFailure> failures, bool[] failed)
    {
        failed[id] = true;
        failures.Add(new CaptureHandleFailure(id, handles[id].Target, error));
    }

    private static bool IsHandleError(Exception ex) => ex is PcapException or ObjectDisposedException or IOException;

    private void Deliver(int id, ReadOnlySpan<byte> frame, CaptureFrameInfo info)
    {
        // After a callback failure the run is ending: drop the rest of the batch instead of calling it again.
        if (callbackFailure is not null)
        {
            return;
        }

        try
        {
            activeCallback!(id, frame, info);
            counts[id]++;
        }
        catch (Exception ex)
        {
            callbackFailure = ExceptionDispatchInfo.Capture(ex);
        }
    }

    private unsafe void Wake()
    {
        ulong one = 1;
        try
        {
            // EAGAIN (counter saturated) still leaves the eventfd readable, which is all a wake needs.
            _ = Interop.Libc.Write(wakeEvent, &one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // The set was disposed; there is no run left to wake.
        }
    }

    private unsafe void DrainWakeEvent()
    {
        ulong value;
        _ = Interop.Libc.Read(wakeEvent, &value, sizeof(ulong));
    }
}
