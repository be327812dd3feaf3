namespace NetVirt.Model.Topology;

/// <summary>
/// Where a container's VNIC goes in its L2 domain. Containers are attached one at a time, and attaching one must not move
/// another, so the place is chosen once, when the attachment is made, and stored with it (a slot). Slot 0 is the
/// domain's own switch, which also holds the declared VNICs and the router legs; slots 1, 2, … are container leaves,
/// each joined to the domain's switch by one trunk (on Linux a leaf bridge, as in a declared tree). A slot takes at most
/// <see cref="PortsPerSlot"/> VNICs: a Linux bridge holds at most 1,023 ports, and each port costs every later one
/// more (the kernel walks a bridge's ports as one is added or comes up: about 1 ms more per port added at 1,000 ports,
/// docs/performance.md), so containers fill small bridges rather than one large one. A network of a few hundred
/// containers stays on one switch as before. illumos etherstubs have no such limit; their backend ignores the slot. Pure.
/// </summary>
public static class ContainerSlots
{
    /// <summary>VNICs one slot takes: containers (and, for slot 0, the domain's declared VNICs).</summary>
    public const int PortsPerSlot = 250;

    /// <summary>
    /// The slot for one more container in a domain with <paramref name="declared"/> declared VNICs and
    /// <paramref name="containers"/> containers' VNICs per slot: the domain's switch while it has room, else the lowest
    /// container leaf with room, else a new one after the highest.
    /// </summary>
    public static int Choose(int declared, IReadOnlyDictionary<int, int> containers)
    {
        ArgumentNullException.ThrowIfNull(containers);
        if (declared + containers.GetValueOrDefault(0) < PortsPerSlot)
        {
            return 0;
        }

        var slot = 1;
        while (containers.GetValueOrDefault(slot) >= PortsPerSlot)
        {
            slot++;
        }

        return slot;
    }
}
