using System.Buffers.Binary;
using System.Text;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Model.Addressing;

namespace NetVirt.Backends.Linux.Kernel;

/// <summary>
/// The host namespace's links, read without an <c>RTM_GETLINK</c> dump. In such a dump the kernel fills each veth's
/// <c>IFLA_LINK_NETNSID</c> (<c>rtnl_fill_link_netnsid</c>, unconditionally, also in filtered dumps) by a linear search
/// of the host's namespace ids (<c>peernet2id</c> walks the IDR), and the host holds one id per zone whose veth peer
/// it has, so a dump of N host ends costs N × N (docs/performance.md). Here each link costs the same however many there
/// are: the names from <c>/sys/class/net</c> (<c>readdir</c> alone); index, flags, MTU, hardware address and driver (= the rtnetlink kind of
/// the virtual devices NetVirt makes) by ioctls on one socket; peer index (<c>iflink</c>) and alias (<c>ifalias</c>)
/// from sysfs, opened relative to <c>/sys/devices/virtual/net</c> (a path walk through <c>/sys/class/net</c> and its
/// symbolic link costs about twice as much); the bridge a link is on from the bridges' <c>brif</c> directories (one
/// listing per bridge, where a <c>master</c> link per link costs a slow path walk each). VXLAN devices' settings and
/// bridge-port learning, which sysfs does not carry, come from a dump filtered by kind <c>vxlan</c>, made only when
/// there is one (the kernel filters before it fills, and a VXLAN device's link namespace is its own: no search).
/// What a dump reports and this does not: <c>LinkNetnsId</c> (the zone end names its peer's namespace), masters that
/// are not bridges (a bond, a VRF: NetVirt enslaves only to bridges, and a port moved to one shows on no bridge, which
/// the plan repairs), and flags above the first 16 bits. sysfs shows the namespace it was mounted in; when that is not
/// the caller's (see <see cref="Read()"/>) the links come from a dump instead.
/// </summary>
internal static class HostLinkReader
{
    private const string SysClassNet = "/sys/class/net";
    private const string SysVirtualNet = "/sys/devices/virtual/net";
    private const uint SIOCGIFFLAGS = 0x8913;
    private const uint SIOCGIFMTU = 0x8921;
    private const uint SIOCGIFHWADDR = 0x8927;
    private const uint SIOCGIFINDEX = 0x8933;
    private const uint SIOCETHTOOL = 0x8946;
    private const uint ETHTOOL_GDRVINFO = 3;
    private const int ARPHRD_ETHER = 1;
    private const int IfReqSize = 40;
    private const int DrvInfoSize = 196;
    private const int O_DIRECTORY = 0x10000;
    private const int BufferSize = 512;

    /// <summary>Every link of the calling thread's namespace (the process's).</summary>
    public static IReadOnlyList<LinkObserved> Read()
    {
        // sysfs shows the namespace it was mounted in, not necessarily the caller's: a process moved into another network
        // namespace without a sysfs of its own (nsenter --net, as the multi-host lab starts agents) would read another
        // namespace's links. /proc/thread-self/net/dev always lists the caller's; when the two lists differ (twice, so a
        // link made or removed in between does not count) the links are read by a dump: the caller's own, at N × N.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            // bonding_masters is the bonding driver's file beside the links, never a link.
            var names = Interop.ListDirectory(SysClassNet).Where(n => n != "bonding_masters").ToList();
            if (names.ToHashSet(StringComparer.Ordinal).SetEquals(OwnNames()))
            {
                return Read(names);
            }
        }

