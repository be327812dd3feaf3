namespace NetVirt.Tests.Dashboard;

/// <summary>
/// A test that drives Debian's chromium through Playwright. Skipped where <c>/usr/bin/chromium</c> is missing, except
/// under <c>CI=true</c>, where a missing browser fails the test (scripts/setup.sh installs it).
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Debian's chromium; Playwright's own browser download is not used.</summary>
    public const string Executable = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Executable) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"{Executable} is missing (apt-get install chromium, or run scripts/setup.sh)";
        }
    }
}
