using System.Net;
using System.Net.Sockets;

namespace NetVirt.Audit.Probes;

/// <summary>A question for a network's gateway MAC, asked by one endpoint of that network.</summary>
/// <param name="Network">The network.</param>
/// <param name="Family">IPv4 (ARP) or IPv6 (neighbour solicitation).</param>
/// <param name="Gateway">The gateway address.</param>
/// <param name="Asker">Endpoint that sends the question and receives the answer.</param>
public sealed record GatewayQuery(string Network, AddressFamily Family, IPAddress Gateway, int Asker);
