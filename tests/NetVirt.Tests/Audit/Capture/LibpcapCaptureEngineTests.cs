using NetVirt.Audit;
using NetVirt.Audit.Capture;
using NetVirt.Model.Errors;

namespace NetVirt.Tests.Audit.Capture;

public sealed class LibpcapCaptureEngineTests
{
    [Fact]
    public void LoadFirst_NoCandidateLoads_ThrowsBackendUnavailableNamingEveryName()
    {
        string[] names = ["libnetvirt-missing-a.so.9", "libnetvirt-missing-b.so.9"];

        var error = Assert.Throws<BackendUnavailableException>(() => PcapLibrary.LoadFirst(names));

        Assert.Contains("libnetvirt-missing-a.so.9", error.Message, StringComparison.Ordinal);
        Assert.Contains("libnetvirt-missing-b.so.9", error.Message, StringComparison.Ordinal);
        Assert.Contains("libpcap", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CandidateNames_CoverUpstreamDebianAndDevelopmentNames()
    {
        Assert.Equal(["libpcap.so.1", "libpcap.so.0.8", "libpcap.so"], PcapLibrary.CandidateNames);
    }

    [Fact]
    public void PcapException_Message_NamesOperationInterfaceNamespaceAndLibpcapText()
    {
        var error = new PcapException("pcap_activate", new CaptureTarget("nvt123-a", "nvt123z0"), -5, "No such device exists");

        Assert.Equal("pcap_activate on 'nvt123z0' in netns 'nvt123-a' failed (status -5): No such device exists", error.Message);
        Assert.True(error.IsNoSuchDevice);
        Assert.IsAssignableFrom<NetVirtException>(error);
    }

    [Theory]
    [InlineData(10, 512 * 1024)]
    [InlineData(2048, 1024)]
    public void CaptureOptions_Validate_RejectsValuesNoEngineHonours(int snapshotLength, int bufferSize)
    {
        var options = new CaptureOptions { SnapshotLength = snapshotLength, BufferSize = bufferSize };

        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }

    [Fact]
    public void CaptureOptions_Defaults_SuitTheAudit()
    {
        var options = CaptureOptions.Default;

        options.Validate();
        Assert.Equal(CaptureDirection.Inbound, options.Direction);
        Assert.True(options.Promiscuous);
        Assert.True(options.ImmediateMode);
    }
}
