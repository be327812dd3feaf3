namespace NetVirt.Tests.TestSupport;

/// <summary>
/// Files checked in next to the tests (fixtures, golden outputs), read from the source tree so that a golden file can
/// be regenerated in place: run the tests with <c>NETVIRT_UPDATE_GOLDEN=1</c>, review the diff, commit.
/// </summary>
public static class RepositoryFiles
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetVirt.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no NetVirt.sln above {AppContext.BaseDirectory}");
    });

    /// <summary>The text of a file under <c>tests/NetVirt.Tests/</c>, byte for byte.</summary>
    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root.Value, "tests", "NetVirt.Tests", relativePath));

    /// <summary>The text of a file relative to the repository root (e.g. <c>schemas/examples/...</c>).</summary>
    public static string ReadRepository(string relativePath) => File.ReadAllText(Path.Combine(Root.Value, relativePath));

    /// <summary>Asserts <paramref name="actual"/> equals the golden file (or rewrites it when NETVIRT_UPDATE_GOLDEN=1).</summary>
    public static void AssertGolden(string relativePath, string actual)
    {
        var path = Path.Combine(Root.Value, "tests", "NetVirt.Tests", relativePath);
        if (Environment.GetEnvironmentVariable("NETVIRT_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"golden file {relativePath} is missing; run with NETVIRT_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
