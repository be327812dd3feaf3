namespace NetVirt.Api.Views.Topology;

/// <summary>What an edge of the topology picture stands for.</summary>
public enum TopologyEdgeKind
{
    /// <summary>A VNIC: from the network (or segment) to the zone that owns it.</summary>
    Vnic,

    /// <summary>A router's leg on a network, holding the network's gateways.</summary>
    Gateway,

    /// <summary>A tunnel between hosts carrying a network (VXLAN); for multi-host topologies.</summary>
    Tunnel,
}
