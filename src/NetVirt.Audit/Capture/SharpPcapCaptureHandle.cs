using System.Collections.Concurrent;
using SharpPcap;
using SharpPcap.LibPcap;
using SharpPcapException = SharpPcap.PcapException;

namespace NetVirt.Audit.Capture;

/// <summary>
/// One SharpPcap live device, opened non-blocking and in immediate mode. SharpPcap has no <c>pcap_setdirection</c>, and
/// a BPF <c>inbound</c> filter loses the first ring block (libpcap filters the block that is current when a filter is
/// set in userland, where the packet-type load of <c>inbound</c> always fails), so inbound-only capture is the packet
/// socket's own <c>PACKET_IGNORE_OUTGOING</c> option: the kernel never queues an outgoing frame. Reads go through <see cref="PcapDevice.GetNextPacketPointers"/>: no per-frame poll and
/// no copy, so one multiplexer (<see cref="CaptureSet"/>) can drain hundreds of handles.
/// </summary>
internal sealed class SharpPcapCaptureHandle : ICaptureHandle
{
    private readonly NamespacedDevice device;
    private readonly Lock gate = new();
    private bool disposed;

    private SharpPcapCaptureHandle(NamespacedDevice device, CaptureTarget target, CaptureDirection direction)
    {
        this.device = device;
        Target = target;
        Direction = direction;
        LinkType = (int)device.LinkType;
    }

    public CaptureTarget Target { get; }

    public int LinkType { get; }

    public CaptureDirection Direction { get; }

