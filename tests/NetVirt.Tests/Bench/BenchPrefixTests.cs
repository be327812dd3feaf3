using NetVirt.Bench;

namespace NetVirt.Tests.Bench;

public sealed class BenchPrefixTests
{
    [Fact]
    public void HostEndsDistinct_FindsTheCollisionThatStoppedACliStartRun()
    {
        // nvt349 gave zones z190 and z510 the same host end (nvt349-v41f23f9), and the plan refused.
        Assert.False(BenchPrefix.HostEndsDistinct("nvt349", 1000));
        Assert.True(BenchPrefix.HostEndsDistinct("nvt349", 500));
    }

    [Fact]
    public void New_IsATestPrefixWhoseBenchmarkZonesGetDistinctHostEnds()
    {
        var prefix = BenchPrefix.New();

        Assert.Matches("^nvt[0-9a-f]{3}$", prefix);
        Assert.True(BenchPrefix.HostEndsDistinct(prefix, BenchPrefix.Zones));
    }
}
