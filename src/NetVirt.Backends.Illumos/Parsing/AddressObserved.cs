namespace NetVirt.Backends.Illumos.Parsing;

/// <summary>One line of <c>ipadm show-addr -p -o addrobj,type,state,addr</c>.</summary>
/// <param name="AddrObj">Address object, <c>interface/tag</c>; the tag is <c>?</c> for an address without one.</param>
/// <param name="Type"><c>static</c>, <c>dhcp</c>, <c>addrconf</c> or <c>from-gz</c>.</param>
/// <param name="State"><c>ok</c>, <c>tentative</c>, <c>duplicate</c>, <c>down</c>, <c>disabled</c>, <c>inaccessible</c>.</param>
/// <param name="Address"><c>addr/plen</c> as printed (escapes removed), <c>?</c> for a DHCP address not yet obtained.</param>
public sealed record AddressObserved(string AddrObj, string Type, string State, string Address)
{
    /// <summary>The interface part of the address object.</summary>
    public string Interface => AddrObj[..Slash];

    /// <summary>The tag part of the address object.</summary>
    public string Tag => AddrObj[(Slash + 1)..];

    private int Slash => AddrObj.IndexOf('/', StringComparison.Ordinal) is var i and >= 0 ? i : AddrObj.Length;
}
