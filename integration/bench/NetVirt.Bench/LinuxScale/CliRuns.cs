using System.Diagnostics;
using NetVirt.Backends.Commands;
using NetVirt.Testing;

namespace NetVirt.Bench.LinuxScale;

/// <summary>
/// Whole <c>netvirt</c> processes, start-up included, as an operator runs them: <c>apply -f</c> of the model into a
/// fresh database, the same <c>apply -f</c> again (nothing to do), <c>destroy</c>; under a fresh test prefix, swept
/// afterwards whatever happened. A build is its <c>netvirt.dll</c> (run by <c>dotnet</c>) or an apphost (a ReadyToRun
/// publish's <c>netvirt</c>, what <c>bin/netvirt</c> runs), run as it is.
/// </summary>
internal static class CliRuns
{
    public static async Task<(TimeSpan Apply, TimeSpan Noop, TimeSpan Destroy)> RunAsync(string netvirt, string model, CancellationToken cancellationToken)
    {
        var prefix = TestPrefix.ForBenchmark();
        var directory = Directory.CreateTempSubdirectory("netvirt-scale-").FullName;
        try
        {
            var file = Path.Combine(directory, "model.yaml");
            await File.WriteAllTextAsync(file, model, cancellationToken);
            string[] common = [netvirt, "--db", Path.Combine(directory, "netvirt.db"), "--prefix", prefix, "-q"];
            var apply = await TimeAsync([.. common, "apply", "-f", file, "--auto-approve"], cancellationToken);
            var noop = await TimeAsync([.. common, "apply", "-f", file, "--auto-approve"], cancellationToken);
            var destroy = await TimeAsync([.. common, "destroy", "--auto-approve"], cancellationToken);
            if (!await ScaleHost.IsCleanAsync(prefix))
            {
                throw new InvalidOperationException($"destroy left objects of {prefix}");
            }

            return (apply, noop, destroy);
        }
        finally
        {
            await ScaleHost.SweepAsync(prefix);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<TimeSpan> TimeAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var command = arguments[0].EndsWith(".dll", StringComparison.Ordinal) ? CommandSpec.Of("dotnet", arguments) : CommandSpec.Of(arguments[0], arguments[1..]);
        var result = await new ProcessCommandRunner().RunAsync(command, cancellationToken);
        var elapsed = clock.Elapsed;
        if (!result.Succeeded)
        {
            // Both streams: a failed apply's run summary is on stdout, its error on stderr.
            var stdout = result.Stdout.Trim();
            throw new InvalidOperationException(
                $"netvirt {string.Join(' ', arguments[^4..])} exited {result.ExitCode}: {result.Stderr.Trim()}\n{stdout[Math.Max(0, stdout.Length - 4000)..]}");
        }

        return elapsed;
    }
}
