namespace NetVirt.Model.Validation;

/// <summary>Which host a model is checked against; naming rules differ.</summary>
public enum HostTarget
{
    /// <summary>Rules of every target at once (the strictest).</summary>
    Any,

    /// <summary>Linux: namespaces, bridges, veth pairs (interface names at most 15 characters).</summary>
    Linux,

    /// <summary>illumos / SmartOS: dladm, ipadm, zonecfg.</summary>
    Illumos,
}
