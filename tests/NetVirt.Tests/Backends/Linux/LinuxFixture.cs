using NetVirt.Tests.Support;

namespace NetVirt.Tests.Backends.Linux;

/// <summary>Outputs captured on this kernel (6.18, iproute2 6.1, nftables 1.0.6) under Backends/Linux/Fixtures.</summary>
public static class LinuxFixture
{
    public static string Read(string name) => RepositoryFiles.Read(Path.Combine("Backends", "Linux", "Fixtures", name));
}
