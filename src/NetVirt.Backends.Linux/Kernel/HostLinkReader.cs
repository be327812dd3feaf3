using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Model.Addressing;

namespace NetVirt.Backends.Linux.Kernel;

/// <summary>
/// The host namespace's links, read without an <c>RTM_GETLINK</c> dump. In such a dump the kernel fills each veth's
/// <c>IFLA_LINK_NETNSID</c> (<c>rtnl_fill_link_netnsid</c>, unconditionally, also for filtered dumps) by a linear search
/// of the host's namespace ids (<c>peernet2id</c> walks the IDR), and the host holds one id per zone whose veth peer
/// it has, so a dump of N host ends costs N × N: 0.3 s at 1,000 zones, 5–8 s at 5,000–10,000 (docs/performance.md).
/// Here each link costs the same however many there are: the names from <c>/sys/class/net</c>; index, flags, MTU,
/// hardware address and driver (= the rtnetlink kind of a virtual device) by ioctls on one socket; the bridge a link is
/// on from its <c>master</c> link; peer index (<c>iflink</c>) and alias (<c>ifalias</c>) from sysfs. VXLAN devices' settings and bridge-port learning, which sysfs does not carry, come from a dump
/// filtered by kind <c>vxlan</c>, made only when there is one (the kernel filters before it fills, and a VXLAN device's
/// link namespace is its own, so no search). What a dump reports and this does not: <c>LinkNetnsId</c> (a host link's
/// peer namespace is not needed: the zone end names its own) and the flags above the first 16 bits.
/// sysfs shows the namespace it was mounted in: the process's, the host's (never called from a namespace thread).
/// </summary>
internal static class HostLinkReader
{
    private const string SysClassNet = "/sys/class/net";
    private const uint SIOCGIFFLAGS = 0x8913;
    private const uint SIOCGIFMTU = 0x8921;
    private const uint SIOCGIFHWADDR = 0x8927;
    private const uint SIOCGIFINDEX = 0x8933;
    private const uint SIOCETHTOOL = 0x8946;
    private const uint ETHTOOL_GDRVINFO = 3;
    private const int ARPHRD_ETHER = 1;
    private const int IfReqSize = 40;
    private const int DrvInfoSize = 196;

    /// <summary>Every link of the host namespace.</summary>
    public static IReadOnlyList<LinkObserved> Read()
    {
        var socket = Interop.Socket(Interop.AF_INET, Interop.SOCK_DGRAM | Interop.SOCK_CLOEXEC, 0);
        if (socket < 0)
        {
            throw new IOException($"socket(AF_INET, SOCK_DGRAM) failed: {Interop.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");
        }

        var links = new List<LinkObserved>();
        var masters = new List<(int Link, string Master)>();
        try
        {
            foreach (var directory in Directory.EnumerateFileSystemEntries(SysClassNet))
            {
                var name = Path.GetFileName(directory);
                if (Read(socket, name, directory) is not { } read)
                {
                    continue; // gone between listing and reading
                }

                links.Add(read.Link);
                if (read.Master is { } master)
                {
                    masters.Add((links.Count - 1, master));
                }
            }
        }
        finally
        {
            Interop.Close(socket);
        }

        var indexOf = links.GroupBy(l => l.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Index, StringComparer.Ordinal);
        foreach (var (link, master) in masters)
        {
            links[link] = links[link] with { Master = indexOf.TryGetValue(master, out var index) ? index : (int)Interop.IfNameToIndex(master) };
        }

        if (links.Any(l => l.Kind == "vxlan"))
        {
            using var netlink = NetlinkSocket.Open();
            var vxlans = Dumps.Links(netlink, kind: "vxlan").ToDictionary(l => l.Index);
            for (var i = 0; i < links.Count; i++)
            {
                if (links[i].Kind == "vxlan" && vxlans.TryGetValue(links[i].Index, out var vxlan) && vxlan.Name == links[i].Name)
                {
                    links[i] = links[i] with { Vxlan = vxlan.Vxlan, PortLearning = vxlan.PortLearning };
                }
            }
        }

        return links;
    }

    private static unsafe (LinkObserved Link, string? Master)? Read(int socket, string name, string directory)
    {
        var request = stackalloc byte[IfReqSize];
        var nameBytes = Encoding.UTF8.GetBytes(name);
        if (nameBytes.Length >= 16)
        {
            return null;
        }

        int Ioctl(uint command)
        {
            new Span<byte>(request, IfReqSize).Clear();
            nameBytes.CopyTo(new Span<byte>(request, 16));
            return Interop.Ioctl(socket, command, request);
        }

        var ifr = new ReadOnlySpan<byte>(request + 16, IfReqSize - 16);
        if (Ioctl(SIOCGIFINDEX) != 0)
        {
            return null;
        }

        var index = BinaryPrimitives.ReadInt32LittleEndian(ifr);
        if (Ioctl(SIOCGIFFLAGS) != 0)
        {
            return null;
        }

        var flags = BinaryPrimitives.ReadUInt16LittleEndian(ifr);
        if (Ioctl(SIOCGIFMTU) != 0)
        {
            return null;
        }

        var mtu = BinaryPrimitives.ReadInt32LittleEndian(ifr);
        MacAddress? mac = null;
        if (Ioctl(SIOCGIFHWADDR) == 0 && BinaryPrimitives.ReadUInt16LittleEndian(ifr) == ARPHRD_ETHER)
        {
            mac = MacAddress.FromBytes(ifr.Slice(2, 6));
        }

        // The driver's name is the rtnetlink kind of the virtual devices NetVirt makes (veth, bridge, ifb, vxlan,
        // macvlan); a device with a parent (a NIC) has no kind in a dump, and neither has one without the ioctl (lo).
        string? kind = null;
        var info = stackalloc byte[DrvInfoSize];
        new Span<byte>(info, DrvInfoSize).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(info, 4), ETHTOOL_GDRVINFO);
        new Span<byte>(request, IfReqSize).Clear();
        nameBytes.CopyTo(new Span<byte>(request, 16));
        *(byte**)(request + 16) = info;
        if (Interop.Ioctl(socket, SIOCETHTOOL, request) == 0 && !Path.Exists(Path.Combine(directory, "device")))
        {
            kind = CString(new ReadOnlySpan<byte>(info + 4, 32));
        }

        var master = new FileInfo(Path.Combine(directory, "master")).LinkTarget is { } target ? Path.GetFileName(target) : null;
        var alias = ReadSysfs(Path.Combine(directory, "ifalias"));
        if (alias is null || !int.TryParse(ReadSysfs(Path.Combine(directory, "iflink")), out var peer))
        {
            return null;
        }

        // A dump names IFLA_LINK only for a link with a peer or a lower link; iflink is the link itself otherwise.
        return (new LinkObserved(index, name) { Flags = flags, Mtu = mtu, Mac = mac, Alias = alias.Length == 0 ? null : alias, Kind = kind, Link = peer == index ? 0 : peer }, master);
    }

    private static string CString(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }

    // One sysfs attribute without its trailing newline; null when the link is gone.
    private static string? ReadSysfs(string path)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        using (handle)
        {
            Span<byte> buffer = stackalloc byte[512];
            var length = RandomAccess.Read(handle, buffer, 0);
            return Encoding.UTF8.GetString(buffer[..length]).TrimEnd('\n');
        }
    }
}
