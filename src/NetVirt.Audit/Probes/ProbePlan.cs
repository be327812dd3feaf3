using System.Net.Sockets;
using NetVirt.Audit.Expectations;
using NetVirt.Audit.Topology;

namespace NetVirt.Audit.Probes;

/// <summary>
/// The probes of one audit run and their frames, kept in arena chunks of <see cref="ChunkBytes"/> so that millions of
/// small frames cost a few arrays, not an object each. Chunks, not one array: a full audit of 2,000 VNICs has about
/// 1.5 GB of frames, and one array doubled past 1 GiB overflowed its length and then grew by one frame at a time,
/// copying the whole arena for each (the audit never finished). Every frame carries the tag <see cref="TagOf"/>: the run's random
/// <see cref="Nonce"/> in the upper 32 bits and the probe's index in the lower, so frames of another run, or any
/// other traffic, can never be taken for a probe. Probes are appended in stages (discovery first, then the rest once
/// gateway MACs are known); readers on other threads see a consistent snapshot through <see cref="Probes"/>.
/// </summary>
public sealed class ProbePlan
{
    private volatile Probe[] probes = [];
    private readonly List<Probe> pending = [];
    private readonly Dictionary<int, string> details = [];
    private readonly List<byte[]> chunks = [new byte[4096]];
    private int chunkLength;
    private long[] starts = new long[64];
    private ushort[] lengths = new ushort[64];

    /// <summary>Bytes of one arena chunk (the first is smaller and grows to it).</summary>
    public const int ChunkBytes = 16 << 20;

    private const int MaxFrame = 512;

    /// <summary>Creates an empty plan for <paramref name="topology"/>, with its endpoints in <paramref name="classes"/> (default: a full audit).</summary>
    public ProbePlan(AuditTopology topology, uint nonce, AuditClasses? classes = null)
    {
        Topology = topology ?? throw new ArgumentNullException(nameof(topology));
        Nonce = nonce;
        Classes = classes ?? AuditClasses.For(topology, AuditMode.Full);
    }

    /// <summary>The endpoints probed.</summary>
    public AuditTopology Topology { get; }

    /// <summary>The classes of the endpoints: the rows and columns of the matrix this plan proves.</summary>
    public AuditClasses Classes { get; }

    /// <summary>Random per run; the upper half of every tag.</summary>
    public uint Nonce { get; }

    /// <summary>The published probes (a snapshot; safe to read from any thread).</summary>
    public IReadOnlyList<Probe> Probes => probes;

    /// <summary>Number of published probes.</summary>
    public int Count => probes.Length;

    /// <summary>The tag hidden in probe <paramref name="index"/>'s frame.</summary>
    public ProbeTag TagOf(int index) => new(((ulong)Nonce << 32) | (uint)index);

    /// <summary>The probe index a tag names, or -1 when the tag is from another run or out of range.</summary>
    public int IndexOf(ProbeTag tag)
    {
        var index = (long)(tag.Id & 0xffff_ffffUL);
        return (uint)(tag.Id >> 32) == Nonce && index < probes.Length ? (int)index : -1;
    }

    /// <summary>
    /// The probe whose tag <paramref name="frame"/> carries, or -1. Every occurrence of the magic is tried, not only the
    /// first: an ICMP echo probe's identifier is "NV" (<see cref="ProbePlanner.EchoIdentifier"/>) and its sequence the
    /// low 16 bits of its index, so one echo probe in every 65,536 (sequence 0x5054, "PT") has <c>NVPT</c> in its header,
    /// before the tag in its payload; read as a tag it names no probe, and that echo was judged never to have arrived
    /// (the BLACKHOLE between clean zones in large runs).
    /// </summary>
    public int FindIn(ReadOnlySpan<byte> frame)
    {
        for (var start = 0; ProbeTag.TryFind(frame[start..], out var tag, out var offset); start += offset + 1)
        {
            if (IndexOf(tag) is var index and >= 0)
            {
                return index;
            }
        }

        return -1;
    }

    /// <summary>The frame of probe <paramref name="index"/>, exactly as injected.</summary>
    public ReadOnlySpan<byte> FrameOf(int index) => Frame(index);

    // Where probe index's frame is: a chunk and an offset in it (starts holds chunk * ChunkBytes + offset).
    private Span<byte> Frame(int index) =>
        chunks[(int)(starts[index] / ChunkBytes)].AsSpan((int)(starts[index] % ChunkBytes), lengths[index]);

    /// <summary>What the probe tested in words beyond its kind (forged values, the foreign VLAN), or null.</summary>
    public string? DetailOf(int index) => details.GetValueOrDefault(index);

