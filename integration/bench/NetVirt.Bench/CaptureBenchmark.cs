using System.Diagnostics;
using System.Globalization;
using NetVirt.Audit.Capture;
using NetVirt.Audit.Probes;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Model.Addressing;
using NetVirt.Testing;
using PacketDotNet;
using SharpPcap.LibPcap;
using SharpPcap;

namespace NetVirt.Bench;

/// <summary>
/// Capture layer at audit scale: K namespaces, each with one veth end whose host end is enslaved to a shared test
/// bridge. Measures the time to open and close a capture handle in every namespace (parallel namespace-hopping threads,
/// against the baseline of one thread doing them in turn), the rate at which probes can be injected, and the rate at
/// which the <see cref="CaptureSet"/> multiplexer delivers them. Everything it creates carries an <c>nvt</c> prefix and is
/// removed at the end, also on failure.
/// </summary>
public sealed class CaptureBenchmark : IBenchmark
{
    private const string Ip = "/usr/sbin/ip";

    // Frames queued per zone before the drain measurement; small enough for the default 512 KiB ring.
    private const int DrainFramesPerZone = 100;

    // IEEE 802 local experimental EtherType 1: nothing else on the bridge uses it.
    private const ushort ProbeEtherType = 0x88b5;

    /// <inheritdoc />
    public string Name => "capture";

    /// <inheritdoc />
    public string Description => "open K capture handles in K namespaces, inject and receive probes; compare with SharpPcap's StartCapture per device (args: zones=50,200 frames=200 library=1)";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var zoneCounts = Argument(args, "zones", "50,200").Split(',').Select(int.Parse).ToArray();
        var framesPerZone = int.Parse(Argument(args, "frames", "200"), CultureInfo.InvariantCulture);
        var engine = new SharpPcapCaptureEngine();
        Console.WriteLine($"engine: {engine.Name}; {Environment.ProcessorCount} cores; {framesPerZone} frames per zone");
        Console.WriteLine();
        var rows = new List<string>();
        var drainRows = new List<string>();
        var libraryRows = new List<string>();
        foreach (var zones in zoneCounts)
        {
            var (row, drainRow) = await MeasureAsync(engine, zones, framesPerZone, Argument(args, "library", "1") != "0", libraryRows, cancellationToken);
            rows.Add(row);
            drainRows.Add(drainRow);
        }

        Console.WriteLine();
        Console.WriteLine("| zones | open all | per handle | open all, sequential (baseline) | close all | close all, sequential (baseline) | injected frames/s | received frames/s (CaptureSet) | received / expected | dropped |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        Console.WriteLine();
        Console.WriteLine("Multiplexer alone: frames injected first, then one CaptureSet run drains every ring.");
        Console.WriteLine();
        Console.WriteLine("| zones | frames queued | frames delivered | delivered frames/s |");
        Console.WriteLine("|---:|---:|---:|---:|");
        foreach (var row in drainRows)
        {
            Console.WriteLine(row);
        }

        Console.WriteLine();
        Console.WriteLine("The library's multiplexing for comparison: SharpPcap StartCapture/OnPacketArrival on a device per zone.");
        Console.WriteLine();
        Console.WriteLine("| zones | start-up | received frames/s | received / expected |");
        Console.WriteLine("|---:|---|---:|---:|");
        foreach (var row in libraryRows)
        {
            Console.WriteLine(row);
        }

        return 0;
    }

