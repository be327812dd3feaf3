using System.Collections.Concurrent;

namespace NetVirt.Audit.Capture;

/// <summary>Conveniences over <see cref="ICaptureHandle"/>.</summary>
public static class CaptureHandleExtensions
{
    /// <summary>
    /// Copies every frame already waiting on <paramref name="handle"/> (up to <paramref name="maxFrames"/>) into
    /// <paramref name="destination"/>, tagged with <paramref name="handleId"/>; returns how many. Never blocks.
    /// </summary>
    public static int ReceiveAvailable(this ICaptureHandle handle, ICollection<CapturedFrame> destination, int handleId = 0, int maxFrames = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(destination);
        return handle.Receive((frame, info) => destination.Add(new CapturedFrame(handleId, info, frame.ToArray())), maxFrames);
    }

    /// <summary>
    /// Disposes every handle (nulls are skipped), up to <paramref name="maxParallelism"/> at a time on dedicated
    /// threads. Closing a packet socket waits for a kernel RCU grace period (about 15 ms on a busy host) and
    /// concurrent closes share one, so hundreds of handles close in a fraction of the sequential time. All handles are
    /// attempted; failures are thrown together afterwards.
    /// </summary>
    public static void DisposeAll(this IEnumerable<ICaptureHandle?> handles, int maxParallelism = 32)
    {
        ArgumentNullException.ThrowIfNull(handles);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxParallelism);
        var list = handles.Where(h => h is not null).Select(h => h!).ToList();
        if (list.Count == 0)
        {
            return;
        }

        var errors = new ConcurrentQueue<Exception>();
        var workers = Math.Min(maxParallelism, list.Count);
        var threads = new Thread[workers];
        for (var w = 0; w < workers; w++)
        {
            var worker = w;
            threads[w] = new Thread(() =>
            {
                for (var i = worker; i < list.Count; i += workers)
                {
                    try
                    {
                        list[i].Dispose();
                    }
                    catch (Exception ex)
                    {
                        errors.Enqueue(ex);
                    }
                }
            })
            {
                IsBackground = true,
                Name = "netvirt-capture-close",
            };
            threads[w].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        if (!errors.IsEmpty)
        {
            throw new AggregateException("closing capture handles failed", errors);
        }
    }
}
