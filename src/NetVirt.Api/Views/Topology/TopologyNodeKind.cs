namespace NetVirt.Api.Views.Topology;

/// <summary>What a node of the topology picture stands for.</summary>
public enum TopologyNodeKind
{
    /// <summary>A host NetVirt manages; groups the zones (and, per host, the switches) that live on it.</summary>
    Host,

    /// <summary>An etherstub (virtual switch); groups the networks on it.</summary>
    Etherstub,

    /// <summary>A physical link; groups the networks over it.</summary>
    Link,

    /// <summary>A network: one VLAN of an etherstub or link (a bridge on Linux) with its subnets.</summary>
    Network,

    /// <summary>A VLAN of an etherstub or link that VNICs use directly, without a network.</summary>
    Segment,

    /// <summary>A tenant router: holds the gateways of a tenant's networks and routes between them only.</summary>
    Router,

    /// <summary>An exclusive-IP zone (a network namespace on Linux) with its VNICs.</summary>
    Zone,

    /// <summary>A container whose namespace a runtime made (CNI); drawn like a zone.</summary>
    Container,
}
