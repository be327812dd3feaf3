using NetVirt.Backends.Linux.Tc;

namespace NetVirt.Tests.Backends.Linux;

public sealed class TcJsonTests
{
    [Fact]
    public void Parse_BatchOutput_FindsTbfRatesAndIngressRedirects()
    {
        var devices = LinuxFixture.Read("tc-batch-devices.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var observed = TcJson.Parse(LinuxFixture.Read("tc-batch.json"), devices);

        Assert.Equal(25_000_000, observed.TbfRates["nvt0a1-v7757bf1"]);
        Assert.Equal(25_000_000, observed.TbfRates["nvt0a1-i7757bf1"]);
        Assert.Contains("nvt0a1-v7757bf1", observed.Ingress);
        Assert.Equal("nvt0a1-i7757bf1", observed.Redirects["nvt0a1-v7757bf1"]);
        Assert.Equal(5, observed.Redirects.Count);
    }

    [Fact]
    public void Set_Lines_ReplaceEverything()
    {
        var lines = TcCommands.Set("nv-vabc", "nv-iabc", 200_000_000, 100_000_000);

        Assert.All(lines, l => Assert.Contains(" replace ", l));
        Assert.Equal("qdisc replace dev nv-vabc root handle 1: tbf rate 200000000bit burst 250000 latency 50ms", lines[0]);
        Assert.Contains("redirect dev nv-iabc", lines[2]);
        Assert.Equal("qdisc replace dev nv-iabc root handle 1: tbf rate 100000000bit burst 125000 latency 50ms", lines[3]);
    }
}
