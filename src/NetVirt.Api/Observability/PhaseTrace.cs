using System.Diagnostics;
using System.Globalization;
using NetVirt.Backends.Execution;

namespace NetVirt.Api.Observability;

/// <summary>
/// With <c>NETVIRT_TRACE_PHASES=1</c> in its environment, the server (and any <c>netvirt</c> command) prints every phase span (<see cref="Phases"/>: a CNI
/// request's store transaction, render, netlink, nftables, …) to stderr as <c>phase NAME MILLISECONDS (began … ms after the process started)</c> when it ends:
/// how the time of one ADD or DEL breaks down (docs/performance.md, CNI); at exit, what compiling at run time and the garbage
/// collector cost the process. Off otherwise: nothing listens, spans cost nothing.
/// </summary>
public static class PhaseTrace
{
    /// <summary>The environment variable that turns the trace on.</summary>
    public const string Variable = "NETVIRT_TRACE_PHASES";

    private static ActivityListener? _listener;

    /// <summary>Starts the trace when <see cref="Variable"/> is 1 (once per process).</summary>
    public static void EnableFromEnvironment()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1" || _listener is not null)
        {
            return;
        }

        // Read only when tracing: every command calls this, and most never trace.
        var processStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Phases.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"phase {activity.DisplayName} {activity.Duration.TotalMilliseconds:0.000} (began {(activity.StartTimeUtc - processStart).TotalMilliseconds:0} ms after the process started)")),
        };
        ActivitySource.AddActivityListener(_listener);
        // What the runtime itself cost the process, beside its phases: compiling at run time and collecting garbage.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"runtime jit {System.Runtime.JitInfo.GetCompiledMethodCount()} methods {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:0} ms; " +
            $"gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} (gen0/1/2) paused {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms; " +
            $"cpu {Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds:0} ms"));
    }
}
