using NetVirt.Audit;
using NetVirt.Audit.Capture;
using NetVirt.Model.Errors;

namespace NetVirt.Tests.Audit.Capture;

public sealed class CaptureOptionsTests
{
    [Fact]
    public void PcapException_Message_NamesOperationInterfaceNamespaceAndLibpcapText()
    {
        var error = new PcapException("open", new CaptureTarget("nvt123-a", "nvt123z0"), -5, "No such device exists");

        Assert.Equal("open on 'nvt123z0' in netns 'nvt123-a' failed (status -5): No such device exists", error.Message);
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
