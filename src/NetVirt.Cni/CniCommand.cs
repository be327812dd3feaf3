namespace NetVirt.Cni;

/// <summary>The operations of the CNI execution protocol (<c>CNI_COMMAND</c>).</summary>
public enum CniCommand
{
    /// <summary>Attach the container's interface to the network.</summary>
    Add,

    /// <summary>Detach it and release what it held; repeated and partial deletes succeed.</summary>
    Del,

    /// <summary>Check that the attachment is still as it was set up.</summary>
    Check,

    /// <summary>Report the spec versions the plugin speaks.</summary>
    Version,

    /// <summary>Report whether the plugin is ready for ADDs (spec 1.1).</summary>
    Status,

    /// <summary>Remove attachments the runtime no longer knows (spec 1.1).</summary>
    Gc,
}
