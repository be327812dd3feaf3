using NetVirt.Model.Collections;
using NetVirt.Planning.Resources;

namespace NetVirt.Planning.Plans;

/// <summary>
/// One step of a plan: an action on one host object, with the reason it exists. Backends turn a step into commands
/// (illumos argv) or kernel requests (Linux netlink); the step itself is OS-neutral data.
/// </summary>
public sealed record PlanStep
{
    /// <summary>1-based position in the plan.</summary>
    public required int Index { get; init; }

    /// <summary>What to do.</summary>
    public required StepAction Action { get; init; }

    /// <summary>How the step reads in the summary (a replace is a delete step plus a create step).</summary>
    public required ChangeKind Change { get; init; }

    /// <summary>The object: the desired one for create and update, the observed one for delete.</summary>
    public required HostResource Resource { get; init; }

    /// <summary>For an update: the properties that change. For a replace: what forced it.</summary>
    public EquatableArray<PropertyChange> Changes { get; init; } = [];

    /// <summary>Why the step exists, e.g. <c>vnic web0: vlan 100 → 200 (cannot change in place)</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>The zone whose traffic this step interrupts (replace and delete of a zone's objects), if any.</summary>
    public string? Disrupts { get; init; }

    /// <summary>Identity of the object.</summary>
    public ResourceId Id => Resource.Id;

    /// <summary>The step that undoes this one within a run, or null when it cannot be undone (deletes).</summary>
    public PlanStep? Compensation() => Action switch
    {
        StepAction.Create => this with { Action = StepAction.Delete, Change = ChangeKind.Delete, Changes = [], Reason = $"undo: {Reason}" },
        StepAction.Update => this with
        {
            Changes = Changes.Select(c => c.Reverse()).ToEquatableArray(),
            Resource = Resource with { Properties = Changes.Aggregate(Resource.Properties, (bag, c) => bag.With(c.Property, c.From)) },
            Reason = $"undo: {Reason}",
        },
        _ => null,
    };

    /// <inheritdoc />
    public override string ToString() => $"{Index}. {Action.ToString().ToLowerInvariant()} {Resource.Kind} {Resource.Name}: {Reason}";
}
