using System.Collections.Concurrent;
using System.IO.Pipes;
using NetVirt.Audit.Capture;

namespace NetVirt.Tests.Audit.Capture;

/// <summary>
/// An in-memory capture handle. When selectable, a pipe stands in for the packet socket: one byte per queued frame
/// makes its read end poll readable, exactly as a frame in the ring does. Frames are handed out from one reused
/// buffer, as libpcap does, so callers that keep spans would see them overwritten.
/// </summary>
internal sealed class FakeCaptureHandle : ICaptureHandle
{
    private readonly ConcurrentQueue<(byte[] Frame, long Timestamp)> queue = new();
    private readonly AnonymousPipeServerStream? signal;
    private readonly AnonymousPipeClientStream? signalReader;
    private readonly byte[] scratch = new byte[2048];
    private volatile Exception? failure;

    public FakeCaptureHandle(string name, bool selectable)
    {
        Target = new CaptureTarget("fake", name);
        if (selectable)
        {
            signal = new AnonymousPipeServerStream(PipeDirection.Out);
            signalReader = new AnonymousPipeClientStream(PipeDirection.In, signal.ClientSafePipeHandle);
        }
    }

    public CaptureTarget Target { get; }

    public int LinkType => LinkTypes.Ethernet;

    public CaptureDirection Direction => CaptureDirection.Inbound;

    public int SelectableFileDescriptor => signal is null ? -1 : (int)signal.ClientSafePipeHandle.DangerousGetHandle();

    public List<byte[]> Injected { get; } = [];

    public void Enqueue(byte[] frame, long timestamp = 1_700_000_000_000_000)
    {
        queue.Enqueue((frame, timestamp));
        signal?.WriteByte(1);
        signal?.Flush();
    }

    /// <summary>Makes every following <see cref="Receive"/> throw (and wakes a poller so it calls Receive).</summary>
    public void FailWith(Exception error)
    {
        failure = error;
        signal?.WriteByte(1);
        signal?.Flush();
    }

    public void SetFilter(string expression)
    {
    }

    public void Inject(ReadOnlySpan<byte> frame) => Injected.Add(frame.ToArray());

    public int Receive(CaptureFrameCallback callback, int maxFrames)
    {
        if (failure is { } error)
        {
            throw error;
        }

        var delivered = 0;
        while (delivered < maxFrames && queue.TryDequeue(out var item))
        {
            signalReader?.ReadByte();
            item.Frame.CopyTo(scratch, 0);
            callback(scratch.AsSpan(0, item.Frame.Length), new CaptureFrameInfo(item.Timestamp, item.Frame.Length, item.Frame.Length));
            Array.Clear(scratch);
            delivered++;
        }

        return delivered;
    }

    public CaptureStatistics GetStatistics() => new(0, 0, 0);

    public void Dispose()
    {
        signalReader?.Dispose();
        signal?.Dispose();
    }
}
