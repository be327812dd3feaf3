using NetVirt.Testing;

namespace NetVirt.Tests.Bench;

public sealed class TestPrefixTests
{
    private static (string, string)[] Zones(int last) => [.. Enumerable.Range(0, last + 1).Select(z => ($"z{z}", "net0"))];

    [Fact]
    public void HostEndsDistinct_FindsTheCollisionThatStoppedACliStartRun()
    {
        // nvt349 gave zones z190 and z510 the same host end (nvt349-v41f23f9), and the plan refused.
        Assert.False(TestPrefix.HostEndsDistinct("nvt349", Zones(1000)));
        Assert.True(TestPrefix.HostEndsDistinct("nvt349", Zones(500)));
    }

    [Fact]
    public void ForBenchmark_IsATestPrefixWhoseBenchmarkZonesGetDistinctHostEnds()
    {
        var prefix = TestPrefix.ForBenchmark();

        Assert.Matches("^nvt[0-9a-f]{3}$", prefix);
        Assert.True(TestPrefix.HostEndsDistinct(prefix, Zones(TestPrefix.BenchmarkZones)));
    }
}
