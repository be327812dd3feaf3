using System.Collections.Concurrent;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Model.Spec;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Tests.Api;

/// <summary>
/// A host with one object per zone, for reconcile-service tests: counts runs and how many overlap, fails the next
/// batches on request, can hold a run open, and lets a test remove an object (drift).
/// </summary>
public sealed class FakeHostBackend : IHostBackend
{
    private static readonly ResourceKind Zone = ResourceKind.Create("zone", 1, []);
    private readonly ConcurrentDictionary<string, HostResource> _host = new(StringComparer.Ordinal);
    private int _running;
    private int _maxConcurrent;
    private int _batches;
    private int _failNext;

    public string Target => "fake";

    /// <summary>Most batches that ever ran at the same time.</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

    /// <summary>Batches executed.</summary>
    public int Batches => Volatile.Read(ref _batches);

    /// <summary>While set, every batch waits for it.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public IReadOnlyCollection<string> Objects => [.. _host.Keys.Order(StringComparer.Ordinal)];

    public void FailNext(int batches) => Volatile.Write(ref _failNext, batches);

    public void Remove(string name) => _host.TryRemove(name, out _);

    public RenderResult Render(NetworkModel model) =>
        RenderResult.Of(new HostState(model.Zones.Select(z => new HostResource { Kind = Zone, Name = z.Name, Properties = PropertyBag.Of(("vnics", z.Vnics.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))) })));

    public Task<HostState> ObserveAsync(CancellationToken cancellationToken) => Task.FromResult(new HostState(_host.Values));

    public IReadOnlyList<CommandSpec> Describe(PlanStep step) => [CommandSpec.Of("/bin/true", step.Action.ToString().ToLowerInvariant(), step.Resource.Name)];

    public async Task<IReadOnlyList<StepExecution>> ExecuteAsync(IReadOnlyList<PlanStep> batch, CancellationToken cancellationToken)
    {
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxConcurrent, running);
        try
        {
            if (Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            Interlocked.Increment(ref _batches);
            if (Interlocked.Decrement(ref _failNext) >= 0)
            {
                return [.. batch.Select(s => StepExecution.Failure(s, $"create zone {s.Resource.Name}: fake host refused", TimeSpan.Zero))];
            }

            Interlocked.Exchange(ref _failNext, 0);
            foreach (var step in batch)
            {
                if (step.Action == StepAction.Delete)
                {
                    _host.TryRemove(step.Resource.Name, out _);
                }
                else
                {
                    _host[step.Resource.Name] = step.Resource;
                }
            }

            return [.. batch.Select(s => StepExecution.Success(s, TimeSpan.Zero))];
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
