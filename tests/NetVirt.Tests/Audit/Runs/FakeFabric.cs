using System.Collections.Concurrent;
using System.IO.Pipes;
using System.Net;
using System.Net.Sockets;
using NetVirt.Audit.Capture;
using NetVirt.Audit.Runs;
using NetVirt.Audit.Topology;
using NetVirt.Model.Addressing;
using PacketDotNet;

namespace NetVirt.Tests.Audit.Runs;

/// <summary>
/// A simulated host for the probe engine: one learning "bridge" per L2 domain (broadcast and multicast flood the
/// domain, unicast goes to the owner of the MAC), one router per tenant that answers ARP for its gateways and forwards
/// IP frames addressed to it into the target's network, and knobs to break it: join two domains, drop frames
/// (protection), or give a zone an extra address. Handles poll readable through a pipe, as real ones do.
/// </summary>
internal sealed class FakeFabric : ICaptureEngine, IAuditHost
{
    private readonly AuditTopology topology;
    private readonly List<FabricHandle> handles = [];
    private readonly List<(int Domain, FabricHandle Side)> hostSides = [];
    private readonly HashSet<(int, int)> joined = [];
    private readonly HashSet<(int, int)> trunked = [];
    private readonly Dictionary<int, int> moved = [];

    public FakeFabric(AuditTopology topology) => this.topology = topology;

    public string Name => "fake fabric";

    /// <summary>Frames from the endpoint (index) that this returns true for never leave it: the protection in force.</summary>
    public Func<AuditEndpoint, ParsedFrameInfo, bool> Drops { get; set; } = DefaultProtection;

    public Dictionary<int, IReadOnlyList<InterfaceAddress>> Configured { get; } = [];

    public List<string> Missing { get; } = [];

    public bool RoutersAnswer { get; set; } = true;

    public int Injected { get; private set; }

    public void Join(int domainA, int domainB)
    {
        joined.Add((domainA, domainB));
        joined.Add((domainB, domainA));
    }

    /// <summary>Like a trunk between two bridges: only VLAN-tagged frames cross.</summary>
    public void Trunk(int domainA, int domainB)
    {
        trunked.Add((domainA, domainB));
        trunked.Add((domainB, domainA));
    }

    public int DomainIndex(AuditEndpoint e) => moved.TryGetValue(e.Index, out var domain) ? domain : topology.Domains.ToList().IndexOf(e.Domain);

    /// <summary>Like a VNIC whose host end sits on another bridge: its frames go to that domain's ports, and it hears them.</summary>
    public void Move(AuditEndpoint e, int domain) => moved[e.Index] = domain;

    /// <summary>The first this many injections fail as a full send buffer does (ENOBUFS).</summary>
    public int RefuseFirst { get; set; }

    public ICaptureHandle Open(string? netns, string interfaceName, CaptureOptions? options = null) => OpenMany([new CaptureTarget(netns, interfaceName)], options)[0];

    public IReadOnlyList<ICaptureHandle> OpenMany(IReadOnlyList<CaptureTarget> targets, CaptureOptions? options = null)
    {
        var opened = new List<ICaptureHandle>();
        foreach (var t in targets)
        {
            if (t.Netns is null)
            {
                // The host's side of a bridge: what it passes up to the host's own stack.
                var bridge = topology.Bridges.Single(b => b.Name == t.InterfaceName);
                var side = new FabricHandle(this, null, t);
                hostSides.Add((topology.Domains.ToList().IndexOf(bridge.Domain), side));
                opened.Add(side);
                HostCapturePromiscuous = options?.Promiscuous;
                continue;
            }

            var endpoint = topology.Endpoints.Single(e => e.Netns == t.Netns && e.Interface == t.InterfaceName);
            var handle = new FabricHandle(this, endpoint, t);
            handles.Add(handle);
            opened.Add(handle);
        }

        return opened;
    }

    /// <summary>MemAvailable of the fake host (null: not known).</summary>
    public long? AvailableMemory { get; set; }