    private static async Task<(string Row, string DrainRow)> MeasureAsync(SharpPcapCaptureEngine engine, int zones, int framesPerZone, bool compareLibraryLoop, List<string> libraryRows, CancellationToken cancellationToken)
    {
        var prefix = TestPrefix.ForBenchmark();
        var bridge = prefix + "br";
        var namespaces = Enumerable.Range(0, zones).Select(i => $"{prefix}-z{i}").ToList();
        var targets = namespaces.Select((ns, i) => new CaptureTarget(ns, $"{prefix}z{i}")).ToList();
        var macs = Enumerable.Range(0, zones).Select(i => MacAddress.FromBytes([0x02, 0x4e, 0x56, 0x00, (byte)(i >> 8), (byte)i])).ToList();
        var handles = new List<ICaptureHandle>();
        try
        {
            var setup = Stopwatch.StartNew();
            await CreateTopologyAsync(prefix, bridge, namespaces, targets, macs, cancellationToken);
            Console.WriteLine($"[{zones} zones] topology created in {setup.Elapsed.TotalSeconds:F1} s ({prefix}*)");

            // Only the probe EtherType: keeps link-local noise of the bridge out of the rings.
            var options = new CaptureOptions { Filter = $"ether proto 0x{ProbeEtherType:x4}" };

            // Baseline: one namespace-hopping thread opening (and one thread closing) every handle in turn.
            var sequential = new SharpPcapCaptureEngine { OpenParallelism = 1 };
            var baselineClock = Stopwatch.StartNew();
            var baselineHandles = sequential.OpenMany(targets, options);
            var baselineOpen = baselineClock.Elapsed;
            baselineClock.Restart();
            foreach (var handle in baselineHandles)
            {
                handle.Dispose();
            }

            var baselineClose = baselineClock.Elapsed;

            var openClock = Stopwatch.StartNew();
            handles.AddRange(engine.OpenMany(targets, options));
            var open = openClock.Elapsed;
            Console.WriteLine($"[{zones} zones] opened {handles.Count} handles in {open.TotalMilliseconds:F0} ms (sequential {baselineOpen.TotalMilliseconds:F0} ms)");

            var (injectRate, receiveRate, received, expected) = await InjectAndReceiveAsync(handles, macs, framesPerZone, cancellationToken);
            var (drainRate, drained, drainExpected) = await DrainQueuedAsync(handles, macs, DrainFramesPerZone, cancellationToken);
            Console.WriteLine($"[{zones} zones] multiplexer drained {drained} of {drainExpected} queued frames at {drainRate:N0} frames/s");
            if (compareLibraryLoop)
            {
                var library = await LibraryLoopAsync(targets, handles, macs, framesPerZone, cancellationToken);
                Console.WriteLine($"[{zones} zones] SharpPcap StartCapture per device: {library}");
                libraryRows.Add(string.Create(CultureInfo.InvariantCulture, $"| {zones} | {library} |"));
            }
            var dropped = handles.Sum(h => h.GetStatistics().Dropped);
            var closeClock = Stopwatch.StartNew();
            handles.DisposeAll();
            var close = closeClock.Elapsed;
            handles.Clear();
            var row = string.Create(
                CultureInfo.InvariantCulture,
                $"| {zones} | {open.TotalMilliseconds:F0} ms | {open.TotalMilliseconds * 1000 / zones:F0} µs | {baselineOpen.TotalMilliseconds:F0} ms | {close.TotalMilliseconds:F0} ms | {baselineClose.TotalMilliseconds:F0} ms | {injectRate:N0} | {receiveRate:N0} | {received} / {expected} | {dropped} |");
            return (row, string.Create(CultureInfo.InvariantCulture, $"| {zones} | {drainExpected} | {drained} | {drainRate:N0} |"));
        }
        finally
        {
            handles.DisposeAll();
            var teardown = Stopwatch.StartNew();
            await RemoveTopologyAsync(bridge, namespaces);
            Console.WriteLine($"[{zones} zones] topology removed in {teardown.Elapsed.TotalSeconds:F1} s");
        }
    }

    private static async Task<(double InjectRate, double ReceiveRate, long Received, long Expected)> InjectAndReceiveAsync(
        List<ICaptureHandle> handles, List<MacAddress> macs, int framesPerZone, CancellationToken cancellationToken)
    {
        var zones = handles.Count;
        const ulong WarmupBase = 1UL << 63;

        // Every zone sends one broadcast first, so the bridge learns all MACs and the measured unicasts are not flooded.
        var warmupExpected = (long)zones * (zones - 1);
        long warmupSeen = 0;
        long measuredSeen = 0;
        long lastArrival = 0;
        var measuredExpected = (long)zones * framesPerZone;
        var warmupDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var measuredDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var set = new CaptureSet(handles);
        var run = set.RunAsync(
            (id, frame, info) =>
            {
                if (!ProbeTag.TryFind(frame, out var tag, out _))
                {
                    return;
                }

                if ((tag.Id & WarmupBase) != 0)
                {
                    if (++warmupSeen == warmupExpected)
                    {
                        warmupDone.TrySetResult();
                    }
                }
                else if ((int)(tag.Id % (ulong)zones) == (id + zones - 1) % zones)
                {
                    // Tag id = sequence * zones + sender; zone i sends to zone i + 1.
                    lastArrival = Stopwatch.GetTimestamp();
                    if (++measuredSeen == measuredExpected)
                    {
                        measuredDone.TrySetResult();
                    }
                }
            },
            TimeSpan.FromMinutes(2),
            cancellationToken);

        for (var i = 0; i < zones; i++)
        {
            handles[i].Inject(Frame(MacAddress.Broadcast, macs[i], new ProbeTag(WarmupBase | (uint)i)));
        }

        await Task.WhenAny(warmupDone.Task, Task.Delay(TimeSpan.FromSeconds(30), cancellationToken));
        Console.WriteLine($"[{zones} zones] warm-up: {Interlocked.Read(ref warmupSeen)} of {warmupExpected} flooded broadcasts received");

        // Frames are built before the clock starts: the rate is that of Inject, not of the codec.
        var frames = new byte[zones * framesPerZone][];
        for (var sequence = 0; sequence < framesPerZone; sequence++)
        {
            for (var sender = 0; sender < zones; sender++)
            {
                frames[(sequence * zones) + sender] = Frame(macs[(sender + 1) % zones], macs[sender], new ProbeTag((ulong)((sequence * zones) + sender)));
            }
        }

        var start = Stopwatch.GetTimestamp();
        for (var k = 0; k < frames.Length; k++)
        {
            handles[k % zones].Inject(frames[k]);
        }

        var injectSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await Task.WhenAny(measuredDone.Task, Task.Delay(TimeSpan.FromSeconds(30), cancellationToken));
        set.Complete();
        await run;
        var received = Interlocked.Read(ref measuredSeen);
        var receiveSeconds = Stopwatch.GetElapsedTime(start, Interlocked.Read(ref lastArrival)).TotalSeconds;
        return (frames.Length / injectSeconds, received / receiveSeconds, received, measuredExpected);
    }

