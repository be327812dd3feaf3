namespace NetVirt.Tests.Support;

/// <summary>
/// Files checked in next to the tests (fixtures, golden outputs), read from the source tree so that a golden file can
/// be regenerated in place: run the tests with <c>NETVIRT_UPDATE_GOLDEN=1</c>, review the diff, commit.
/// </summary>
public static class RepositoryFiles
{
    /// <summary>The text of a file under <c>tests/NetVirt.Tests/</c>, byte for byte.</summary>
    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "NetVirt.Tests", relativePath));

    /// <summary>Asserts <paramref name="actual"/> equals the golden file (or rewrites it when NETVIRT_UPDATE_GOLDEN=1).</summary>
    public static void AssertGolden(string relativePath, string actual)
    {
        var path = Path.Combine(RepoPaths.Root, "tests", "NetVirt.Tests", relativePath);
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
