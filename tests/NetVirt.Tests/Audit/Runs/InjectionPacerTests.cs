using NetVirt.Audit.Runs;

namespace NetVirt.Tests.Audit.Runs;

public sealed class InjectionPacerTests
{
    [Fact]
    public void Refused_HalvesOncePerFrameNotPerRetry_AndGrowsBackAfterQuietSends()
    {
        var pacer = new InjectionPacer(100_000);

        pacer.Refused(1);
        pacer.Refused(2);
        pacer.Refused(3);
        Assert.Equal(50_000, pacer.Rate);
        Assert.Equal(3, pacer.Refusals);

        for (var i = 0; i < InjectionPacer.GrowAfter; i++)
        {
            pacer.Sent();
        }

        Assert.Equal(62_500, pacer.Rate);
    }

    [Fact]
    public void Rate_NeverBelowTheFloorNorAboveTheCeiling()
    {
        var pacer = new InjectionPacer(10_000);
        for (var i = 0; i < 20; i++)
        {
            pacer.Refused(1);
        }

        Assert.Equal(2_000, pacer.Rate);
        for (var i = 0; i < InjectionPacer.GrowAfter * 50; i++)
        {
            pacer.Sent();
        }

        Assert.Equal(10_000, pacer.Rate);
    }
}