        using var netlink = NetlinkSocket.Open();
        return Dumps.Links(netlink);
    }

    // The names of the calling thread's namespace's links: "  name: counters…" after two header lines.
    private static IEnumerable<string> OwnNames() =>
        File.ReadLines("/proc/thread-self/net/dev").Skip(2).Select(line => line[..line.IndexOf(':', StringComparison.Ordinal)].Trim());

    private static List<LinkObserved> Read(IReadOnlyList<string> names)
    {
        var socket = Interop.Socket(Interop.AF_INET, Interop.SOCK_DGRAM | Interop.SOCK_CLOEXEC, 0);
        if (socket < 0)
        {
            throw new IOException($"socket(AF_INET, SOCK_DGRAM) failed: {Interop.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");
        }

        var virtualNet = Interop.Open(SysVirtualNet, Interop.O_RDONLY | Interop.O_CLOEXEC | O_DIRECTORY);
        var links = new List<LinkObserved>();
        try
        {
            foreach (var name in names)
            {
                if (Read(socket, virtualNet, name) is { } link)
                {
                    links.Add(link);
                }
            }
        }
        finally
        {
            Interop.Close(socket);
            if (virtualNet >= 0)
            {
                Interop.Close(virtualNet);
            }
        }

        var masterOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var bridge in links.Where(l => l.Kind == "bridge"))
        {
            try
            {
                foreach (var port in Interop.ListDirectory($"{SysClassNet}/{bridge.Name}/brif"))
                {
                    masterOf[port] = bridge.Index;
                }
            }
            catch (IOException)
            {
                // Gone between listing and reading.
            }
        }

        var vxlans = new Dictionary<int, LinkObserved>();
        if (links.Any(l => l.Kind == "vxlan"))
        {
            using var netlink = NetlinkSocket.Open();
            vxlans = Dumps.Links(netlink, kind: "vxlan").ToDictionary(l => l.Index);
        }

        for (var i = 0; i < links.Count; i++)
        {
            var link = links[i] with { Master = masterOf.GetValueOrDefault(links[i].Name) };
            if (link.Kind == "vxlan" && vxlans.TryGetValue(link.Index, out var vxlan) && vxlan.Name == link.Name)
            {
                link = link with { Vxlan = vxlan.Vxlan, PortLearning = vxlan.PortLearning };
            }

            links[i] = link;
        }

        return links;
    }

    // One link, or null when it is gone between listing and reading.
    private static unsafe LinkObserved? Read(int socket, int virtualNet, string name)
    {
        var request = stackalloc byte[IfReqSize];
        var nameBytes = Encoding.UTF8.GetBytes(name);
        if (nameBytes.Length >= 16)
        {
            return null;
        }

        int Ioctl(uint command, void* argument = null)
        {
            new Span<byte>(request, IfReqSize).Clear();
            nameBytes.CopyTo(new Span<byte>(request, 16));
            if (argument is not null)
            {
                *(void**)(request + 16) = argument;
            }

            return Interop.Ioctl(socket, command, request);
        }

        var answer = new ReadOnlySpan<byte>(request + 16, IfReqSize - 16);
        if (Ioctl(SIOCGIFINDEX) != 0)
        {
            return null;
        }

        var index = BinaryPrimitives.ReadInt32LittleEndian(answer);
        if (Ioctl(SIOCGIFFLAGS) != 0)
        {
            return null;
        }

        var flags = BinaryPrimitives.ReadUInt16LittleEndian(answer);
        if (Ioctl(SIOCGIFMTU) != 0)
        {
            return null;
        }

        var mtu = BinaryPrimitives.ReadInt32LittleEndian(answer);
        MacAddress? mac = null;
        if (Ioctl(SIOCGIFHWADDR) == 0 && BinaryPrimitives.ReadUInt16LittleEndian(answer) == ARPHRD_ETHER)
        {
            mac = MacAddress.FromBytes(answer.Slice(2, 6));
        }

        // The driver's name is the rtnetlink kind of the virtual devices NetVirt makes; a device with a parent (a
        // NIC) has no kind in a dump, and neither has one without the ioctl (lo).
        string? kind = null;
        var info = stackalloc byte[DrvInfoSize];
        new Span<byte>(info, DrvInfoSize).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(info, 4), ETHTOOL_GDRVINFO);
        if (Ioctl(SIOCETHTOOL, info) == 0)
        {
            kind = CString(new ReadOnlySpan<byte>(info + 4, 32));
            kind = kind is "veth" or "bridge" or "ifb" or "vxlan" or "macvlan" || !Path.Exists($"{SysClassNet}/{name}/device") ? kind : null;
        }

        var buffer = stackalloc byte[BufferSize];
        var alias = ReadAttribute(virtualNet, name, "ifalias", buffer);
        if (alias is null || !int.TryParse(ReadAttribute(virtualNet, name, "iflink", buffer), out var peer))
        {
            return null;
        }

        // A dump names IFLA_LINK only for a link with a peer or a lower link; iflink is the link itself otherwise.
        return new LinkObserved(index, name) { Flags = flags, Mtu = mtu, Mac = mac, Alias = alias.Length == 0 ? null : alias, Kind = kind, Link = peer == index ? 0 : peer };
    }

    private static string CString(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }

    // One sysfs attribute of a link without its trailing newline (open, read, close: nothing more); a device with a
    // parent is not under /sys/devices/virtual/net and is read through /sys/class/net. Null when the link is gone.
    private static unsafe string? ReadAttribute(int virtualNet, string name, string attribute, byte* buffer)
    {
        var fd = virtualNet >= 0 ? Interop.OpenAt(virtualNet, $"{name}/{attribute}", Interop.O_RDONLY | Interop.O_CLOEXEC) : -1;
        if (fd < 0)
        {
            fd = Interop.Open($"{SysClassNet}/{name}/{attribute}", Interop.O_RDONLY | Interop.O_CLOEXEC);
        }

        if (fd < 0)
        {
            return null;
        }

        try
        {
            var length = Interop.Read(fd, buffer, BufferSize);
            return length < 0 ? null : Encoding.UTF8.GetString(buffer, (int)length).TrimEnd('\n');
        }
        finally
        {
            Interop.Close(fd);
        }
    }
}