    public int SelectableFileDescriptor
    {
        get
        {
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                return device.SelectableFileDescriptor;
            }
        }
    }

    /// <summary>
    /// Opens <paramref name="target"/>'s interface in the calling thread's namespace. The device is found by
    /// enumerating that namespace (the process-wide device list is cached from the host namespace, so it must not be
    /// used here), unless <paramref name="known"/> already holds a device of that name: SharpPcap opens a device by its
    /// name, and activation binds to that name in the namespace of the opening thread, so a device enumerated in one
    /// zone opens the same-named interface of the next zone (all zones call their VNIC <c>net0</c>). A name that is missing here fails activation with no-such-device, as when enumerated.
    /// </summary>
    /// <param name="target">What to open.</param>
    /// <param name="options">How.</param>
    /// <param name="known">Devices enumerated earlier, by name; filled on enumeration.</param>
    internal static SharpPcapCaptureHandle Open(CaptureTarget target, CaptureOptions options, ConcurrentDictionary<string, PcapInterface> known)
    {
        if (!known.TryGetValue(target.InterfaceName, out var found))
        {
            if (target.Netns is not null || !TryNamed(target.InterfaceName, known))
            {
                Enumerate(target, known);
            }

            found = known.GetValueOrDefault(target.InterfaceName)
                ?? throw new PcapException("open", target, (int)PcapError.NoSuchDevice, "no such device in this namespace");
        }

        var device = new NamespacedDevice(found);
        try
        {
            device.Open(new DeviceConfiguration
            {
                Mode = options.Promiscuous ? DeviceModes.Promiscuous : DeviceModes.None,
                Snaplen = options.SnapshotLength,
                BufferSize = options.BufferSize,
                Immediate = options.ImmediateMode,
                ReadTimeout = options.ReadTimeoutMilliseconds,
            });
            device.NonBlockingMode = true;
            if (options.Direction == CaptureDirection.Inbound)
            {
                IgnoreOutgoing(device.SelectableFileDescriptor, target);
            }

            if (!string.IsNullOrWhiteSpace(options.Filter))
            {
                device.Filter = options.Filter;
            }

            return new SharpPcapCaptureHandle(device, target, options.Direction);
        }
        catch (SharpPcapException ex)
        {
            device.Dispose();
            throw new PcapException("open", target, (int)ex.Error, ex.Message, ex);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adds a device named <paramref name="name"/> to <paramref name="known"/> without listing the namespace's devices,
    /// for the host's namespace: SharpPcap makes a <see cref="PcapInterface"/> only by listing every device (libpcap's
    /// list, then .NET's view of each interface), which on a host with 5,000 zones (10,000 links there) took about 2 s
    /// of a 12 s audit, while opening uses the name alone. False when SharpPcap's type is not as expected (then the
    /// caller lists the devices as before).
    /// </summary>
    internal static bool TryNamed(string name, ConcurrentDictionary<string, PcapInterface> known)
    {
        try
        {
            var type = typeof(PcapInterface);
            var named = (PcapInterface)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(type);
            Set(type, named, nameof(PcapInterface.Name), name);
            Set(type, named, nameof(PcapInterface.FriendlyName), name);
            Set(type, named, nameof(PcapInterface.Description), name);
            Set(type, named, nameof(PcapInterface.Addresses), new List<PcapAddress>());
            Set(type, named, nameof(PcapInterface.GatewayAddresses), new List<System.Net.IPAddress>());
            known.TryAdd(name, named);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or MemberAccessException or InvalidOperationException or NotSupportedException)
        {
            return false;
        }

        static void Set(Type type, PcapInterface target, string property, object value) =>
            (type.GetField($"<{property}>k__BackingField", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)
                ?? throw new InvalidOperationException($"SharpPcap's PcapInterface has no field for {property}")).SetValue(target, value);
    }

    /// <summary>Adds the devices of the calling thread's namespace to <paramref name="known"/> (first name wins).</summary>
    internal static bool Enumerate(CaptureTarget target, ConcurrentDictionary<string, PcapInterface> known)
    {
        try
        {
            foreach (var listed in PcapInterface.GetAllPcapInterfaces())
            {
                known.TryAdd(listed.Name, listed);
            }

            return true;
        }
        catch (SharpPcapException ex)
        {
            throw new PcapException("list devices", target, (int)ex.Error, ex.Message, ex);
        }
    }

    public void SetFilter(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            Wrap("set filter", () => device.Filter = expression);
        }
    }

    public void Inject(ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty)
        {
            throw new ArgumentException("cannot inject an empty frame", nameof(frame));
        }

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            try
            {
                device.SendPacket(frame);
            }
            catch (SharpPcapException ex)
            {
                throw new PcapException("send", Target, (int)ex.Error, ex.Message, ex);
            }
        }
    }

    public unsafe int Receive(CaptureFrameCallback callback, int maxFrames)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrames);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var delivered = 0;
            nint header = 0;
            nint data = 0;
            while (delivered < maxFrames)
            {
                var status = device.GetNextPacketPointers(ref header, ref data);
                if (status == 0)
                {
                    break; // nothing queued (non-blocking)
                }

                if (status != 1)
                {
                    throw new PcapException("read", Target, status, device.LastError);
                }

                // SharpPcap's PcapHeader.FromPointer allocates two objects per frame (and converts through decimal);
                // the header is read in place instead (CaptureFrameHeader, measured in the frames benchmark).
                var info = ((CaptureFrameHeader*)header)->ToInfo();
                callback(new ReadOnlySpan<byte>((void*)data, info.CapturedLength), info);
                delivered++;
            }

            return delivered;
        }
    }

    public CaptureStatistics GetStatistics()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var stats = Wrap("statistics", () => device.Statistics);
            return new CaptureStatistics(stats.ReceivedPackets, stats.DroppedPackets, stats.InterfaceDroppedPackets);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (!disposed)
            {
                disposed = true;
                device.Dispose();
            }
        }
    }

    public override string ToString() => $"SharpPcap capture on {Target}";

    private static unsafe void IgnoreOutgoing(int socket, CaptureTarget target)
    {
        var on = 1;
        if (socket < 0 || Interop.Libc.SetSockOpt(socket, Interop.Libc.SolPacket, Interop.Libc.PacketIgnoreOutgoing, &on, sizeof(int)) != 0)
        {
            var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            throw new PcapException("ignore outgoing frames", target, -1, $"setsockopt(PACKET_IGNORE_OUTGOING) on descriptor {socket} failed: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (Linux 4.20 or later is needed)");
        }
    }

    private T Wrap<T>(string operation, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SharpPcapException ex)
        {
            throw new PcapException(operation, Target, (int)ex.Error, ex.Message, ex);
        }
    }

    /// <summary>A live device that also tells the descriptor libpcap polls on (SharpPcap keeps it protected).</summary>
    private sealed class NamespacedDevice(PcapInterface pcapInterface) : LibPcapLiveDevice(pcapInterface)
    {
        public int SelectableFileDescriptor => FileDescriptor;
    }
}