    /// <summary>False: the bridges pass broadcasts up to the host's own stack, as without the host-isolated rule.</summary>
    public bool HostIsolated { get; set; } = true;

    /// <summary>Whether the host's side of the bridges was opened promiscuous (null: not opened).</summary>
    public bool? HostCapturePromiscuous { get; private set; }

    public IReadOnlyList<string> HostBridges(AuditTopology t) => [.. t.Bridges.Select(b => b.Name)];

    public IReadOnlyList<string> MissingNamespaces(AuditTopology t) => Missing;

    public IReadOnlyDictionary<int, IReadOnlyList<InterfaceAddress>> ConfiguredAddresses(AuditTopology t) => Configured;

    /// <summary>What observation reports on the bridges; tests add foreign ports.</summary>
    public List<BridgePort> UnexpectedPorts { get; } = [];

    public IReadOnlyList<BridgePort> UnexpectedBridgePorts(AuditTopology topology) => UnexpectedPorts;

    public static MacAddress RouterMac(string router) => MacAddress.FromBytes([0x02, 0xee, 0, 0, 0, (byte)(router.GetHashCode(StringComparison.Ordinal) & 0x7f)]);

    // mac-nospoof and ip-nospoof as the model states them, dhcp-nospoof on UDP source port 67.
    public static bool DefaultProtection(AuditEndpoint e, ParsedFrameInfo f)
    {
        var p = e.Protection;
        if (p.HasFlag(NetVirt.Model.Spec.Protection.MacNospoof) && (f.Source != e.Mac || (f.ArpSender is { } sha && sha != e.Mac)))
        {
            return true;
        }

        if (p.HasFlag(NetVirt.Model.Spec.Protection.IpNospoof) && f.SourceIp is { } ip && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any) && !e.IsAllowedSource(ip))
        {
            return true;
        }

