using NetVirt.Model.Topology;

namespace NetVirt.Tests.Model;

public sealed class ContainerSlotsTests
{
    private const int Full = ContainerSlots.PortsPerSlot;

    [Fact]
    public void TheDomainsOwnSwitch_WhileItHasRoom_CountingDeclaredVnics()
    {
        Assert.Equal(0, ContainerSlots.Choose(0, new Dictionary<int, int>()));
        Assert.Equal(0, ContainerSlots.Choose(100, new Dictionary<int, int> { [0] = Full - 101 }));
        Assert.Equal(1, ContainerSlots.Choose(100, new Dictionary<int, int> { [0] = Full - 100 }));
        Assert.Equal(1, ContainerSlots.Choose(Full, new Dictionary<int, int>()));
    }

    [Fact]
    public void Then_TheLowestLeafWithRoom_ElseANewOne()
    {
        Assert.Equal(1, ContainerSlots.Choose(0, new Dictionary<int, int> { [0] = Full, [1] = Full - 1 }));
        Assert.Equal(2, ContainerSlots.Choose(0, new Dictionary<int, int> { [0] = Full, [1] = Full }));
        // A leaf emptied by removals is filled again before a new one is made.
        Assert.Equal(1, ContainerSlots.Choose(0, new Dictionary<int, int> { [0] = Full, [2] = Full, [3] = 7 }));
        Assert.Equal(3, ContainerSlots.Choose(0, new Dictionary<int, int> { [0] = Full, [1] = Full, [2] = Full, [3] = 7 }));
    }
}
