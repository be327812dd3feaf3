using NetVirt.Audit.Capture;

namespace NetVirt.Tests.Audit.Capture;

public sealed class CaptureHandleExtensionsTests
{
    [Fact]
    public void ReceiveAvailable_QueuedFrames_CopiesThemWithHandleId()
    {
        using var handle = new FakeCaptureHandle("fake0", selectable: false);
        handle.Enqueue([1, 2]);
        handle.Enqueue([3]);
        var frames = new List<CapturedFrame>();

        var count = handle.ReceiveAvailable(frames, handleId: 7);

        Assert.Equal(2, count);
        Assert.Equal(new byte[] { 1, 2 }, frames[0].Data);
        Assert.Equal(new byte[] { 3 }, frames[1].Data);
        Assert.All(frames, f => Assert.Equal(7, f.HandleId));
    }

    [Fact]
    public void DisposeAll_SomeThrow_DisposesEveryHandleThenThrowsTogether()
    {
        var handles = Enumerable.Range(0, 10).Select(i => new CountingHandle(throws: i % 4 == 0)).ToList();

        var error = Assert.Throws<AggregateException>(() => handles.Append(null).DisposeAll(maxParallelism: 3));

        Assert.All(handles, h => Assert.Equal(1, h.DisposeCount));
        Assert.Equal(3, error.InnerExceptions.Count);
    }

    private sealed class CountingHandle(bool throws) : ICaptureHandle
    {
        private int disposeCount;

        public int DisposeCount => disposeCount;

        public CaptureTarget Target => new(null, "counting");

        public int LinkType => LinkTypes.Ethernet;

        public CaptureDirection Direction => CaptureDirection.Both;

        public int SelectableFileDescriptor => -1;

        public void SetFilter(string expression)
        {
        }

        public void Inject(ReadOnlySpan<byte> frame)
        {
        }

        public int Receive(CaptureFrameCallback callback, int maxFrames) => 0;

        public CaptureStatistics GetStatistics() => default;

        public void Dispose()
        {
            Interlocked.Increment(ref disposeCount);
            if (throws)
            {
                throw new IOException("close failed");
            }
        }
    }
}