        return p.HasFlag(NetVirt.Model.Spec.Protection.DhcpNospoof) && f.UdpSourcePort == 67;
    }

    private void Deliver(FabricHandle from, byte[] frame)
    {
        Injected++;
        var packet = NetVirt.Audit.Probes.ProbeSignature.Decode(frame);
        var ethernet = (EthernetPacket)packet;
        var arp = packet.Extract<ArpPacket>();
        var ip = packet.Extract<IPPacket>();
        var vlanTags = 0;
        for (var layer = ethernet.PayloadPacket; layer is Ieee8021QPacket; layer = layer.PayloadPacket)
        {
            vlanTags++;
        }

        var info = new ParsedFrameInfo(Mac(ethernet.SourceHardwareAddress), Mac(ethernet.DestinationHardwareAddress),
            arp is null ? null : Mac(arp.SenderHardwareAddress),
            arp?.SenderProtocolAddress ?? ip?.SourceAddress,
            arp?.TargetProtocolAddress ?? ip?.DestinationAddress,
            packet.Extract<UdpPacket>()?.SourcePort,
            vlanTags,
            arp?.Operation == ArpOperation.Request);
        if (Drops(from.Endpoint, info))
        {
            return;
        }

        var domain = DomainIndex(from.Endpoint);
        var reachable = handles.Where(h => h != from && (DomainIndex(h.Endpoint) == domain || joined.Contains((domain, DomainIndex(h.Endpoint)))
            || (info.VlanTags > 0 && trunked.Contains((domain, DomainIndex(h.Endpoint)))))).ToList();
        var router = from.Endpoint.Router is { } r ? RouterMac(r) : (MacAddress?)null;
        if (router is { } routerMac && RoutersAnswer && info.IsArpRequest && info.TargetIp is { } asked && from.Endpoint.GatewayOf(AddressFamily.InterNetwork) is { } gw && asked.Equals(gw))
        {
            from.Enqueue(new EthernetPacket(Physical(routerMac), Physical(from.Endpoint.Mac), EthernetType.Arp)
            {
                PayloadPacket = new ArpPacket(ArpOperation.Response, Physical(from.Endpoint.Mac), info.SourceIp!, Physical(routerMac), gw),
            }.Bytes);
            return;
        }

        if (router is { } mac && info.Destination == mac && info.TargetIp is { } dst)
        {
            var target = handles.FirstOrDefault(h => h.Endpoint.Router == from.Endpoint.Router && h.Endpoint.GatewayOf(dst.AddressFamily) is not null
                && (h.Endpoint.Ipv4.Contains(dst) || h.Endpoint.Ipv6.Contains(dst)));
            target?.Enqueue(frame);
            return;
        }

        if (!HostIsolated && info.Destination.IsMulticast)
        {
            foreach (var (_, side) in hostSides.Where(x => x.Domain == domain))
            {
                side.Enqueue(frame);
            }
        }

        foreach (var h in reachable)
        {
            if (info.Destination.IsMulticast || info.Destination == h.Endpoint.Mac || reachable.All(x => x.Endpoint.Mac != info.Destination))
            {
                h.Enqueue(frame);
            }
        }
    }

    private static MacAddress Mac(System.Net.NetworkInformation.PhysicalAddress address) => MacAddress.FromBytes(address.GetAddressBytes());

    private static System.Net.NetworkInformation.PhysicalAddress Physical(MacAddress mac) => new(mac.ToBytes());

    internal readonly record struct ParsedFrameInfo(MacAddress Source, MacAddress Destination, MacAddress? ArpSender, IPAddress? SourceIp, IPAddress? TargetIp, ushort? UdpSourcePort, int VlanTags, bool IsArpRequest);

    // A zone's VNIC, or (endpoint null) the host's side of a bridge.
    private sealed class FabricHandle(FakeFabric fabric, AuditEndpoint? endpoint, CaptureTarget target) : ICaptureHandle
    {
        private readonly ConcurrentQueue<byte[]> queue = new();
        private readonly AnonymousPipeServerStream signal = new(PipeDirection.Out);
        private AnonymousPipeClientStream? reader;
        private readonly Lock gate = new();

        public AuditEndpoint Endpoint => endpoint ?? throw new InvalidOperationException("the host's side of a bridge has no endpoint");

        public CaptureTarget Target => target;

        public int LinkType => LinkTypes.Ethernet;

        public CaptureDirection Direction => CaptureDirection.Inbound;

        public int SelectableFileDescriptor
        {
            get
            {
                reader ??= new AnonymousPipeClientStream(PipeDirection.In, signal.ClientSafePipeHandle);
                return (int)signal.ClientSafePipeHandle.DangerousGetHandle();
            }
        }

        public void Enqueue(byte[] frame)
        {
            queue.Enqueue(frame);
            lock (gate)
            {
                signal.WriteByte(1);
                signal.Flush();
            }
        }

        public void SetFilter(string expression)
        {
        }

        public void Inject(ReadOnlySpan<byte> frame)
        {
            if (fabric.RefuseFirst > 0)
            {
                fabric.RefuseFirst--;
                throw new PcapException("send", target, -1, "send: No buffer space available");
            }

            var copy = frame.ToArray();
            lock (fabric.handles)
            {
                fabric.Deliver(this, copy);
            }
        }

        public int Receive(CaptureFrameCallback callback, int maxFrames)
        {
            var delivered = 0;
            while (delivered < maxFrames && queue.TryDequeue(out var frame))
            {
                reader ??= new AnonymousPipeClientStream(PipeDirection.In, signal.ClientSafePipeHandle);
                reader.ReadByte();
                callback(frame, new CaptureFrameInfo(1_700_000_000_000_000 + delivered, frame.Length, frame.Length));
                delivered++;
            }

            return delivered;
        }

        public CaptureStatistics GetStatistics() => new(0, 0, 0);

        public void Dispose()
        {
            reader?.Dispose();
            signal.Dispose();
        }
    }
}
