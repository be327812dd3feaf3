namespace NetVirt.Audit.Expectations;

/// <summary>Why the model expects what it expects of a path; <see cref="PathRules.Explain"/> turns it into words.</summary>
public enum PathReason : byte
{
    /// <summary>Both VNICs share one L2 domain.</summary>
    SameDomain,

    /// <summary>Same etherstub or link, different VLAN ids.</summary>
    DifferentVlan,

    /// <summary>Different etherstubs or links.</summary>
    DifferentSwitch,

    /// <summary>One of the two has no address of the probe's family.</summary>
    NoAddress,

    /// <summary>The source's network has no gateway of the family: nothing routes out of it.</summary>
    NoSourceGateway,

    /// <summary>The target's network has no router, or a different one (another tenant).</summary>
    DifferentRouters,

    /// <summary>Same router, but the target's network has no gateway of the family: the router has no address there.</summary>
    NoTargetGateway,

    /// <summary>Same router and the source zone routes the target's address via its gateway.</summary>
    Routed,

    /// <summary>Same router would forward it, but the source zone has no route for it via that gateway.</summary>
    RoutableNotRouted,

    /// <summary>
    /// Same L2 domain, but the two zones are on different hosts and the frame is ARP or a neighbour solicitation: the
    /// sending host answers it from the model (the VXLAN device's neighbour proxy) and nothing is flooded between hosts.
    /// </summary>
    AnsweredByHost,
}
