namespace NetVirt.Model.Topology;

/// <summary>
/// A broadcast domain: the etherstub or link a VNIC sits on and its VLAN id (0 = untagged). Two VNICs reach each
/// other at layer 2 exactly when they share one.
/// </summary>
public sealed record L2Domain(string Over, int Vlan)
{
    /// <summary><c>etherstub stub0, VLAN 100</c> style text for explanations.</summary>
    public override string ToString() => Vlan == 0 ? $"{Over} untagged" : $"{Over} VLAN {Vlan}";
}
