namespace NetVirt.Api.Views;

/// <summary>A network as <c>show networks</c> and <c>GET /networks</c> list it.</summary>
/// <param name="Name">Name.</param>
/// <param name="Tenant">Tenant.</param>
/// <param name="Over">Etherstub or link.</param>
/// <param name="Vlan">VLAN id (0 = untagged).</param>
/// <param name="Mtu">Effective MTU.</param>
/// <param name="Ipv4">IPv4 subnet.</param>
/// <param name="Gateway4">IPv4 gateway.</param>
/// <param name="Ipv6">IPv6 subnet.</param>
/// <param name="Gateway6">IPv6 gateway.</param>
/// <param name="Vnics">VNICs on it.</param>
public sealed record NetworkView(string Name, string? Tenant, string Over, int Vlan, int Mtu, string? Ipv4, string? Gateway4, string? Ipv6, string? Gateway6, int Vnics);

/// <summary>A zone as <c>show zones</c> and <c>GET /zones</c> list it.</summary>
/// <param name="Name">Name.</param>
/// <param name="Kind"><c>zone</c> (declared in documents) or <c>container</c> (a runtime's container, attached through CNI).</param>
/// <param name="Container">For a container: the runtime's container id.</param>
/// <param name="Vnics">Its VNICs.</param>
/// <param name="Networks">The networks (or over/vlan) its VNICs sit on.</param>
/// <param name="Routes">Effective routes.</param>
/// <param name="Description">Free text; for a container, its labels (<c>k8s-pod-name=web</c>).</param>
public sealed record ZoneView(string Name, string Kind, string? Container, IReadOnlyList<string> Vnics, IReadOnlyList<string> Networks, IReadOnlyList<string> Routes, string? Description);

/// <summary>A container's side of its zone.</summary>
/// <param name="Id">The runtime's container id.</param>
/// <param name="Netns">Its network namespace (the runtime's).</param>
/// <param name="Labels">Labels (Kubernetes pod namespace and name).</param>
/// <param name="Attachments">Each interface and the CNI network that attached it.</param>
public sealed record ContainerView(string Id, string? Netns, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Attachments);

/// <summary>A VNIC with what IPAM allocated, as <c>show vnics</c>, <c>GET /vnics</c> and <c>POST /vnics</c> return it.</summary>
/// <param name="Zone">Zone.</param>
/// <param name="Vnic">VNIC name inside the zone.</param>
/// <param name="Network">Network (the one chosen from a pool, for a pool VNIC).</param>
/// <param name="Over">Etherstub or link it sits on.</param>
/// <param name="Vlan">VLAN id.</param>
/// <param name="Mac">MAC address.</param>
/// <param name="Mtu">Effective MTU.</param>
/// <param name="Maxbw">Bandwidth limit.</param>
/// <param name="Priority">Priority.</param>
/// <param name="Protection">Anti-spoofing in effect.</param>
/// <param name="Addresses">Addresses with prefix length.</param>
public sealed record VnicView(
    string Zone, string Vnic, string? Network, string? Over, int? Vlan, string? Mac, int Mtu, string? Maxbw, string Priority, string Protection, IReadOnlyList<string> Addresses);

/// <summary>An address object as <c>show addresses</c> lists it.</summary>
/// <param name="Zone">Zone.</param>
/// <param name="Vnic">VNIC.</param>
/// <param name="Addrobj">Address object name (<c>vnic/tag</c>).</param>
/// <param name="Type">static, dhcp or addrconf.</param>
/// <param name="Address">The address, when known.</param>
/// <param name="Network">Network.</param>
public sealed record AddressObjectView(string Zone, string Vnic, string Addrobj, string Type, string? Address, string? Network);

/// <summary>Usage of one family of one network.</summary>
/// <param name="Network">Network.</param>
/// <param name="Family">ipv4 or ipv6.</param>
/// <param name="Subnet">Subnet.</param>
/// <param name="Range">Provisioning range.</param>
/// <param name="Usable">Addresses IPAM may hand out.</param>
/// <param name="Used">Held.</param>
/// <param name="Free">Free.</param>
/// <param name="Reserved">Reserved.</param>
/// <param name="Utilisation">Used / usable.</param>
/// <param name="Next">The address the next allocation would get.</param>
public sealed record UsageView(string Network, string Family, string Subnet, string Range, UInt128 Usable, UInt128 Used, UInt128 Free, UInt128 Reserved, double Utilisation, string? Next);

