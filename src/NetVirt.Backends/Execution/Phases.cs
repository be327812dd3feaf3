using System.Diagnostics;

namespace NetVirt.Backends.Execution;

/// <summary>
/// The phases of a reconcile as <see cref="Activity"/> spans of one source, <c>NetVirt</c>: render, observe (and its
/// parts), plan, each batch a backend executes, the journal writes. Nothing is recorded unless a listener asks (the
/// benchmarks' in-process breakdown does; an OpenTelemetry exporter could): <see cref="Start"/> then returns null.
/// </summary>
public static class Phases
{
    /// <summary>The name of the activity source.</summary>
    public const string SourceName = "NetVirt";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts a span named <paramref name="name"/> (dispose it to end it), or returns null when no one listens.</summary>
    public static Activity? Start(string name) => Source.StartActivity(name);
}
