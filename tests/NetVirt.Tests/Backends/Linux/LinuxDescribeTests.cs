using NetVirt.Backends.Linux;
using NetVirt.Planning;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Tests.Backends.Linux;

/// <summary>The equivalent commands of each kind's steps (<c>plan --commands</c>, the baseline script): pure.</summary>
public sealed class LinuxDescribeTests
{
    private static readonly Lazy<(Plan Create, LinuxBackend Backend)> Sample = new(() =>
    {
        var backend = LinuxHarness.Backend(new FakeLinuxKernel());
        var rendered = backend.Render(LinuxHarness.Resolve(Support.Models.Sample()));
        return (Planner.Plan(rendered.Desired, HostState.Empty), backend);
    });

    private static string[] Describe(string kind, string name, StepAction action = StepAction.Create, params PropertyChange[] changes)
    {
        var (plan, backend) = Sample.Value;
        var step = plan.Steps.Single(s => s.Resource.Kind.Name == kind && s.Resource.Name == name);
        step = step with { Action = action, Changes = [.. changes] };
        return [.. backend.Describe(step).Select(c => c.StandardInput is { } input ? $"{c} <<< {input.TrimEnd('\n').Replace('\n', '|')}" : c.ToString())];
    }

    private static string Bridge => Sample.Value.Backend.Naming.Bridge("stub0", 100);

    private static string HostEnd => Sample.Value.Backend.Naming.VnicHostEnd("acme-web1", "net0");

    [Fact]
    public void Describe_Netns_AddsSetsUpAndMarksIt()
    {
        Assert.Equal(
        [
            "/usr/sbin/ip netns add nvt0-z-acme-web1",
            "/usr/sbin/ip netns exec nvt0-z-acme-web1 sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.router_solicitations=0",
            "/usr/sbin/ip -n nvt0-z-acme-web1 link set lo alias 'netvirt netns nvt0-z-acme-web1 deployment 00112233445566aa' up",
        ], Describe("netns", "nvt0-z-acme-web1"));
        Assert.Equal(["/usr/sbin/ip netns delete nvt0-z-acme-web1"], Describe("netns", "nvt0-z-acme-web1", StepAction.Delete));
        Assert.Equal(2, Describe("netns", "nvt0-z-acme-web1", StepAction.Update).Length);
    }

    [Fact]
    public void Describe_Bridge_CreateSetsMarkAndMtuAndUpdateReleasesForeignPorts()
    {
        Assert.Equal(
        [
            $"/usr/sbin/ip link add {Bridge} type bridge",
            $"/usr/sbin/ip link set {Bridge} addrgenmode none",
            $"/usr/sbin/ip link set {Bridge} alias 'netvirt bridge {Bridge} deployment 00112233445566aa' mtu 1500 up",
        ], Describe("bridge", Bridge));
        Assert.Equal(
        [
            $"/usr/sbin/ip link set {Bridge} addrgenmode none",
            $"/usr/sbin/ip link set {Bridge} alias 'netvirt bridge {Bridge} deployment 00112233445566aa' mtu 1500 up",
            "/usr/sbin/ip link set sniff0 nomaster",
            "/usr/sbin/ip link set eth5 nomaster",
        ], Describe("bridge", Bridge, StepAction.Update, new PropertyChange("foreign-ports", "sniff0,eth5", ""), new PropertyChange("mtu", "1400", "1500")));
        Assert.Equal([$"/usr/sbin/ip link delete {Bridge}"], Describe("bridge", Bridge, StepAction.Delete));
    }

    [Fact]
    public void Describe_Veth_CreatesThePairIntoTheZoneAndMarksBothEnds()
    {
        Assert.Equal(
        [
            $"/usr/sbin/ip link add {HostEnd} numtxqueues 1 numrxqueues 1 mtu 1500 master {Bridge} type veth peer name net0 numtxqueues 1 numrxqueues 1 address 02:08:20:00:00:00 mtu 1500 netns nvt0-z-acme-web1",
            $"/usr/sbin/ip link set {HostEnd} addrgenmode none",
            $"/usr/sbin/ip link set {HostEnd} alias 'netvirt vnic acme-web1/net0 deployment 00112233445566aa' master {Bridge} up",
            "/usr/sbin/ip -n nvt0-z-acme-web1 link set net0 alias 'netvirt vnic acme-web1/net0 deployment 00112233445566aa' up",
        ], Describe("veth", "nvt0-z-acme-web1/net0"));
        Assert.Equal([$"/usr/sbin/ip link delete {HostEnd}"], Describe("veth", "nvt0-z-acme-web1/net0", StepAction.Delete));
    }

    [Fact]
    public void Describe_TableAndProtection_AreNftTransactions()
    {
        var table = Describe("nft-table", "bridge nvt0");
        Assert.StartsWith("/usr/sbin/nft -f - <<< add table bridge nvt0 { comment \"netvirt table nvt0 deployment 00112233445566aa\"; }|add set bridge nvt0 vnics { type ifname; comment \"netvirt table nvt0 deployment 00112233445566aa\"; }|", Assert.Single(table), StringComparison.Ordinal);
        Assert.Equal(
            $"/usr/sbin/nft -f - <<< add element bridge nvt0 allowed4 {{ \"{HostEnd}\" . 10.100.0.10 }}|add element bridge nvt0 allowed6 {{ \"{HostEnd}\" . fd10:100::2, \"{HostEnd}\" . fe80::8:20ff:fe00:0 }}|"
            + $"add element bridge nvt0 ip_ports {{ \"{HostEnd}\" }}|add element bridge nvt0 mac_ports {{ \"{HostEnd}\" }}|add element bridge nvt0 macs {{ \"{HostEnd}\" . 02:08:20:00:00:00 }}|"
            + $"add element bridge nvt0 vnics {{ \"{HostEnd}\" comment \"nvt0-z-acme-web1/net0\" }}",
            Assert.Single(Describe("protection", "nvt0-z-acme-web1/net0")));
        Assert.Equal(["/usr/sbin/nft delete table bridge nvt0"], Describe("nft-table", "bridge nvt0", StepAction.Delete));
    }

    [Fact]
    public void Describe_AddressRouteShapingForwarding()
    {
        Assert.Equal(["/usr/sbin/ip -n nvt0-z-acme-web1 address add fd10:100::2/64 dev net0 nodad"], Describe("address", "nvt0-z-acme-web1/net0/fd10:100::2/64"));
        Assert.Equal(["/usr/sbin/ip -n nvt0-z-acme-web1 -4 route add default via 10.100.0.1 proto static"], Describe("route", "nvt0-z-acme-web1/0.0.0.0/0"));
        Assert.Equal(["/usr/sbin/ip netns exec nvt0-r-acme sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1"], Describe("forwarding", "nvt0-r-acme"));
        var shaping = Describe("shaping", "nvt0-z-acme-web1/net0");
        var ifb = Sample.Value.Backend.Naming.VnicIfb("acme-web1", "net0");
        Assert.Equal($"/usr/sbin/ip link add {ifb} type ifb", shaping[0]);
        Assert.Equal($"/usr/sbin/ip link set {ifb} addrgenmode none", shaping[1]);
        Assert.Equal($"/usr/sbin/ip link set {ifb} alias 'netvirt ifb acme-web1/net0 deployment 00112233445566aa' up", shaping[2]);
        Assert.StartsWith($"/usr/sbin/tc -batch - <<< qdisc replace dev {HostEnd} root handle 1: tbf rate 200000000bit", shaping[3], StringComparison.Ordinal);
    }
}
