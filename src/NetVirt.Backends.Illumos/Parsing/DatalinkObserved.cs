namespace NetVirt.Backends.Illumos.Parsing;

/// <summary>One line of <c>dladm show-link -p -o link,class,mtu,state,over</c>.</summary>
/// <param name="Link">Datalink name.</param>
/// <param name="Class"><c>phys</c>, <c>vnic</c>, <c>etherstub</c>, <c>aggr</c>, ...</param>
/// <param name="Mtu">MTU, or null when dladm printed <c>?</c> or nothing.</param>
/// <param name="State"><c>up</c>, <c>down</c> or <c>unknown</c>.</param>
/// <param name="Over">Lower link(s), empty for etherstubs and physical links.</param>
public sealed record DatalinkObserved(string Link, string Class, int? Mtu, string State, string Over);