/// <summary>A range of free addresses.</summary>
/// <param name="Family">ipv4 or ipv6.</param>
/// <param name="First">First free address.</param>
/// <param name="Last">Last free address.</param>
/// <param name="Size">Number of addresses.</param>
public sealed record FreeRangeView(string Family, string First, string Last, UInt128 Size);

/// <summary>What one address is in one network: held, released, reserved or a gateway.</summary>
/// <param name="Network">Network.</param>
/// <param name="Address">Address.</param>
/// <param name="State">held, released, reserved or gateway.</param>
/// <param name="Zone">Holding zone.</param>
/// <param name="Vnic">Holding VNIC.</param>
/// <param name="Tag">Holding address object tag.</param>
/// <param name="Kind">auto, static or slaac.</param>
/// <param name="Since">Allocated or released at.</param>
/// <param name="Note">Reservation note.</param>
public sealed record AddressView(string Network, string Address, string State, string? Zone, string? Vnic, string? Tag, string? Kind, string? Since, string? Note);

/// <summary>The address the next allocation in one family of a network would get.</summary>
/// <param name="Network">Network.</param>
/// <param name="Family">ipv4 or ipv6.</param>
/// <param name="Next">The address, or null when the family is exhausted.</param>
public sealed record NextAddressView(string Network, string Family, string? Next);

/// <summary>The result of a desired-state write.</summary>
/// <param name="Generation">The generation now stored.</param>
/// <param name="Changed">False when the write changed nothing.</param>
/// <param name="Reconcile">The automatic apply it queued, if any.</param>
public sealed record WriteView(long Generation, bool Changed, long? Reconcile = null);

/// <summary>The usage of a network per family and every address it has used.</summary>
/// <param name="Usage">Usage per family.</param>
/// <param name="Addresses">Every address held or released.</param>
public sealed record NetworkIpsView(IReadOnlyList<UsageView> Usage, IReadOnlyList<AddressView> Addresses);

/// <summary>A reservation of a network.</summary>
/// <param name="Network">Network.</param>
/// <param name="Range">The address or range as one text (<c>10.0.0.5</c>, <c>10.0.0.5-10.0.0.9</c>), as the DELETE URL takes it.</param>
/// <param name="First">First address.</param>
/// <param name="Last">Last address.</param>
/// <param name="Note">Why it is reserved.</param>
public sealed record ReservationView(string Network, string Range, string First, string Last, string? Note);

/// <summary>One zone: its document as written (<c>auto</c> stays <c>auto</c>) and its VNICs with what IPAM allocated.</summary>
/// <param name="Generation">The generation it was read at.</param>
/// <param name="Zone">The zone as a document object.</param>
/// <param name="Vnics">Its VNICs, resolved.</param>
/// <param name="Container">For a container's zone: the container.</param>
public sealed record ZoneDetailView(long Generation, System.Text.Json.Nodes.JsonObject Zone, IReadOnlyList<VnicView> Vnics, ContainerView? Container = null);

/// <summary>The result of <c>PUT /state</c>.</summary>
/// <param name="Valid">True (an invalid document is answered with 422).</param>
/// <param name="Generation">The generation now stored; null for a dry run.</param>
/// <param name="Changed">False when the document equals what was stored (or for a dry run).</param>
/// <param name="Reconcile">The automatic apply it queued, if any.</param>
public sealed record StateWriteView(bool Valid, long? Generation, bool Changed, long? Reconcile);

/// <summary>One journaled apply run with its plan and steps, as <c>netvirt history RUN --output json</c>.</summary>
/// <param name="Run">The run.</param>
/// <param name="Plan">Its plan (plan JSON).</param>
/// <param name="Steps">Every step, apply and rollback.</param>
public sealed record HistoryRunView(Store.Journal.RunRecord Run, System.Text.Json.Nodes.JsonObject Plan, IReadOnlyList<Store.Journal.StepRecord> Steps);

/// <summary>An etherstub or link as <c>show etherstubs</c> lists it.</summary>
/// <param name="Name">Name.</param>
/// <param name="Kind">etherstub or link.</param>
/// <param name="Mtu">Effective MTU.</param>
/// <param name="Networks">Networks over it.</param>
/// <param name="Description">Free text.</param>
public sealed record SwitchView(string Name, string Kind, int Mtu, int Networks, string? Description);

/// <summary>A pool as <c>show pools</c> lists it.</summary>
/// <param name="Name">Name.</param>
/// <param name="Networks">Its networks, in the order IPAM walks them.</param>
/// <param name="Vnics">VNICs that draw from it.</param>
/// <param name="Description">Free text.</param>
public sealed record PoolView(string Name, IReadOnlyList<string> Networks, int Vnics, string? Description);
