namespace NetVirt.Audit.Verdicts;

/// <summary>Names and policy of finding kinds.</summary>
public static class FindingKinds
{
    /// <summary><c>LEAK</c>, <c>BLACKHOLE</c>, <c>SPOOF_PASSED</c>, <c>VLAN_HOP</c>, <c>FOREIGN_ADDRESS</c>, <c>HOST_REACHED</c>, <c>FOREIGN_SOURCE</c>.</summary>
    public static string Name(FindingKind kind) => kind switch
    {
        FindingKind.Leak => "LEAK",
        FindingKind.Blackhole => "BLACKHOLE",
        FindingKind.SpoofPassed => "SPOOF_PASSED",
        FindingKind.VlanHop => "VLAN_HOP",
        FindingKind.ForeignAddress => "FOREIGN_ADDRESS",
        FindingKind.HostReached => "HOST_REACHED",
        _ => "FOREIGN_SOURCE",
    };

    /// <summary>
    /// True for the kinds that break isolation (LEAK, SPOOF_PASSED, VLAN_HOP, HOST_REACHED): <c>apply --verify</c> rolls back on
    /// them. A BLACKHOLE is reported but does not roll back: it denies service, it does not expose a tenant.
    /// </summary>
    public static bool BreaksIsolation(FindingKind kind) => kind is FindingKind.Leak or FindingKind.SpoofPassed or FindingKind.VlanHop or FindingKind.HostReached;
}
