namespace NetVirt.Model.Spec;

/// <summary>dladm link <c>priority</c>.</summary>
public enum Priority
{
    /// <summary>low</summary>
    Low,

    /// <summary>medium</summary>
    Medium,

    /// <summary>high (the default)</summary>
    High,
}
