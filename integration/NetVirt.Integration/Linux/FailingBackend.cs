using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Model.Spec;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Integration.Linux;

/// <summary>Passes everything to the real backend, except that creating objects of one kind fails (while <see cref="Armed"/>).</summary>
public sealed class FailingBackend(IHostBackend inner, string failingKind) : IHostBackend
{
    public bool Armed { get; set; } = true;

    public string Target => inner.Target;

    public RenderResult Render(NetworkModel model) => inner.Render(model);

    public Task<HostState> ObserveAsync(CancellationToken cancellationToken) => inner.ObserveAsync(cancellationToken);

    public IReadOnlyList<CommandSpec> Describe(PlanStep step) => inner.Describe(step);

    public async Task<IReadOnlyList<StepExecution>> ExecuteAsync(IReadOnlyList<PlanStep> batch, CancellationToken cancellationToken)
    {
        if (Armed && batch[0].Action == StepAction.Create && batch.Any(s => s.Resource.Kind.Name == failingKind))
        {
            return [.. batch.Select(s => StepExecution.Failure(s, $"injected failure creating {s.Resource}", TimeSpan.Zero))];
        }

        return await inner.ExecuteAsync(batch, cancellationToken);
    }
}
