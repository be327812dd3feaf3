using NetVirt.Audit.Capture;

namespace NetVirt.Tests.Audit.Capture;

public sealed class CaptureSetTests : IDisposable
{
    private readonly List<FakeCaptureHandle> handles = [];

    public void Dispose()
    {
        foreach (var handle in handles)
        {
            handle.Dispose();
        }
    }

    [Fact]
    public async Task RunAsync_FramesQueuedThenComplete_DeliversEveryFrameWithItsHandleId()
    {
        var fakes = Fakes(true, true, false);
        using var set = new CaptureSet(fakes);
        var received = new List<(int Id, byte Marker)>();
        var run = set.RunAsync((id, frame, _) => received.Add((id, frame[0])), Timeout.InfiniteTimeSpan);

        for (byte i = 0; i < 30; i++)
        {
            fakes[i % 3].Enqueue([i, 0xaa]);
        }

        set.Complete();
        var summary = await run;

        Assert.Equal(CaptureStopReason.Completed, summary.StopReason);
        Assert.Equal(30, summary.FramesDelivered);
        Assert.Equal([10L, 10L, 10L], summary.FramesPerHandle);
        Assert.Empty(summary.Failures);
        Assert.Equal(30, received.Count);
        Assert.All(received, r => Assert.Equal(r.Marker % 3, r.Id));
    }

    [Fact]
    public async Task RunAsync_CompleteCalledFromCallback_DrainsWhatIsQueued()
    {
        var fakes = Fakes(true);
        for (byte i = 0; i < 200; i++)
        {
            fakes[0].Enqueue([i]);
        }

        using var set = new CaptureSet(fakes) { BatchSize = 8 };
        var count = 0;
        var summary = await set.RunAsync(
            (_, _, _) =>
            {
                if (++count == 1)
                {
                    set.Complete();
                }
            },
            Timeout.InfiniteTimeSpan);

        Assert.Equal(CaptureStopReason.Completed, summary.StopReason);
        Assert.Equal(200, summary.FramesDelivered);
    }

    [Fact]
    public async Task RunAsync_NothingArrives_StopsAtDeadline()
    {
        using var set = new CaptureSet(Fakes(true, false));

        var summary = await set.RunAsync((_, _, _) => { }, TimeSpan.FromMilliseconds(30));

        Assert.Equal(CaptureStopReason.Deadline, summary.StopReason);
        Assert.Equal(0, summary.FramesDelivered);
        Assert.True(summary.Elapsed >= TimeSpan.FromMilliseconds(30));
    }

    [Fact]
    public async Task RunAsync_Cancelled_TaskIsCanceled()
    {
        using var set = new CaptureSet(Fakes(true));
        using var cancellation = new CancellationTokenSource();

        var run = set.RunAsync((_, _, _) => { }, Timeout.InfiniteTimeSpan, cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(run.IsCanceled);
    }

    [Fact]
    public async Task RunAsync_OneHandleFails_ReportsItAndKeepsReadingTheOthers()
    {
        var fakes = Fakes(true, true);
        using var set = new CaptureSet(fakes);
        var run = set.RunAsync((_, _, _) => { }, Timeout.InfiniteTimeSpan);

        var error = new PcapException("pcap_next_ex", fakes[0].Target, -1, "The interface disappeared");
        fakes[0].FailWith(error);
        fakes[1].Enqueue([1]);
        fakes[1].Enqueue([2]);
        set.Complete();
        var summary = await run;

        var failure = Assert.Single(summary.Failures);
        Assert.Equal(0, failure.HandleId);
        Assert.Same(error, failure.Error);
        Assert.Equal([0L, 2L], summary.FramesPerHandle);
    }

    [Fact]
    public async Task RunAsync_EveryHandleFails_StopsWithoutDeadline()
    {
        var fakes = Fakes(true, false);
        fakes[0].FailWith(new PcapException("pcap_next_ex", fakes[0].Target, -1, "gone"));
        fakes[1].FailWith(new ObjectDisposedException("fake"));
        using var set = new CaptureSet(fakes);

        var summary = await set.RunAsync((_, _, _) => { }, Timeout.InfiniteTimeSpan);

        Assert.Equal(CaptureStopReason.AllHandlesFailed, summary.StopReason);
        Assert.Equal(2, summary.Failures.Count);
    }

    [Fact]
    public async Task RunAsync_CallbackThrows_FaultsTheRunWithThatException()
    {
        var fakes = Fakes(true);
        fakes[0].Enqueue([1]);
        using var set = new CaptureSet(fakes);

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => set.RunAsync((_, _, _) => throw new InvalidDataException("rule bug"), Timeout.InfiniteTimeSpan));

        Assert.Equal("rule bug", error.Message);
    }

