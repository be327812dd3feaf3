using NetVirt.Tests.Support;

namespace NetVirt.Tests.Backends.Illumos;

/// <summary>Captured-format outputs under Backends/Illumos/Fixtures, exactly as the tools print them (reference formats).</summary>
public static class Fixture
{
    public static string Read(string name) => RepositoryFiles.Read(Path.Combine("Backends", "Illumos", "Fixtures", name));
}
