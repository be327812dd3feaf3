using NetVirt.Backends.Linux;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Kinds;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Backends.Linux.Observation;
using NetVirt.Backends.Linux.Rendering;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Backends.Linux.Tc;
using NetVirt.Planning;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Tests.Backends.Linux;

/// <summary>
/// Observation built from what this kernel really answered: the shipped sample applied with prefix <c>nvtf1c</c> and
/// deployment 0123456789abcdef, then a foreign veth end <c>nvtf1cx0</c> enslaved to the stub0 VLAN 100 bridge by hand.
/// The netlink dumps of the host (links of the prefix only) and of every namespace were recorded as the kernel sent
/// them (<c>Fixtures/dump-netlink.py</c>: message type and payload in hex), with <c>tc -j -batch</c> and
/// <c>nft -j list table</c> beside them. The routers' forwarding sysctls are not in the dumps: they are taken as on.
/// </summary>
public sealed class LinuxObservationTests
{
    private const string Prefix = "nvtf1c";
    private const string Deployment = "0123456789abcdef";

    private static readonly LinuxContext Context = new(new LinuxNaming(Prefix, Deployment), LinuxTools.Default);

    private static HostState Observed()
    {
        List<LinkObserved>? host = null;
        var namespaces = new List<NamespaceObserved>();
        string? section = null;
        List<LinkObserved> links = [];
        List<AddressObserved> addresses = [];
        List<RouteObserved> routes = [];
        void Close()
        {
            if (section == "host")
            {
                host = links;
            }
            else if (section is not null)
            {
                var router = Context.Naming.RouterOfNetns(section) is not null;
                namespaces.Add(new NamespaceObserved(section) { Links = links, Addresses = addresses, Routes = routes, Forwarding = router ? ("1", "1") : null });
            }

            (links, addresses, routes) = ([], [], []);
        }

        foreach (var line in LinuxFixture.Read("observed-sample.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                Close();
                section = line == "# host" ? "host" : line["# netns ".Length..];
                continue;
            }

            var type = ushort.Parse(line[..line.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            var payload = Convert.FromHexString(line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            switch (type)
            {
                case Rtnl.RTM_NEWLINK when RtnlDecoder.Link(payload) is { } link:
                    links.Add(link);
                    break;
                case Rtnl.RTM_NEWADDR when RtnlDecoder.Address(payload) is { } address:
                    addresses.Add(address);
                    break;
                case Rtnl.RTM_NEWROUTE when RtnlDecoder.Route(payload) is { } route:
                    routes.Add(route);
                    break;
            }
        }

        Close();
        var devices = LinuxFixture.Read("observed-sample-tc-devices.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return LinuxObservation.Build(
            Context,
            host!,
            [.. namespaces.Select(n => new NetnsEntry(n.Name, NetnsEntry.Nsfs))],
            namespaces,
            [],
            TcJson.Parse(LinuxFixture.Read("observed-sample-tc.json"), devices),
            NftJson.Parse(LinuxFixture.Read("observed-sample-nft.json")));
    }

    [Fact]
    public void Build_RecordedDumpsOfTheAppliedSample_MatchTheDesiredStateButTheForeignPort()
    {
        var desired = LinuxRenderer.Render(LinuxHarness.Resolve(Support.Models.Sample()), Context, new LinuxCapabilities());

        var plan = Planner.Plan(desired.Desired, Observed(), desired.Problems);

        var step = Assert.Single(plan.Steps);
        Assert.Equal($"bridge {Context.Naming.Bridge("stub0", 100)}: foreign-ports nvtf1cx0 → (none)", step.Reason);
        Assert.Empty(plan.Problems);
    }

    [Fact]
    public void Build_RecordedDumps_ReadTheMarksMacsAndBridges()
    {
        var observed = Observed();

        var web1 = observed.Find(new ResourceId("veth", $"{Prefix}-z-acme-web1/net0"))!;
        Assert.True(web1.Owned);
        Assert.Equal(Deployment, web1.Properties["deployment"]);
        Assert.Equal("02:08:20:00:00:00", web1.Properties["mac"]);
        Assert.Equal(Context.Naming.Bridge("stub0", 100), web1.Properties["bridge"]);
        Assert.Equal(Context.Naming.VnicHostEnd("acme-web1", "net0"), web1.Properties["host-end"]);
        Assert.Equal("up", web1.Properties["state"]);
        var netns = observed.Find(new ResourceId("netns", $"{Prefix}-z-acme-web1"))!;
        Assert.Equal(("nsfs", "yes", Deployment), (netns.Properties["mount"], netns.Properties["ready"], netns.Properties["deployment"]));
        var table = observed.Find(new ResourceId("nft-table", $"bridge {Prefix}"))!;
        Assert.Equal(Deployment, table.Properties["deployment"]);
        Assert.Contains(observed.Resources, r => r.Kind.Name == "route" && r.Name == $"{Prefix}-z-acme-web1/0.0.0.0/0" && r.Properties["via"] == "10.100.0.1");
        Assert.Contains(observed.Resources, r => r is { Kind.Name: "link", Name: "nvtf1cx0", Owned: false });
    }

    [Fact]
    public void Build_RecordedDumpsSeenByAnotherDeployment_AreNotOwnedAndCarryTheirId()
    {
        var stranger = Context with { Naming = new LinuxNaming(Prefix, "ffffffffffffffff") };
        var devices = LinuxFixture.Read("observed-sample-tc-devices.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var mine = Observed();

        var theirs = LinuxObservation.Build(stranger, [], [], [], [], TcJson.Parse(LinuxFixture.Read("observed-sample-tc.json"), devices), NftJson.Parse(LinuxFixture.Read("observed-sample-nft.json")));

        var table = Assert.Single(theirs.Resources);
        Assert.False(table.Owned);
        Assert.Equal(Deployment, table.Deployment);
        Assert.Contains(mine.Resources, r => r.Kind.Name == "protection");
    }

    [Fact]
    public void Classify_MountInfo_TellsNamespacesFromHalfMadeNames()
    {
        const string mountinfo = """
            25 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
            45 25 0:22 /netns /run/netns rw,nosuid,nodev shared:4 - tmpfs tmpfs rw
            48 45 0:4 net:[4026532306] /run/netns/nv-z-web1 rw shared:4 - nsfs nsfs rw
            49 45 254:0 /tmp/x /run/netns/nv-z-web3 rw,relatime shared:5 - ext4 /dev/vda rw
            50 45 0:4 net:[4026532307] /run/netns/nv-z-with\040space rw shared:4 - nsfs nsfs rw
            51 45 0:4 mnt:[4026532308] /run/netns/nv-z-web4 rw shared:4 - nsfs nsfs rw
            """;

        var entries = NetnsMounts.Classify(["nv-z-web1", "nv-z-web2", "nv-z-web3", "nv-z-with space", "nv-z-web4"], mountinfo);

        Assert.Equal(
        [
            new NetnsEntry("nv-z-web1", "nsfs"),
            new NetnsEntry("nv-z-web2", "none"),
            new NetnsEntry("nv-z-web3", "ext4"),
            new NetnsEntry("nv-z-with space", "nsfs"),
            new NetnsEntry("nv-z-web4", "nsfs (not a network namespace)"),
        ], entries);
        Assert.Equal([true, false, false, true, false], entries.Select(e => e.IsNamespace));
    }

    [Fact]
    public void MountInfo_ReadsRootMountPointAndType_SkipsMalformedLines()
    {
        const string mountinfo = """
            48 45 0:4 net:[4026532306] /run/netns/nv-z-with\040space rw shared:4 - nsfs nsfs rw
            short line
            1 2 3 4 5 6
            49 45 254:0 /tmp/x /var/lib/x rw,relatime master:5 - ext4 /dev/vda rw
            """;

        Assert.Equal(
            [("net:[4026532306]", "/run/netns/nv-z-with space", "nsfs"), ("/tmp/x", "/var/lib/x", "ext4")],
            NetnsMounts.MountInfo(mountinfo));
    }

    [Theory]
    [InlineData("net:[4026532306]", 4026532306UL)]
    [InlineData("net:[4026531840]", 4026531840UL)]
    [InlineData("mnt:[4026532306]", null)]
    [InlineData("net:[]", null)]
    [InlineData("net:[-1]", null)]
    [InlineData("net:[12 ]", null)]
    [InlineData("socket:[123]", null)]
    [InlineData("/run/netns/x", null)]
    [InlineData(null, null)]
    public void NetworkNamespaceInode_ReadsOnlyANetworkNamespaceLink(string? text, ulong? inode) =>
        Assert.Equal(inode, NetnsMounts.NetworkNamespaceInode(text));

    [Theory]
    [InlineData(null, "netvirt vnic web1/net0", "vnic", "web1/net0", null)]
    [InlineData(null, "netvirt vnic web1/net0 deployment 0123456789abcdef", "vnic", "web1/net0", "0123456789abcdef")]
    [InlineData("0123456789abcdef", "netvirt vnic web1/net0 deployment 0123456789abcdef", "vnic", "web1/net0", "0123456789abcdef")]
    public void Alias_WrittenAndRead_CarriesKindIdentityAndDeployment(string? deployment, string alias, string kind, string identity, string? recorded)
    {
        var naming = new LinuxNaming("nv", deployment);
        if (deployment is not null)
        {
            Assert.Equal(alias, naming.Alias(kind, identity));
        }

        Assert.Equal(new OwnerAlias(kind, identity, recorded), LinuxNaming.ParseAlias(alias));
    }

    [Theory]
    [InlineData("")]
    [InlineData("netvirt")]
    [InlineData("netvirt vnic")]
    [InlineData("netvirt vnic web1/net0 owner 0123456789abcdef")]
    [InlineData("something else")]
    public void ParseAlias_NotNetVirts_IsNull(string alias) => Assert.Null(LinuxNaming.ParseAlias(alias));

    [Theory]
    [InlineData(null, null, true)]
    [InlineData(null, "0123456789abcdef", false)]
    [InlineData("0123456789abcdef", null, true)]
    [InlineData("0123456789abcdef", "0123456789abcdef", true)]
    [InlineData("0123456789abcdef", "fedcba9876543210", false)]
    public void IsOurs_RecordedDeployment_UnmarkedAdoptedOthersNot(string? ours, string? recorded, bool expected) =>
        Assert.Equal(expected, new LinuxNaming("nv", ours).IsOurs(recorded));
}
