using NetVirt.Audit.Runs;
using NetVirt.Audit.Topology;

namespace NetVirt.Tests.Audit.Runs;

/// <summary>
/// A full audit's memory grows with the ordered pairs (3.4 GB for 2,000 VNICs): one that cannot fit in the host's
/// available memory is refused before a capture is opened or a frame sent, with the sizes and what to run instead.
/// </summary>
public sealed class FullAuditMemoryTests
{
    [Fact]
    public void FullAuditTooLarge_NamesTheSizesAndTheStratifiedAudit()
    {
        var reason = IsolationAudit.FullAuditTooLarge(5000, 24_995_000, 12L << 30);

        Assert.NotNull(reason);
        Assert.Contains("5,000 VNICs", reason, StringComparison.Ordinal);
        Assert.Contains("24,995,000 ordered pairs", reason, StringComparison.Ordinal);
        Assert.Contains("18.1 GiB", reason, StringComparison.Ordinal);
        Assert.Contains("12.0 GiB available", reason, StringComparison.Ordinal);
        Assert.Contains("stratified", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1000, 999_000, 4L << 30)]     // measured 1.2 GB
    [InlineData(2000, 3_998_000, 8L << 30)]   // measured 3.4 GB
    [InlineData(5000, 24_995_000, null)]      // not known: the audit runs
    public void FullAuditTooLarge_FitsOrUnknown_Null(int vnics, long pairs, long? available) =>
        Assert.Null(IsolationAudit.FullAuditTooLarge(vnics, pairs, available));

    [Fact]
    public void LinuxAuditHost_AvailableMemory_IsMemAvailable()
    {
        var line = File.ReadLines("/proc/meminfo").Single(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
        var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);

        // Both read within moments of each other: equal to within 256 MiB.
        Assert.InRange(new LinuxAuditHost().AvailableMemory!.Value, (kb * 1024) - (256L << 20), (kb * 1024) + (256L << 20));
    }

    [Fact]
    public async Task Run_FullAuditLargerThanTheMemory_RefusedBeforeAnyCaptureOrFrame_StratifiedRuns()
    {
        var topology = AuditModels.Topology();
        var fabric = new FakeFabric(topology) { AvailableMemory = 1L << 20 };

        var refused = await Assert.ThrowsAsync<AuditPreconditionException>(() =>
            new IsolationAudit(fabric, fabric).RunAsync(topology, new AuditOptions { Mode = AuditMode.Full, Deadline = TimeSpan.FromMilliseconds(300) }));
        Assert.Contains("full audit", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, fabric.Injected);

        var stratified = await new IsolationAudit(fabric, fabric).RunAsync(topology,
            new AuditOptions { Mode = AuditMode.Stratified, Deadline = TimeSpan.FromMilliseconds(300), Grace = TimeSpan.FromMilliseconds(20) });
        Assert.True(stratified.IsClean);
    }
}
