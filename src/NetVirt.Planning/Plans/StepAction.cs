namespace NetVirt.Planning.Plans;

/// <summary>What a step does to one host object.</summary>
public enum StepAction
{
    /// <summary>Create the object.</summary>
    Create,

    /// <summary>Change properties in place.</summary>
    Update,

    /// <summary>Delete the object.</summary>
    Delete,
}
