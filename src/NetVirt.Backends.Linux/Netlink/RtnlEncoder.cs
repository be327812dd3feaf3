using NetVirt.Backends.Linux.Kernel;

namespace NetVirt.Backends.Linux.Netlink;

/// <summary>Turns <see cref="RtnlRequest"/>s into rtnetlink messages, resolving names through the caller. Pure but for the resolver.</summary>
internal static class RtnlEncoder
{
    /// <summary>
    /// Appends <paramref name="request"/> to <paramref name="batch"/>. <paramref name="indexOf"/> gives an interface's
    /// index in the namespace the batch goes to, <paramref name="namespaceFd"/> a descriptor of a named namespace;
    /// both throw <see cref="RtnlResolveException"/> when the name does not exist, and then nothing is appended.
    /// </summary>
    public static void Encode(RtnlRequest request, NetlinkBatch batch, Func<string, int> indexOf, Func<string, int> namespaceFd)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(batch);
        switch (request)
        {
            case CreateLinkRequest r:
                RtnlRequests.CreateLink(batch, r.Name, r.Kind, r.Mtu);
                break;
            case CreateVethRequest r:
            {
                var master = indexOf(r.Master);
                var fd = r.PeerNetns is null ? -1 : namespaceFd(r.PeerNetns);
                RtnlRequests.CreateVeth(batch, r.HostEnd, r.Mtu, master, r.Peer, r.PeerMac, fd);
                break;
            }

            case CreateMacvlanRequest r:
            {
                var lower = indexOf(r.Lower);
                var fd = namespaceFd(r.Netns);
                RtnlRequests.CreateMacvlan(batch, r.Name, lower, r.Mac, r.Mtu, fd);
                break;
            }

            case SetLinkRequest r:
            {
                int? bridge = r.Master is null ? null : r.Master.Length == 0 ? 0 : indexOf(r.Master);
                RtnlRequests.SetLink(batch, r.Name, r.Alias, r.NoIpv6LinkLocal, bridge, r.Mtu, r.Mac, r.Up, r.BridgeLearning, r.Down);
                break;
            }

            case CreateVxlanRequest r:
                RtnlRequests.CreateVxlan(batch, r.Name, r.Vni, r.Local, r.Port, r.Mtu, indexOf(r.Master));
                break;
            case FdbRequest r:
                RtnlRequests.Fdb(batch, r.Add, indexOf(r.Device), r.Mac, r.Self, r.Destination);
                break;
            case NeighbourRequest r:
                RtnlRequests.Neighbour(batch, r.Add, indexOf(r.Device), r.Address, r.Mac);
                break;

            case DeleteLinkRequest r:
                RtnlRequests.DeleteLink(batch, r.Name);
                break;
            case AddressRequest r:
                RtnlRequests.Address(batch, r.Add, r.Address, indexOf(r.Interface));
                break;
            case RouteRequest r:
                RtnlRequests.Route(batch, r.Verb == RouteVerb.Delete ? Rtnl.RTM_DELROUTE : Rtnl.RTM_NEWROUTE, r.Verb == RouteVerb.Replace, r.Destination, r.Gateway);
                break;
            default:
                throw new ArgumentException($"unknown rtnetlink request {request.GetType().Name}", nameof(request));
        }
    }
}

/// <summary>A name in a request that does not exist: the request is answered with <see cref="Errno"/> without being sent.</summary>
internal sealed class RtnlResolveException(int errno, string message) : Exception(message)
{
    /// <summary>ENODEV for an interface, ENOENT for a namespace.</summary>
    public int Errno { get; } = errno;
}
