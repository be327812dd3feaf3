namespace NetVirt.Backends.Illumos.Parsing;

/// <summary>One line of <c>ipadm show-if -p -o ifname,state</c>.</summary>
/// <param name="Name">Interface name (the datalink's name).</param>
/// <param name="State"><c>ok</c>, <c>down</c>, <c>disabled</c>, <c>failed</c> or <c>offline</c>.</param>
public sealed record IpInterfaceObserved(string Name, string State);
