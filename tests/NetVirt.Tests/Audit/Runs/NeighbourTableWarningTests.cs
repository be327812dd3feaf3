using NetVirt.Audit.Runs;

namespace NetVirt.Tests.Audit.Runs;

/// <summary>The audit's note when the host's neighbour tables are smaller than the audit.</summary>
public sealed class NeighbourTableWarningTests
{
    [Fact]
    public void MoreVnicsThanTheLimit_NamesTheSysctlAndASize()
    {
        var note = IsolationAudit.NeighbourTableWarning(5000, 1024);
        Assert.NotNull(note);
        Assert.Contains("at most 1,024 neighbour entries", note, StringComparison.Ordinal);
        Assert.Contains("net.ipv4.neigh.default.gc_thresh3=20000", note, StringComparison.Ordinal);
        Assert.Contains("net.ipv6.neigh.default.gc_thresh3=20000", note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024, 1024)]
    [InlineData(200, 1024)]
    [InlineData(5000, null)]
    public void WithinTheLimitOrUnknown_NoNote(int vnics, int? limit) =>
        Assert.Null(IsolationAudit.NeighbourTableWarning(vnics, limit));
}