    // The library's own way to read many devices: StartCapture on each, which runs one capture loop per device on the
    // thread pool (poll with a 500 ms timeout, then pcap_dispatch). Frames are injected through the engine's handles.
    private static async Task<string> LibraryLoopAsync(IReadOnlyList<CaptureTarget> targets, List<ICaptureHandle> handles, List<MacAddress> macs, int framesPerZone, CancellationToken cancellationToken)
    {
        const ulong LibraryBase = 1UL << 61;
        var zones = targets.Count;
        var byNetns = targets.ToDictionary(t => t.Netns!, t => t.InterfaceName, StringComparer.Ordinal);
        var opened = NetnsThread.RunInEachParallel([.. byNetns.Keys], 32, netns =>
        {
            var device = LibPcapLiveDeviceList.New().First(d => d.Name == byNetns[netns]);
            device.Open(new DeviceConfiguration { Mode = DeviceModes.Promiscuous, Immediate = true, Snaplen = 2048, BufferSize = 512 * 1024, ReadTimeout = 10 });
            device.Filter = $"inbound and ether proto 0x{ProbeEtherType:x4}";
            return device;
        });
        var devices = opened.Select(o => o.Result ?? throw o.Error!).ToList();
        long seen = 0;
        long last = 0;
        var expected = (long)zones * framesPerZone;
        try
        {
            foreach (var device in devices)
            {
                device.OnPacketArrival += (sender, e) =>
                {
                    if (ProbeTag.TryFind(e.Data, out var tag, out _) && (tag.Id & LibraryBase) != 0 && (tag.Id & (1UL << 40)) == 0)
                    {
                        Interlocked.Exchange(ref last, Stopwatch.GetTimestamp());
                        Interlocked.Increment(ref seen);
                    }
                };
            }

            var startClock = Stopwatch.StartNew();
            foreach (var device in devices)
            {
                device.StartCapture();
            }

            // Capture loops start as the thread pool grows; wait until every device delivers a broadcast.
            var readiness = Stopwatch.StartNew();
            long ready = 0;
            while (readiness.Elapsed < TimeSpan.FromSeconds(60))
            {
                var before = Interlocked.Read(ref seen);
                for (var i = 0; i < zones; i++)
                {
                    handles[i].Inject(Frame(MacAddress.Broadcast, macs[i], new ProbeTag(LibraryBase | (1UL << 40) | (uint)i)));
                }

                await Task.Delay(200, cancellationToken);
                if (Interlocked.Read(ref seen) - before >= (long)zones * (zones - 1))
                {
                    ready = 1;
                    break;
                }
            }

            var readyAfter = startClock.Elapsed;
            Interlocked.Exchange(ref seen, 0);
            var start = Stopwatch.GetTimestamp();
            for (var sequence = 0; sequence < framesPerZone; sequence++)
            {
                for (var sender = 0; sender < zones; sender++)
                {
                    handles[sender].Inject(Frame(macs[(sender + 1) % zones], macs[sender], new ProbeTag(LibraryBase | (uint)((sequence * zones) + sender))));
                }
            }

            var wait = Stopwatch.StartNew();
            while (Interlocked.Read(ref seen) < expected && wait.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(10, cancellationToken);
            }

            var received = Interlocked.Read(ref seen);
            var rate = received / Stopwatch.GetElapsedTime(start, Interlocked.Read(ref last)).TotalSeconds;
            return string.Create(CultureInfo.InvariantCulture,
                $"{(ready == 1 ? $"all capture loops running after {readyAfter.TotalMilliseconds:F0} ms" : "not all capture loops running after 60 s")} | {rate:N0} | {received} / {expected}");
        }
        finally
        {
            foreach (var device in devices)
            {
                device.StopCapture();
                device.Close();
            }
        }
    }

