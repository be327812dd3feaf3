using NetVirt.Model.Collections;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Execution;

/// <summary>The desired host state a backend rendered from the model, and what it cannot realise.</summary>
public sealed record RenderResult(HostState Desired, EquatableArray<PlanProblem> Problems)
{
    /// <summary>A result without problems.</summary>
    public static RenderResult Of(HostState desired) => new(desired, []);
}
