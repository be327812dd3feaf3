using System.Diagnostics;
using System.Globalization;

namespace NetVirt.Bench;

/// <summary>
/// One whole process, measured from outside: wall time from start to exit, and its peak resident memory (VmHWM from
/// /proc/&lt;pid&gt;/status, read every 20 ms while it runs; the high-water mark only grows, so the last reading before
/// it exits is the peak up to then). Killed, with its children, when it outlives the timeout.
/// </summary>
/// <param name="Wall">Start to exit.</param>
/// <param name="PeakKiB">VmHWM in KiB, last seen.</param>
/// <param name="ExitCode">Exit code (-1 when killed).</param>
/// <param name="TimedOut">True when it was killed at the timeout.</param>
/// <param name="Stdout">Its standard output.</param>
/// <param name="Stderr">Its standard error.</param>
public sealed record CliRun(TimeSpan Wall, long PeakKiB, int ExitCode, bool TimedOut, string Stdout, string Stderr)
{
    /// <summary>Runs <paramref name="executable"/> with <paramref name="args"/> and measures it.</summary>
    public static async Task<CliRun> MeasureAsync(string executable, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {executable}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var exited = process.WaitForExitAsync(cancellationToken);
        long peak = 0;
        var timedOut = false;
        while (!exited.IsCompleted)
        {
            peak = Math.Max(peak, ReadHwm(process.Id));
            if (clock.Elapsed > timeout)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
                break;
            }

            await Task.WhenAny(exited, Task.Delay(20, cancellationToken));
        }

        await process.WaitForExitAsync(cancellationToken);
        var wall = clock.Elapsed;
        return new CliRun(wall, peak, timedOut ? -1 : process.ExitCode, timedOut, await stdout, await stderr);
    }

    private static long ReadHwm(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // exited between the check and the read
        }

        return 0;
    }
}
