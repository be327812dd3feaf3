using System.Collections.Concurrent;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Containers;
using NetVirt.Backends.Execution;
using NetVirt.Model.Spec;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Tests.Cni;

/// <summary>A host that can hold containers: records each realized attachment (zone, interface) with its VNIC.</summary>
public sealed class FakeContainerHost : IHostBackend, IContainerBackend
{
    private int _failAttach;

    public ConcurrentDictionary<(string Zone, string Interface), VnicSpec> Attached { get; } = new();

    public List<string> Differences { get; } = [];

    public string Target => "linux";

    public void FailNextAttach() => Interlocked.Exchange(ref _failAttach, 1);

    public RenderResult Render(NetworkModel model) => RenderResult.Of(new HostState([]));

    public Task<HostState> ObserveAsync(CancellationToken cancellationToken) => Task.FromResult(new HostState([]));

    public IReadOnlyList<CommandSpec> Describe(PlanStep step) => [];

    public Task<IReadOnlyList<StepExecution>> ExecuteAsync(IReadOnlyList<PlanStep> batch, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StepExecution>>([.. batch.Select(s => StepExecution.Success(s, TimeSpan.Zero))]);

    public Task<AttachmentRealization> AttachAsync(NetworkModel infrastructure, ZoneSpec zone, string ifname, CancellationToken cancellationToken)
    {
        Assert.NotNull(zone.Container);
        Attached[(zone.Name, ifname)] = zone.Vnics.Single(v => v.Name == ifname);
        if (Interlocked.Exchange(ref _failAttach, 0) == 1)
        {
            throw new NetVirt.Model.Errors.CommandFailedException("create veth in /run/netns/x", ["ip", "link", "add"], 1, "", "fake host refused");
        }

        return Task.FromResult(new AttachmentRealization($"nvt-v{zone.Name.Length}", "02:00:00:00:00:01"));
    }

    public Task DetachAsync(NetworkModel infrastructure, ZoneSpec zone, string ifname, CancellationToken cancellationToken)
    {
        Attached.TryRemove((zone.Name, ifname), out _);
        return Task.CompletedTask;
    }

    public Task CollectDetachedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<string>> CheckAsync(NetworkModel infrastructure, ZoneSpec zone, string ifname, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(Attached.ContainsKey((zone.Name, ifname)) ? [.. Differences] : [$"interface '{ifname}' is missing"]);
}
