using System.Diagnostics;
using System.Net;
using NetVirt.Audit.Capture;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Reports;
using NetVirt.Integration.Infrastructure;

namespace NetVirt.Integration.Audit;

/// <summary>The SharpPcap engine against a real veth pair between two namespaces this class creates per test.</summary>
[Collection(HostCollection.Name)]
public sealed class SharpPcapCaptureEngineTests : IAsyncLifetime
{
    // How long a test waits for a frame it sent to show up; generous because other builds share the machine.
    private static readonly TimeSpan ArrivalBudget = TimeSpan.FromSeconds(10);

    private readonly List<ICaptureHandle> handles = [];
    private readonly Dictionary<ICaptureHandle, List<CapturedFrame>> unconsumed = [];
    private NamespacePair pair = null!;
    private SharpPcapCaptureEngine engine = null!;

    public async Task InitializeAsync()
    {
        pair = await NamespacePair.CreateAsync();
        engine = new SharpPcapCaptureEngine();
    }

    public async Task DisposeAsync()
    {
        foreach (var handle in handles)
        {
            handle.Dispose();
        }

        await pair.DisposeAsync();
    }

    [LinuxRootFact]
    public void Inject_FromA_ReceivedInBWithTagAndSameBytes()
    {
        var (a, b) = OpenPair();
        var tag = new ProbeTag(0x1001);
        var probe = TestFrames.ArpProbe(tag);

        a.Inject(probe);
        var received = WaitForTag(b, tag);

        Assert.Equal(Convert.ToHexString(probe), Convert.ToHexString(received.Data));
        Assert.Equal(probe.Length, received.Info.OriginalLength);
        Assert.True(received.Timestamp > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [LinuxRootFact]
    public void Inject_TaggedFrames_ArriveWithTheirVlanTags()
    {
        var (a, b) = OpenPair();
        var single = TestFrames.ArpProbe(new ProbeTag(0x2001), vlans: [100]);
        var twice = TestFrames.ServiceTaggedArp(new ProbeTag(0x2002), 300, 100);

        a.Inject(single);
        a.Inject(twice);

        // The receiving kernel moves the outer tag into skb metadata; libpcap puts it back from PACKET_AUXDATA.
        Assert.Equal(Convert.ToHexString(single), Convert.ToHexString(WaitForTag(b, new ProbeTag(0x2001)).Data));
        Assert.Equal(Convert.ToHexString(twice), Convert.ToHexString(WaitForTag(b, new ProbeTag(0x2002)).Data));
    }

    [LinuxRootFact]
    public void SetFilter_NonMatchingFrameIsDropped_MatchingFrameDelivered()
    {
        var (a, b) = OpenPair();
        b.SetFilter($"ether proto 0x{TestFrames.ExperimentalEtherType:x4}");
        var dropped = new ProbeTag(0x3001);
        var kept = new ProbeTag(0x3002);

        a.Inject(TestFrames.ArpProbe(dropped));
        a.Inject(TestFrames.Experimental(kept, NamespacePair.MacA));

        // Frames arrive in order, so once the second is here the first would have been delivered before it.
        var frames = CollectUntil(b, kept);
        Assert.DoesNotContain(frames, f => dropped.IndexIn(f.Data) >= 0);
    }

    [LinuxRootFact]
    public void Open_WithFilterOption_InstallsItAtOpen()
    {
        var a = Track(engine.Open(pair.NetnsA, pair.InterfaceA));
        var b = Track(engine.Open(pair.NetnsB, pair.InterfaceB, new CaptureOptions { Filter = "arp" }));
        var dropped = new ProbeTag(0x3101);
        var kept = new ProbeTag(0x3102);

        a.Inject(TestFrames.Experimental(dropped, NamespacePair.MacA));
        a.Inject(TestFrames.ArpProbe(kept));

        Assert.DoesNotContain(CollectUntil(b, kept), f => dropped.IndexIn(f.Data) >= 0);
    }

    [LinuxRootFact]
    public void Direction_Inbound_SeesPeerFramesButNotFramesSentFromItsInterface()
    {
        var (a, b) = OpenPair();
        var inboundA = Track(engine.Open(pair.NetnsA, pair.InterfaceA));
        var bothA = Track(engine.Open(pair.NetnsA, pair.InterfaceA, new CaptureOptions { Direction = CaptureDirection.Both }));
        var fromA = new ProbeTag(0x4001);
        var fromB = new ProbeTag(0x4002);

        a.Inject(TestFrames.ArpProbe(fromA));
        b.Inject(TestFrames.ArpProbe(fromB, NamespacePair.MacB));

        var seenInbound = CollectUntil(inboundA, fromB);
        Assert.DoesNotContain(seenInbound, f => fromA.IndexIn(f.Data) >= 0);
        Assert.Equal(CaptureDirection.Inbound, inboundA.Direction);

        // A "both" handle on the same interface does see what A sent, and what B sent.
        WaitForTag(bothA, fromA);
        WaitForTag(bothA, fromB);
    }

    [LinuxRootFact]
    public void GetStatistics_AfterFramesReceived_CountsThem()
    {
        var (a, b) = OpenPair();
        for (ulong i = 0; i < 20; i++)
        {
            a.Inject(TestFrames.ArpProbe(new ProbeTag(0x5000 + i)));
        }

        CollectUntil(b, new ProbeTag(0x5000 + 19));
        var statistics = b.GetStatistics();

        Assert.True(statistics.Received >= 20, $"received {statistics.Received}");
        Assert.Equal(0, statistics.Dropped);
    }

    [LinuxRootFact]
    public async Task CaptureSet_TwoHandles_DrainsBothUntilCallerCompletes()
    {
        var (a, b) = OpenPair();
        using var set = new CaptureSet([a, b]);
        var expected = new HashSet<ulong>();
        var seen = new List<(int HandleId, ulong Tag)>();
        var run = set.RunAsync(
            (id, frame, info) =>
            {
                if (ProbeTag.TryFind(frame, out var tag, out _))
                {
                    seen.Add((id, tag.Id));
                    lock (expected)
                    {
                        if (expected.Remove(tag.Id) && expected.Count == 0)
                        {
                            set.Complete();
                        }
                    }
                }
            },
            ArrivalBudget);

        lock (expected)
        {
            for (ulong i = 0; i < 50; i++)
            {
                expected.Add(0x6000 + i); // A to B: received by handle 1
                expected.Add(0x7000 + i); // B to A: received by handle 0
            }
        }

        for (ulong i = 0; i < 50; i++)
        {
            a.Inject(TestFrames.ArpProbe(new ProbeTag(0x6000 + i)));
            b.Inject(TestFrames.ArpProbe(new ProbeTag(0x7000 + i), NamespacePair.MacB));
        }

        var summary = await run;

        Assert.Equal(CaptureStopReason.Completed, summary.StopReason);
        Assert.Empty(summary.Failures);
        Assert.Equal(100, seen.Count);
        Assert.All(seen, s => Assert.Equal(s.Tag >= 0x7000 ? 0 : 1, s.HandleId));
        Assert.Equal(50, summary.FramesPerHandle[0]);
        Assert.Equal(50, summary.FramesPerHandle[1]);
    }

    [LinuxRootTsharkFact]
    public async Task PcapNgWriter_CapturedFrames_ReadByTsharkWithInterfaceNamesAndComments()
    {
        var (a, b) = OpenPair();
        a.Inject(TestFrames.ArpProbe(new ProbeTag(0x8001)));
        a.Inject(TestFrames.Echo(new ProbeTag(0x8002)));
        var frames = new[] { WaitForTag(b, new ProbeTag(0x8001)), WaitForTag(b, new ProbeTag(0x8002)) };
        var path = Path.Combine(Path.GetTempPath(), $"{pair.Prefix}-capture.pcapng");
        try
        {
            using (var writer = PcapNgWriter.Create(path))
            {
                var sender = writer.AddInterface($"zone-a/{pair.InterfaceA}@{pair.NetnsA}", "the sending end");
                var receiver = writer.AddInterface($"zone-b/{pair.InterfaceB}@{pair.NetnsB}");
                writer.WriteFrame(sender, TestFrames.ArpProbe(new ProbeTag(0x8001)), frames[0].Info.TimestampMicroseconds - 1, "as sent from zone-a");
                foreach (var frame in frames)
                {
                    writer.WriteFrame(receiver, frame.Data, frame.Info.TimestampMicroseconds, $"captured at zone-b, ünïcode ✓ {frame.Data.Length} bytes");
                }
            }

            var (exit, stdout, stderr) = await Tshark.RunAsync("-r", path, "-T", "fields", "-E", "separator=|", "-e", "frame.interface_name", "-e", "frame.comment", "-e", "frame.protocols", "-e", "frame.len");

            Assert.True(exit == 0, $"tshark -r failed (exit {exit}): {stderr}");
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, lines.Length);
            Assert.Equal($"zone-a/{pair.InterfaceA}@{pair.NetnsA}|as sent from zone-a|eth:ethertype:arp|60", lines[0]);
            Assert.StartsWith($"zone-b/{pair.InterfaceB}@{pair.NetnsB}|captured at zone-b, ünïcode ✓ 60 bytes|eth:ethertype:arp", lines[1], StringComparison.Ordinal);
            Assert.Contains("eth:ethertype:ip:icmp", lines[2], StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [LinuxRootFact]
    public void Open_MissingInterfaceInTheHostsNamespace_IsNoSuchDevice_WithoutListingTheHostsDevices()
    {
        var missing = pair.Prefix + "nope";

        var error = Assert.Throws<PcapException>(() => engine.Open(null, missing));

        Assert.True(error.IsNoSuchDevice, error.Message);
        Assert.Contains($"'{missing}'", error.Message, StringComparison.Ordinal);
    }

    [LinuxRootFact]
    public void Open_MissingInterface_ThrowsPcapExceptionNamingIt()
    {
        var missing = pair.Prefix + "nope";

        var error = Assert.Throws<PcapException>(() => engine.Open(pair.NetnsA, missing));

        Assert.True(error.IsNoSuchDevice, error.Message);
        Assert.Equal("open", error.Operation);
        Assert.Contains($"'{missing}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{pair.NetnsA}'", error.Message, StringComparison.Ordinal);
    }

    [LinuxRootFact]
    public void OpenMany_OneTargetMissing_ThrowsAndLeavesNoHandleOpen()
    {
        // A first open and failure loads assemblies (each an open file); count descriptors after that.
        engine.Open(pair.NetnsA, pair.InterfaceA).Dispose();
        Assert.Throws<PcapException>(() => engine.Open(pair.NetnsB, pair.Prefix + "nope"));
        var before = Directory.GetFiles("/proc/self/fd").Length;

        var error = Assert.Throws<PcapException>(() => engine.OpenMany(
        [
            new CaptureTarget(pair.NetnsA, pair.InterfaceA),
            new CaptureTarget(pair.NetnsB, pair.InterfaceB),
            new CaptureTarget(pair.NetnsB, pair.Prefix + "nope"),
        ]));

        Assert.True(error.IsNoSuchDevice);

        // Each open handle holds a packet socket (and libpcap an eventfd); the two that opened must be gone.
        Assert.True(Directory.GetFiles("/proc/self/fd").Length <= before + 1, "descriptors leaked by a failed OpenMany");
    }

    [LinuxRootFact]
    public void OpenMany_Targets_ReturnsHandlesInTargetOrder()
    {
        var opened = engine.OpenMany(
        [
            new CaptureTarget(pair.NetnsB, pair.InterfaceB),
            new CaptureTarget(pair.NetnsA, pair.InterfaceA),
        ]);
        handles.AddRange(opened);

        Assert.Equal(pair.InterfaceB, opened[0].Target.InterfaceName);
        Assert.Equal(pair.InterfaceA, opened[1].Target.InterfaceName);
        Assert.All(opened, h => Assert.Equal(LinkTypes.Ethernet, h.LinkType));
        Assert.All(opened, h => Assert.True(h.SelectableFileDescriptor >= 0));
    }

    [LinuxRootFact]
    public void OpenMany_MoreTargetsThanThreads_KeepsOrderAndDisposeAllClosesEveryHandle()
    {
        var targets = Enumerable.Range(0, 40)
            .Select(i => i % 2 == 0 ? new CaptureTarget(pair.NetnsA, pair.InterfaceA) : new CaptureTarget(pair.NetnsB, pair.InterfaceB))
            .ToList();
        var parallel = new SharpPcapCaptureEngine { OpenParallelism = 7 };

        var opened = parallel.OpenMany(targets);
        handles.AddRange(opened);

        Assert.Equal(targets, opened.Select(h => h.Target));
        opened.DisposeAll();
        Assert.All(opened, h => Assert.Throws<ObjectDisposedException>(() => h.SelectableFileDescriptor));
    }

    private CapturedFrame WaitForTag(ICaptureHandle handle, ProbeTag tag) => CollectUntil(handle, tag)[^1];

    // Returns the frames the handle delivered up to and including the first one carrying the tag; frames read past
    // it stay queued for the next call. Fails after the budget.
    private List<CapturedFrame> CollectUntil(ICaptureHandle handle, ProbeTag tag)
    {
        if (!unconsumed.TryGetValue(handle, out var frames))
        {
            frames = [];
            unconsumed[handle] = frames;
        }

        var clock = Stopwatch.StartNew();
        var scanned = 0;
        while (true)
        {
            for (; scanned < frames.Count; scanned++)
            {
                if (tag.IndexIn(frames[scanned].Data) >= 0)
                {
                    var result = frames[..(scanned + 1)];
                    frames.RemoveRange(0, scanned + 1);
                    return result;
                }
            }

            if (clock.Elapsed > ArrivalBudget)
            {
                throw new Xunit.Sdk.XunitException($"{tag} did not arrive on {handle.Target} within {ArrivalBudget}; got {frames.Count} other frame(s)");
            }

            if (handle.ReceiveAvailable(frames) == 0)
            {
                Thread.Sleep(5);
            }
        }
    }

    private (ICaptureHandle A, ICaptureHandle B) OpenPair()
    {
        var opened = engine.OpenMany([new CaptureTarget(pair.NetnsA, pair.InterfaceA), new CaptureTarget(pair.NetnsB, pair.InterfaceB)]);
        handles.AddRange(opened);
        return (opened[0], opened[1]);
    }

    private ICaptureHandle Track(ICaptureHandle handle)
    {
        handles.Add(handle);
        return handle;
    }
}
