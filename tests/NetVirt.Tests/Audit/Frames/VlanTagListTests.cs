using NetVirt.Audit.Frames;

namespace NetVirt.Tests.Audit.Frames;

public sealed class VlanTagListTests
{
    [Fact]
    public void Equality_SameTagsInSameOrder_AreEqual()
    {
        var a = new VlanTagList(VlanTag.Service(300), VlanTag.Customer(100));
        var b = VlanTagList.None.Add(VlanTag.Service(300)).Add(VlanTag.Customer(100));

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new VlanTagList(VlanTag.Customer(100), VlanTag.Service(300)));
        Assert.NotEqual(a, new VlanTagList(VlanTag.Service(300)));
    }

    [Fact]
    public void Enumerate_TwoTags_OuterFirst()
    {
        var list = new VlanTagList(VlanTag.Service(300), VlanTag.Customer(100));
        var ids = new List<ushort>();

        foreach (var tag in list)
        {
            ids.Add(tag.VlanId);
        }

        Assert.Equal([300, 100], ids);
        Assert.Equal((ushort)100, list.InnermostVlanId);
    }

    [Fact]
    public void Add_ThirdTag_Throws()
    {
        var list = new VlanTagList(VlanTag.Service(300), VlanTag.Customer(100));

        Assert.Throws<InvalidOperationException>(() => list.Add(VlanTag.Customer(7)));
    }

    [Fact]
    public void ControlInformation_RoundTripsPriorityDeiAndId()
    {
        var tag = new VlanTag(4094, 7, true);

        Assert.Equal(0xfffe, tag.ControlInformation);
        Assert.Equal(tag, VlanTag.FromControlInformation(EtherTypes.Vlan, 0xfffe));
    }

    [Fact]
    public void EthernetHeader_WithEqualTags_RecordsAreEqual()
    {
        var mac = MacAddress.Parse("02:00:00:00:00:01");

        Assert.Equal(
            new EthernetHeader(mac, mac, new VlanTagList(VlanTag.Customer(5))),
            new EthernetHeader(mac, mac, VlanTagList.None.Add(VlanTag.Customer(5))));
    }
}
