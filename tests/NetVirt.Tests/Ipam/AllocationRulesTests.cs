using System.Net;
using NetVirt.Model.Addressing;
using NetVirt.Model.Ipam;
using NetVirt.Model.Spec;

namespace NetVirt.Tests.Ipam;

/// <summary>The pure free-space computation: held addresses, gateway, reservations and the range's ends.</summary>
public sealed class AllocationRulesTests
{
    private static readonly NetworkSpec Network = new()
    {
        Name = "n1",
        Over = "stub0",
        Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("10.0.0.0/24"), Gateway = IPAddress.Parse("10.0.0.1") },
        Reserved = [new ReservationSpec { First = IPAddress.Parse("10.0.0.100"), Last = IPAddress.Parse("10.0.0.109") }],
    };

    private static UInt128 Key(string address) => IpAddressMath.ToUInt128(IPAddress.Parse(address));

    public static TheoryData<string[], string> Cases => new()
    {
        { [], "10.0.0.2-10.0.0.99 10.0.0.110-10.0.0.254" },
        { ["10.0.0.2", "10.0.0.3", "10.0.0.5"], "10.0.0.4-10.0.0.4 10.0.0.6-10.0.0.99 10.0.0.110-10.0.0.254" },
        { ["10.0.0.99", "10.0.0.110"], "10.0.0.2-10.0.0.98 10.0.0.111-10.0.0.254" },
        { ["10.0.0.254"], "10.0.0.2-10.0.0.99 10.0.0.110-10.0.0.253" },
        { ["10.0.0.254", "10.0.0.2"], "10.0.0.3-10.0.0.99 10.0.0.110-10.0.0.253" },
        { ["10.0.0.1", "10.0.0.100", "10.9.9.9"], "10.0.0.2-10.0.0.99 10.0.0.110-10.0.0.254" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FreeRanges_HeldAddresses_LeaveTheRestAsCompactRanges(string[] held, string expected)
    {
        var rules = new AllocationRules(Network, Network.Ipv4!);
        var free = rules.FreeRanges(held.Select(Key));
        Assert.Equal(expected, string.Join(" ", free.Select(r => $"{r.First}-{r.Last}")));
    }

    [Fact]
    public void FreeRanges_UnsortedInput_SameAnswerAsSorted()
    {
        var rules = new AllocationRules(Network, Network.Ipv4!);
        string[] held = ["10.0.0.50", "10.0.0.3", "10.0.0.200", "10.0.0.4"];
        Assert.Equal(
            rules.FreeRanges(held.Select(Key).Order()).Select(r => r.ToString()),
            rules.FreeRanges(held.Select(Key)).Select(r => r.ToString()));
    }
}
