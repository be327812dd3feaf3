using System.Diagnostics;
using System.Globalization;

namespace NetVirt.Bench;

/// <summary>
/// One whole process, measured from outside: wall time from start to exit, and its peak resident memory (the maximum
/// resident set size the kernel reports when it is reaped, the VmHWM of its last moment, as GNU time's <c>%M</c>:
/// /usr/bin/time from Debian's <c>time</c> package runs it), and the CPU time it used (user + system, its children
/// included): on a shared machine wall time follows the load, CPU time much less. Killed, with its children, when it
/// outlives the timeout.
/// </summary>
/// <param name="Wall">Start to exit.</param>
/// <param name="PeakKiB">Peak resident memory in KiB (0 when killed).</param>
/// <param name="Cpu">User + system CPU time (zero when killed).</param>
/// <param name="ExitCode">Exit code (-1 when killed).</param>
/// <param name="TimedOut">True when it was killed at the timeout.</param>
/// <param name="Stdout">Its standard output.</param>
/// <param name="Stderr">Its standard error.</param>
public sealed record CliRun(TimeSpan Wall, long PeakKiB, TimeSpan Cpu, int ExitCode, bool TimedOut, string Stdout, string Stderr)
{
    /// <summary>Runs <paramref name="executable"/> with <paramref name="args"/> and measures it.</summary>
    public static async Task<CliRun> MeasureAsync(string executable, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        const string Time = "/usr/bin/time";
        if (!File.Exists(Time))
        {
            throw new InvalidOperationException($"{Time} is missing: install Debian's 'time' package (it reports a process's peak memory)");
        }

        var peakFile = Path.GetTempFileName();
        var start = new ProcessStartInfo(Time) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in (string[])["-f", "%M %U %S", "-o", peakFile, executable, .. args])
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        try
        {
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {executable}");
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            var timedOut = false;
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(cancellationToken);
            }

            var wall = clock.Elapsed;
            // The last line is ours ("Command exited with non-zero status N" may come before it).
            var fields = (await File.ReadAllTextAsync(peakFile, cancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Split(' ') ?? [];
            long peak = 0;
            double user = 0, system = 0;
            var parsed = !timedOut && fields.Length == 3
                && long.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out peak)
                && double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out user)
                && double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out system);
            return new CliRun(wall, parsed ? peak : 0, TimeSpan.FromSeconds(parsed ? user + system : 0), timedOut ? -1 : process.ExitCode, timedOut, await stdout, await stderr);
        }
        finally
        {
            File.Delete(peakFile);
        }
    }
}
