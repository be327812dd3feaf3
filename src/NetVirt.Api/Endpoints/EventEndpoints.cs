using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Hosting;
using NetVirt.Api.Reconcile;

namespace NetVirt.Api.Endpoints;

/// <summary>
/// <c>GET /events</c>: live updates as server-sent events, for the dashboard and scripts. <c>run</c> carries a run of
/// <c>/runs</c> each time one is queued, starts or finishes; <c>generation</c> the desired-state generation whenever
/// it changes (also by another process writing the same database: it is read every second); a comment every 15
/// seconds keeps proxies from closing the stream. The token goes in the <c>Authorization</c> header like everywhere
/// else (the dashboard reads the stream with <c>fetch</c>, since <c>EventSource</c> cannot send headers).
/// </summary>
public static class EventEndpoints
{
    /// <summary>How often the stored generation is compared.</summary>
    public static readonly TimeSpan GenerationPoll = TimeSpan.FromSeconds(1);

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/events", Stream).WithTags("events").WithProblems().WithName("Events")
            .WithSummary("Live updates as server-sent events: 'run' when a run is queued, starts or finishes; 'generation' when the desired state changes")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return routes;
    }

    private static IResult Stream(ApiState state, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(EventsAsync(state, cancellationToken));

    private static async IAsyncEnumerable<SseItem<object>> EventsAsync(ApiState state, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Bounded: a client that stops reading loses old run events (it can re-read /runs), never the server's memory.
        var runs = Channel.CreateBounded<ReconcileRun>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        void OnRun(ReconcileRun run) => runs.Writer.TryWrite(run);
        state.Reconcile.RunChanged += OnRun;
        try
        {
            var generation = state.Store.Generation();
            yield return new SseItem<object>(new GenerationEvent(generation), "generation");
            var lastBeat = DateTime.UtcNow;
            while (!cancellationToken.IsCancellationRequested)
            {
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                poll.CancelAfter(GenerationPoll);
                var woke = false;
                try
                {
                    woke = await runs.Reader.WaitToReadAsync(poll.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The poll interval passed without a run event.
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }

                while (woke && runs.Reader.TryRead(out var run))
                {
                    yield return new SseItem<object>(run, "run") { EventId = run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                }

                var now = state.Store.Generation();
                if (now != generation)
                {
                    generation = now;
                    yield return new SseItem<object>(new GenerationEvent(generation), "generation");
                }

                if (DateTime.UtcNow - lastBeat > TimeSpan.FromSeconds(15))
                {
                    lastBeat = DateTime.UtcNow;
                    yield return new SseItem<object>(new GenerationEvent(generation), "heartbeat");
                }
            }
        }
        finally
        {
            state.Reconcile.RunChanged -= OnRun;
        }
    }
}

/// <summary>The desired-state generation, as the <c>generation</c> event carries it.</summary>
/// <param name="Generation">The generation now stored.</param>
public sealed record GenerationEvent(long Generation);
