namespace NetVirt.Backends.Illumos.Parsing;

/// <summary>One line of <c>dladm show-vnic -p -o link,over,macaddress,vid[,zone]</c>.</summary>
/// <param name="Link">VNIC name (unique per zone on SmartOS, host-wide on upstream illumos).</param>
/// <param name="Over">Lower link.</param>
/// <param name="MacAddress">MAC as dladm prints it (no zero padding), not yet normalised.</param>
/// <param name="Vid">VLAN id, 0 when untagged.</param>
/// <param name="Zone">SmartOS: the zone holding it (<c>global</c> for dladm's <c>--</c>); upstream: null (no column).</param>
public sealed record VnicObserved(string Link, string Over, string MacAddress, int Vid, string? Zone);