    /// <summary>
    /// Appends a probe whose frame <paramref name="write"/> writes into the span it is given (at most 256 bytes) with
    /// the tag it is given, returning the length. Not visible to readers until <see cref="Publish"/>.
    /// </summary>
    public Probe Add(ProbeKind kind, int source, int target, FrameWriter write, int vlan = 0, bool viaGateway = false, string? detail = null, bool quiet = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        var index = probes.Length + pending.Count;
        var probe = new Probe(index, kind, source, target, vlan, viaGateway, quiet);
        var chunk = chunks[^1];
        if (chunk.Length - chunkLength < MaxFrame)
        {
            if (chunk.Length < ChunkBytes)
            {
                Array.Resize(ref chunk, Math.Min(chunk.Length * 2, ChunkBytes));
                chunks[^1] = chunk;
            }
            else
            {
                chunk = new byte[ChunkBytes];
                chunks.Add(chunk);
                chunkLength = 0;
            }
        }

        if (starts.Length < index + 1)
        {
            Array.Resize(ref starts, starts.Length * 2);
            Array.Resize(ref lengths, lengths.Length * 2);
        }

        var length = write(chunk.AsSpan(chunkLength, MaxFrame), TagOf(index));
        if (quiet)
        {
            ProbeFrames.SpoilChecksum(chunk.AsSpan(chunkLength, length));
        }

        starts[index] = ((long)(chunks.Count - 1) * ChunkBytes) + chunkLength;
        lengths[index] = (ushort)length;
        chunkLength += length;
        pending.Add(probe);
        if (detail is not null)
        {
            details[index] = detail;
        }

        return probe;
    }

    /// <summary>
    /// Gives a quiet probe its right checksum before it is sent again: a quiet probe that did not arrive where it must is
    /// resent as the frame a zone would send, so a BLACKHOLE never rests on a frame with a wrong checksum (a filter that
    /// checks them, such as conntrack, drops those). Does nothing for other probes. A quiet copy captured after the
    /// repair no longer equals the frame byte for byte and is recognised by decoding (<see cref="ProbeSignature"/>).
    /// </summary>
    public void Repair(int index)
    {
        if (probes[index].Quiet)
        {
            ProbeFrames.RepairChecksum(Frame(index));
        }
    }

    /// <summary>Makes the appended probes visible and returns the range of their indexes.</summary>
    public Range Publish()
    {
        var start = probes.Length;
        probes = [.. probes, .. pending];
        pending.Clear();
        return start..probes.Length;
    }

    /// <summary>
    /// What the model says about probe <paramref name="probe"/> arriving at endpoint <paramref name="receiver"/>. Pure
    /// and allocation-free: the capture thread calls it for every tagged frame.
    /// </summary>
    public Expectation Expect(in Probe probe, int receiver)
    {
        var endpoints = Topology.Endpoints;
        var source = endpoints[probe.Source];
        var at = endpoints[receiver];
        if (receiver == probe.Source)
        {
            return Expectation.May; // the frame came back to its sender (a loop would show up at the others too)
        }

        switch (ProbeKinds.Category(probe.Kind))
        {
            case ProbeCategory.Spoofing:
                return Expectation.MustNot;
            case ProbeCategory.VlanHopping:
                return at.Domain == source.Domain ? Expectation.May : Expectation.MustNot;
            case ProbeCategory.Discovery:
                return Expectation.May;
        }

        if (probe.Kind == ProbeKind.ArpBroadcast || receiver == probe.Target)
        {
            return TargetExpectation(probe, at).Expectation;
        }

        // Not the addressee: flooding inside the source's domain is normal (unknown unicast, multicast), and so is the
        // router's flooding inside the target's domain on a path the model lets through.
        if (at.Domain == source.Domain)
        {
            return Expectation.May;
        }

        var target = endpoints[probe.Target];
        return probe.ViaGateway && at.Domain == target.Domain && TargetExpectation(probe, target).Expectation >= Expectation.May
            ? Expectation.May
            : Expectation.MustNot;
    }

    /// <summary>The expectation of a reachability probe at <paramref name="receiver"/> as the model states it for that pair.</summary>
    public PathExpectation TargetExpectation(in Probe probe, AuditEndpoint receiver)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        var source = Topology.Endpoints[probe.Source];
        return probe.Kind is ProbeKind.ArpBroadcast or ProbeKind.ArpUnicast or ProbeKind.NeighborSolicitation
            ? PathRules.Layer2NeighbourDiscovery(source, receiver)
            : ProbeKinds.Family(probe.Kind) is { } family
            ? PathRules.Layer3(source, receiver, family)
            : PathRules.Layer2(source, receiver);
    }

    /// <summary>The family a probe's path is judged by (null: layer 2).</summary>
    public static AddressFamily? JudgedFamily(ProbeKind kind) => kind == ProbeKind.NeighborSolicitation ? null : ProbeKinds.Family(kind);
}
