namespace NetVirt.Backends.Illumos;

/// <summary>Which illumos code line the host runs; they differ in dladm options and output columns.</summary>
public enum IllumosVariant
{
    /// <summary>
    /// Upstream illumos-gate (OmniOS, OpenIndiana, ...): no <c>-z</c> on dladm, no <c>ZONE</c> column in
    /// <c>show-vnic</c>, no <c>dynamic-methods</c> link property. Links held by a running zone cannot be named from
    /// the global zone.
    /// </summary>
    Illumos,

    /// <summary>illumos-joyent (the SmartOS platform): <c>-z zone</c> on link commands, <c>ZONE</c> column, <c>dynamic-methods</c>.</summary>
    SmartOs,
}
