namespace NetVirt.Backends.Illumos.Parsing;

/// <summary>One line of <c>zoneadm list -cp</c>.</summary>
/// <param name="Id">Zone id, null for a zone that is not ready or running (<c>-</c>).</param>
/// <param name="Name">Zone name.</param>
/// <param name="State"><c>configured</c>, <c>incomplete</c>, <c>installed</c>, <c>ready</c>, <c>running</c>, <c>shutting_down</c>, <c>down</c>, <c>mounted</c>.</param>
/// <param name="Path">Zone path.</param>
/// <param name="Brand">Brand (<c>ipkg</c>, <c>joyent</c>, <c>lx</c>, ...).</param>
/// <param name="IpType"><c>excl</c> or <c>shared</c>.</param>
public sealed record ZoneObserved(int? Id, string Name, string State, string Path, string Brand, string IpType);
