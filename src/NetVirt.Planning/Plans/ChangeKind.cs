namespace NetVirt.Planning.Plans;

/// <summary>How a plan step reads to a person: the four columns of the plan summary.</summary>
public enum ChangeKind
{
    /// <summary>A new object.</summary>
    Create,

    /// <summary>Properties changed in place.</summary>
    Change,

    /// <summary>Deleted and created again, because the host cannot change a property in place or a parent is replaced.</summary>
    Replace,

    /// <summary>An object removed.</summary>
    Delete,
}