    [Fact]
    public async Task RunAsync_WhileAnotherRunIsActive_Throws()
    {
        using var set = new CaptureSet(Fakes(true));
        var first = set.RunAsync((_, _, _) => { }, Timeout.InfiniteTimeSpan);

        Assert.Throws<InvalidOperationException>(() => { _ = set.RunAsync((_, _, _) => { }, Timeout.InfiniteTimeSpan); });

        set.Complete();
        await first;
    }

    [Fact]
    public async Task RunAsync_AfterARunEnded_CanRunAgain()
    {
        var fakes = Fakes(true);
        using var set = new CaptureSet(fakes);
        fakes[0].Enqueue([1]);
        var first = set.RunAsync((_, _, _) => set.Complete(), Timeout.InfiniteTimeSpan);
        Assert.Equal(1, (await first).FramesDelivered);

        fakes[0].Enqueue([2]);
        fakes[0].Enqueue([3]);
        var second = await set.RunAsync((_, _, _) => { }, TimeSpan.FromMilliseconds(20));

        Assert.Equal(2, second.FramesDelivered);
    }

    [Fact]
    public async Task CollectAsync_FramesFromReusedBuffer_AreIndependentCopies()
    {
        var fakes = Fakes(false);
        fakes[0].Enqueue([1, 2, 3], timestamp: 1_000_001);
        fakes[0].Enqueue([4, 5], timestamp: 2_000_002);
        using var set = new CaptureSet(fakes);
        var frames = new List<CapturedFrame>();

        var run = set.CollectAsync(frames.Add, Timeout.InfiniteTimeSpan);
        set.Complete();
        await run;

        Assert.Equal(2, frames.Count);
        Assert.Equal(new byte[] { 1, 2, 3 }, frames[0].Data);
        Assert.Equal(new byte[] { 4, 5 }, frames[1].Data);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(1).AddTicks(10), frames[0].Timestamp);
        Assert.Equal(0, frames[1].HandleId);
    }

    [Fact]
    public async Task Dispose_DuringRun_EndsTheRun()
    {
        var set = new CaptureSet(Fakes(true));
        var run = set.RunAsync((_, _, _) => { }, Timeout.InfiniteTimeSpan);

        set.Dispose();

        Assert.Equal(CaptureStopReason.Completed, (await run).StopReason);
        Assert.Throws<ObjectDisposedException>(() => { _ = set.RunAsync((_, _, _) => { }, TimeSpan.Zero); });
    }

    [Fact]
    public async Task Dispose_FromInsideTheCallback_EndsTheRunWithoutDeadlock()
    {
        var fakes = Fakes(true);
        fakes[0].Enqueue([1]);
        fakes[0].Enqueue([2]);
        var set = new CaptureSet(fakes);

        var summary = await set.RunAsync((_, _, _) => set.Dispose(), Timeout.InfiniteTimeSpan);

        Assert.Equal(CaptureStopReason.Completed, summary.StopReason);
        Assert.Equal(2, summary.FramesDelivered);
    }

    private FakeCaptureHandle[] Fakes(params bool[] selectable)
    {
        var created = selectable.Select((s, i) => new FakeCaptureHandle($"fake{i}", s)).ToArray();
        handles.AddRange(created);
        return created;
    }
}
