namespace NetVirt.Tests.Support;

/// <summary>Paths inside the repository, found from the test binary's location.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Examples => Path.Combine(Root, "schemas", "examples");

    public static string Schema => Path.Combine(Root, "schemas", "model", "netvirt.schema.json");

    public static string MultiTenantSample => Path.Combine(Examples, "multi-tenant.yaml");

    public static IReadOnlyList<string> Samples => [.. Directory.GetFiles(Examples, "*.yaml").Order(StringComparer.Ordinal)];

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetVirt.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (NetVirt.sln) above " + AppContext.BaseDirectory);
    }
}
