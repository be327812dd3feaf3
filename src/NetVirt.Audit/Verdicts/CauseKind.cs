namespace NetVirt.Audit.Verdicts;

/// <summary>What a group of findings most likely comes from.</summary>
public enum CauseKind
{
    /// <summary>A VNIC's host end sits on another domain's bridge: leaks into that domain, blackholes in its own.</summary>
    VnicOnWrongBridge,

    /// <summary>Two L2 domains forward each other's frames (a port joins their bridges, or a bridge is shared).</summary>
    DomainsJoined,

    /// <summary>Frames cross between two domains at layer 3 only: something routes between networks the model isolates.</summary>
    RoutedBetweenNetworks,

    /// <summary>802.1Q-tagged frames cross into another VLAN while untagged ones do not (a trunk between bridges).</summary>
    VlanTagsCross,

    /// <summary>A VNIC's anti-spoofing is not in force: forged frames from it arrive elsewhere.</summary>
    ProtectionNotEnforced,

    /// <summary>A VNIC does not get (or send) frames the model requires.</summary>
    Unreachable,

    /// <summary>A zone holds addresses outside its VNIC's allowed sources.</summary>
    ForeignAddresses,

    /// <summary>A NetVirt bridge delivers zones' frames to the host's own stack (its <c>host-isolated</c> rule is not in force).</summary>
    HostReachable,
}
