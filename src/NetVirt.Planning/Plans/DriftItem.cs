using NetVirt.Model.Collections;
using NetVirt.Planning.Resources;

namespace NetVirt.Planning.Plans;

/// <summary>One difference between desired and observed state, field by field for changed objects.</summary>
public sealed record DriftItem(DriftKind Kind, HostResource Resource, EquatableArray<PropertyChange> Changes)
{
    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        DriftKind.Missing => $"{Resource}: missing",
        DriftKind.Extra => $"{Resource}: extra (not in the desired state)",
        _ => $"{Resource}: {string.Join(", ", Changes)}",
    };
}
