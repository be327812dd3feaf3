using System.Diagnostics;

namespace NetVirt.Integration.Infrastructure;

/// <summary>
/// Wireshark's command-line reader, which tests use to check that evidence files open with zones named. Missing
/// tshark skips those tests locally and fails them in CI (<see cref="Prerequisites.Required"/>); scripts/setup.sh
/// installs it.
/// </summary>
public static class Tshark
{
    /// <summary>Where Debian's tshark package puts it.</summary>
    public const string Path = "/usr/bin/tshark";

    /// <summary>Why tshark tests cannot run here, or null.</summary>
    public static string? Missing => File.Exists(Path) ? null : $"{Path} is missing (install tshark)";

    /// <summary>Runs tshark with <paramref name="args"/> and returns exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        if (Missing is { } why)
        {
            throw new InvalidOperationException(why);
        }

        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, Environment = { ["LC_ALL"] = "C.UTF-8" } };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