    private static async Task<(double Rate, long Delivered, long Expected)> DrainQueuedAsync(
        List<ICaptureHandle> handles, List<MacAddress> macs, int framesPerZone, CancellationToken cancellationToken)
    {
        const ulong DrainBase = 1UL << 62;
        var zones = handles.Count;
        for (var sequence = 0; sequence < framesPerZone; sequence++)
        {
            for (var sender = 0; sender < zones; sender++)
            {
                handles[sender].Inject(Frame(macs[(sender + 1) % zones], macs[sender], new ProbeTag(DrainBase | (uint)((sequence * zones) + sender))));
            }
        }

        // Let the bridge forward everything into the receivers' rings before the clock starts.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var expected = (long)zones * framesPerZone;
        long delivered = 0;
        long last = 0;
        using var set = new CaptureSet(handles);
        var start = Stopwatch.GetTimestamp();
        await set.RunAsync(
            (_, frame, _) =>
            {
                if (ProbeTag.TryFind(frame, out var tag, out _) && (tag.Id & DrainBase) != 0)
                {
                    last = Stopwatch.GetTimestamp();
                    if (++delivered == expected)
                    {
                        set.Complete();
                    }
                }
            },
            TimeSpan.FromSeconds(30),
            cancellationToken);
        return (delivered / Stopwatch.GetElapsedTime(start, last).TotalSeconds, delivered, expected);
    }

    private static async Task CreateTopologyAsync(
        string prefix, string bridge, List<string> namespaces, List<CaptureTarget> targets, List<MacAddress> macs, CancellationToken cancellationToken)
    {
        await IpAsync(cancellationToken, "link", "add", bridge, "type", "bridge");
        await IpAsync(cancellationToken, "link", "set", bridge, "up");
        var batch = new List<string>();
        for (var i = 0; i < namespaces.Count; i++)
        {
            await IpAsync(cancellationToken, "netns", "add", namespaces[i]);
            batch.Add($"link add {prefix}h{i} type veth peer name {targets[i].InterfaceName} address {macs[i]} netns {namespaces[i]}");
            batch.Add($"link set {prefix}h{i} master {bridge} up");
        }

        // One ip process for the host side; the zone ends must be brought up from inside their namespaces.
        await IpAsync(cancellationToken, ["-batch", "-"], string.Join('\n', batch) + "\n");
        for (var i = 0; i < namespaces.Count; i++)
        {
            await IpAsync(cancellationToken, "-n", namespaces[i], "link", "set", targets[i].InterfaceName, "up");
        }
    }

    private static async Task RemoveTopologyAsync(string bridge, List<string> namespaces)
    {
        // Deleting a namespace deletes the veth pair inside it, host end included.
        foreach (var netns in namespaces)
        {
            await RunAsync([Ip, "netns", "del", netns], null, CancellationToken.None);
        }

        await RunAsync([Ip, "link", "del", bridge], null, CancellationToken.None);
    }

    private static Task IpAsync(CancellationToken cancellationToken, params string[] args) => IpAsync(cancellationToken, args, null);

    private static async Task IpAsync(CancellationToken cancellationToken, string[] args, string? stdin)
    {
        var (exit, stderr) = await RunAsync([Ip, .. args], stdin, cancellationToken);
        if (exit != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed (exit {exit}): {stderr.Trim()}");
        }
    }

    private static async Task<(int ExitCode, string Stderr)> RunAsync(string[] argv, string? stdin, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["LC_ALL"] = "C" },
        };
        foreach (var arg in argv[1..])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {argv[0]}");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        await stdout;
        return (process.ExitCode, await stderr);
    }

    // A minimal frame of the probe EtherType carrying only the tag, padded to the 60-byte minimum.
    private static byte[] Frame(MacAddress to, MacAddress from, ProbeTag tag)
    {
        var ethernet = new EthernetPacket(new System.Net.NetworkInformation.PhysicalAddress(from.ToBytes()), new System.Net.NetworkInformation.PhysicalAddress(to.ToBytes()), (EthernetType)ProbeEtherType)
        {
            PayloadData = tag.ToArray(),
        };
        var bytes = ethernet.Bytes;
        return bytes.Length >= ProbeFrames.MinimumFrameLength ? bytes : [.. bytes, .. new byte[ProbeFrames.MinimumFrameLength - bytes.Length]];
    }

    private static string Argument(string[] args, string name, string fallback) =>
        args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..] ?? fallback;
}
