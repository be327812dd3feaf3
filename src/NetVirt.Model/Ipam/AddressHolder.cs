using System.Net;

namespace NetVirt.Model.Ipam;

/// <summary>What one address is in one network: held by an address object, released, reserved, or a gateway.</summary>
/// <param name="Network">Network name.</param>
/// <param name="Address">The address.</param>
/// <param name="State"><c>held</c>, <c>released</c>, <c>reserved</c> or <c>gateway</c>.</param>
/// <param name="Zone">Holding zone, when held.</param>
/// <param name="Vnic">Holding VNIC, when held.</param>
/// <param name="Tag">Holding address object tag, when held.</param>
/// <param name="Kind"><c>auto</c>, <c>static</c> or <c>slaac</c>, when held or released.</param>
/// <param name="Since">When it was allocated (held) or released (released), ISO 8601 UTC.</param>
/// <param name="Note">The reservation note, when reserved.</param>
public sealed record AddressHolder(
    string Network, IPAddress Address, string State, string? Zone, string? Vnic, string? Tag, string? Kind, string? Since, string? Note);
