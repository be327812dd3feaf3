using System.Collections.Concurrent;
using NetVirt.Audit.Capture;
using SharpPcap.LibPcap;

namespace NetVirt.Tests.Audit.Capture;

public sealed class PcapInterfaceByNameTests
{
    // The host's side of the bridges opens without listing the host's devices (seconds on a large host); this holds only
    // while the pinned SharpPcap keeps PcapInterface's fields as they are, so it is checked here, without root.
    [Fact]
    public void TryNamed_MakesAnInterfaceOfThatNameAlone_WithTheLoadedSharpPcap()
    {
        var known = new ConcurrentDictionary<string, PcapInterface>(StringComparer.Ordinal);

        Assert.True(SharpPcapCaptureHandle.TryNamed("nvt0-b1234", known));

        var named = Assert.Single(known);
        Assert.Equal("nvt0-b1234", named.Key);
        Assert.Equal("nvt0-b1234", named.Value.Name);
        Assert.Empty(named.Value.Addresses);
    }
}
