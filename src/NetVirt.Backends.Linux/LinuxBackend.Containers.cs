using NetVirt.Backends.Containers;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Kinds;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Backends.Linux.Observation;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Backends.Linux.Tc;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;
using NetVirt.Planning;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux;

/// <summary>
/// One CNI attachment at a time (<see cref="IContainerBackend"/>): the resources the renderer derives for that one
/// container interface (veth with the peer created in the runtime's namespace by path, addresses, routes, protection
/// elements, shaping) are created as plan steps through the same executor as an apply, rank by rank, with "exists"
/// read as done, so a repeated ADD completes what an interrupted one began. Nothing else of the host is observed or
/// touched unless the attachment's network is missing on the host (its bridge, the protection table, its router), which
/// is then created the same way, once. Cost does not depend on the number of zones: a detach deletes the elements it
/// knows without listing the protection table (which is listed only when they are not all there, after a crash).
/// </summary>
public sealed partial class LinuxBackend
{
    private int _tableEnsured;
    private DetachedHostEnds? _detachedHostEnds;

    /// <summary>The host ends DEL has detached and that are still to be deleted (<see cref="Kernel.DetachedHostEnds"/>).</summary>
    internal DetachedHostEnds DetachedHostEnds => LazyInitializer.EnsureInitialized(ref _detachedHostEnds, () => new DetachedHostEnds(_kernel));

    /// <inheritdoc />
    public async Task<AttachmentRealization> AttachAsync(NetworkModel infrastructure, ZoneSpec zone, string ifname, CancellationToken cancellationToken)
    {
        var (netns, rendered) = RenderAttachment(infrastructure, zone, ifname);
        RefuseReferencesTooLong(netns, ifname, zone.Container!);
        RefuseNamespacesNotAContainers(zone.Container!.Netns!, zone.Container.Id);
        var own = OwnResources(rendered, zone, netns, ifname);
        var veth = own.Single(r => r.Kind == VethKind.Vnic.Kind);
        // The same container again, or another interface of this name in its namespace, right after a DEL: its old pair
        // goes first.
        await DetachedHostEnds.ClearAsync(veth.Properties[LinuxProperties.HostEnd]!, LinuxNaming.ContainerNetnsPath(netns)).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _tableEnsured, 1) == 0 && own.Any(r => r.Kind == ProtectionKind.Definition)
            && await _nft.ListAsync(_context.Table, cancellationToken).ConfigureAwait(false) is null)
        {
            // The protection table is made whole by an apply; without one yet (a host whose first VNIC is a container), make it now.
            await RunAsync([.. rendered.Desired.Resources.Where(r => r.Kind == NftTableKind.Definition)], StepAction.Create, cancellationToken).ConfigureAwait(false);
        }

        // A container on a container leaf also ensures the leaf's trunk, every time, in the same batch (three requests
        // when it is there: "exists", and both ends put on their bridges again): a kill between making a leaf and its
        // trunk would otherwise leave a leaf that the next containers join and that reaches nothing. A leaf that is not
        // there fails the batch, and is made with the rest of the network below.
        if (rendered.Desired.Resources.FirstOrDefault(r => r.Kind == TrunkKind.Definition && r.Name == veth.Properties[LinuxProperties.Bridge]) is { } trunk)
        {
            own = [.. own, trunk];
        }

        var failures = await RunAsync(own, StepAction.Create, cancellationToken).ConfigureAwait(false);
        if (failures.Count > 0)
        {
            // The network may not be on the host yet: its bridge, its router and legs, the table, the container's leaf
            // and its trunk. Make them (what exists stays), then the attachment once more. A part of them that could not
            // be made fails the attachment even when its own interface could be: a leaf without its trunk reaches nothing.
            var missing = new List<string>();
            foreach (var rank in Infrastructure(rendered, veth).GroupBy(r => r.Kind.Rank).OrderBy(g => g.Key))
            {
                // Rank by rank, as an apply runs them: within one batch the host's requests run side by side, and a
                // trunk must find its leaf bridge made.
                missing.AddRange(await RunAsync([.. rank], StepAction.Create, cancellationToken).ConfigureAwait(false));
            }

            failures = [.. missing, .. await RunAsync(own, StepAction.Create, cancellationToken).ConfigureAwait(false)];
        }

        if (failures.Count > 0)
        {
            throw FullBridge(zone, ifname, veth) ?? new NetVirtException($"attaching {zone.Name}/{ifname} in {zone.Container!.Netns} failed: {string.Join("; ", failures)}");
        }

        return new AttachmentRealization(veth.Properties[LinuxProperties.HostEnd]!, null);
    }

    /// <summary>
    /// Refuses, before anything is made, a container namespace that is not one: missing, unreadable, not a network
    /// namespace, the host's (by identity: a runtime's or a caller's <c>/proc/1/ns/net</c>, <c>/proc/self/ns/net</c>, or a
    /// name mounted on it), or one of this NetVirt's zone and router namespaces. In the host's or a router's, the
    /// container's interface would bring the tenant's address and default route there, joining the host or the router to
    /// the tenant's network: found by an ADD with the daemon's own namespace, which succeeded.
    /// </summary>
    private void RefuseNamespacesNotAContainers(string path, string containerId)
    {
        var problem = _kernel.ClassifyNamespacePath(path) switch
        {
            NetnsPathKind.Host => "is the host's own network namespace: a container's interface, with its tenant address and default route, never goes there",
            NetnsPathKind.Missing => "does not exist",
            NetnsPathKind.Unreadable => "cannot be opened",
            NetnsPathKind.NotANetworkNamespace => "is not a network namespace",
            _ => null,
        };
        var full = Path.GetFullPath(path);
        if (problem is null && Path.GetDirectoryName(full) == NetnsThread.NetnsDirectory && Path.GetFileName(full) is var name
            && (_context.Naming.ZoneOfNetns(name) is not null || name.StartsWith(_context.Naming.RouterNetns(""), StringComparison.Ordinal)))
        {
            problem = "is one of NetVirt's own (a zone's or a tenant router's), not a container's";
        }

        if (problem is not null)
        {
            throw new InvalidInputException($"the namespace '{path}' of container {containerId} {problem}; CNI_NETNS must name the container's network namespace");
        }
    }

    /// <summary>
    /// Refuses, before anything is made, a container whose interface reference (<c>{namespace reference}/{interface}</c>)
    /// does not fit the nftables comment that names its elements. Only attaching needs it: a detach or check of such a
    /// container finds nothing made.
    /// </summary>
    private static void RefuseReferencesTooLong(string netns, string ifname, ContainerSpec container)
    {
        var reference = LinuxNames.Interface(netns, ifname);
        if (reference.Length > LinuxNaming.MaxContainerInterfaceReference)
        {
            throw new InvalidInputException(
                $"the namespace path '{container.Netns}' of container {container.Id} is too long for NetVirt: its interface is recorded as '{reference}' "
                + $"({reference.Length} characters) in an nftables comment, which holds at most {LinuxNaming.MaxContainerInterfaceReference}; "
                + $"the path may have up to {container.Netns!.Length - (reference.Length - LinuxNaming.MaxContainerInterfaceReference)} characters here");
        }
    }

    /// <summary>
    /// When the attachment failed because its bridge is full, the reason in words instead of the kernel's "Exchange
    /// full". Containers fill bridges of at most <see cref="ContainerSlots.PortsPerSlot"/> (their slots), so this is a
    /// bridge that something else filled: declared zones on the domain's bridge, or ports NetVirt does not own. Read only
    /// on this failure path.
    /// </summary>
    private RequestRefusedException? FullBridge(ZoneSpec zone, string ifname, HostResource veth)
    {
        var bridge = veth.Properties[LinuxProperties.Bridge];
        var links = _kernel.HostLinks();
        if (bridge is null || links.FirstOrDefault(l => l.Name == bridge) is not { } master
            || links.Count(l => l.Master == master.Index) < _context.Trees.KernelPorts)
        {
            return null;
        }

        var network = zone.Vnics.FirstOrDefault(v => v.Name == ifname)?.Network;
        return new RequestRefusedException(
            $"cannot attach {zone.Name}/{ifname}: the bridge {bridge} of network '{network}' holds {_context.Trees.KernelPorts:N0} ports, the most a Linux bridge takes; " +
            $"containers fill bridges of at most {ContainerSlots.PortsPerSlot:N0} of their own, so this one was filled otherwise (by declared zones, or by ports NetVirt does not own: 'ip link show master {bridge}'): " +
            "'netvirt apply' spreads a network's declared zones over a tree of bridges; or attach the container to another network (a pool spreads them)");
    }

    /// <inheritdoc />
    public async Task DetachAsync(NetworkModel infrastructure, ZoneSpec zone, string ifname, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (zone.Container?.Netns is not { } path || !LinuxNaming.CanReferToContainerNetns(path))
        {
            return; // nothing was ever realized for it
        }

        var (netns, rendered) = RenderAttachment(infrastructure, zone, ifname);
        var own = OwnResources(rendered, zone, netns, ifname);
        var veth = own.Single(r => r.Kind == VethKind.Vnic.Kind);
        var hostEnd = veth.Properties[LinuxProperties.HostEnd]!;
        // First the host end down and off its bridge (under 1 ms): nothing crosses it from here on. Deleting the pair
        // costs the kernel about 20 ms and happens after the DEL has answered (DetachedHostEnds); the host end takes the
        // container end, its addresses and routes with it, also when the namespace is gone already (then so is the pair).
        // Where the host end cannot be detached, the pair is deleted now, as before.
        var detached = _kernel.Execute([new SetLinkRequest(hostEnd) { Master = "", Down = true }])[0];
        var deleteNow = detached.Errno is not (0 or Netlink.Interop.ENODEV);
        // The protection elements and the shaping's ifb are the host's and go explicitly.
        var removed = own.Where(r => deleteNow && r == veth || r.Kind == ProtectionKind.Definition || r.Kind == ShapingKind.Definition).ToList();
        var failures = await RunAsync(removed, StepAction.Delete, cancellationToken).ConfigureAwait(false);
        if (detached.Errno == 0)
        {
            DetachedHostEnds.Add(hostEnd, LinuxNaming.ContainerNetnsPath(netns));
        }

        if (failures.Count > 0)
        {
            throw new NetVirtException($"removing the host side of {zone.Name}/{ifname} failed: {string.Join("; ", failures)}");
        }
    }

    /// <inheritdoc />
    public Task CollectDetachedAsync(CancellationToken cancellationToken) => DetachedHostEnds.DeleteAsync();

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> CheckAsync(NetworkModel infrastructure, ZoneSpec zone, string ifname, CancellationToken cancellationToken)
    {
        var (netns, rendered) = RenderAttachment(infrastructure, zone, ifname);
        // The interface, its addresses and routes inside, and the host end on its bridge: read from this namespace and the host.
        var wanted = OwnResources(rendered, zone, netns, ifname).Where(r => r.Kind == VethKind.Vnic.Kind || r.Kind == AddressKind.Definition || r.Kind == RouteKind.Definition).ToList();
        var read = _kernel.InEach([netns], 1, inside => NamespaceObserved.Read(inside, router: false, _ => false))[0];
        if (read.Error is { } error)
        {
            return Task.FromResult<IReadOnlyList<string>>([$"the namespace {zone.Container!.Netns} cannot be read: {error.Message}"]);
        }

        var observed = LinuxObservation.Build(_context, _kernel.HostLinks(), [new NetnsEntry(netns, NetnsEntry.Nsfs)], [read.Result!], [], TcObserved.Empty, null);
        var ids = wanted.Select(r => r.Id).ToHashSet();
        var plan = Planner.Plan(new HostState(wanted), new HostState(observed.Resources.Where(r => ids.Contains(r.Id) || r.Zone == zone.Name && r.Kind != NetnsKind.Definition && Belongs(r, netns, ifname))));
        return Task.FromResult<IReadOnlyList<string>>([.. plan.Steps.Select(s => s.Changes.IsEmpty ? $"{PlanJson.Name(s.Action)} {s.Resource}: {s.Reason}" : $"{s.Resource}: {string.Join(", ", s.Changes)}")]);
    }

    private (string Netns, RenderResult Rendered) RenderAttachment(NetworkModel infrastructure, ZoneSpec zone, string ifname)
    {
        ArgumentNullException.ThrowIfNull(infrastructure);
        ArgumentNullException.ThrowIfNull(zone);
        if (zone.Container?.Netns is not { } path)
        {
            throw new InvalidInputException($"zone {zone.Name} is not a container's zone with a namespace path");
        }

        if (!LinuxNaming.CanReferToContainerNetns(path))
        {
            throw new InvalidInputException($"the namespace path '{path}' of container {zone.Container.Id} is not one NetVirt can use (an absolute path without ':', '@' or whitespace)");
        }


        using var phase = Phases.Start("cni render");
        var rendered = Render(infrastructure with { Zones = [zone] });
        var problems = rendered.Problems.Where(p => p.Subject.Contains(zone.Name, StringComparison.Ordinal)).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidInputException($"{zone.Name}/{ifname} cannot be realized: {string.Join("; ", problems.Select(p => $"{p.Subject} {p.Message}"))}");
        }

        return (LinuxNaming.ContainerNetns(zone.Name, path), rendered);
    }

    private static List<HostResource> OwnResources(RenderResult rendered, ZoneSpec zone, string netns, string ifname) =>
        [.. rendered.Desired.Resources.Where(r => r.Zone == zone.Name && Belongs(r, netns, ifname))];

    // The interface's own objects: named {netns}/{ifname}[/...]; the zone's routes that leave through it.
    private static bool Belongs(HostResource r, string netns, string ifname)
    {
        var name = LinuxNames.Interface(netns, ifname);
        return r.Name == name || r.Name.StartsWith(name + "/", StringComparison.Ordinal)
            || r.Kind == RouteKind.Definition && r.DependsOn.Any(d => d.Name == name);
    }

    /// <summary>
    /// What the attachment's network needs on the host: the bridge of its VLAN (and, for a container in a slot of its
    /// own, its container leaf with the trunk to that bridge), the protection table, its router with its leg.
    /// </summary>
    private static IEnumerable<HostResource> Infrastructure(RenderResult rendered, HostResource veth)
    {
        var bridge = veth.Properties[LinuxProperties.Bridge];
        var trunk = rendered.Desired.Resources.FirstOrDefault(r => r.Kind == TrunkKind.Definition && r.Name == bridge);
        var root = trunk?.Properties[LinuxProperties.Root] ?? bridge;
        var legs = rendered.Desired.Resources.Where(r => r.Kind == VethKind.Leg.Kind && r.Properties[LinuxProperties.Bridge] == root).ToList();
        var routers = legs.Select(l => LinuxNames.Split(l.Name).Netns).ToHashSet(StringComparer.Ordinal);
        return rendered.Desired.Resources.Where(r =>
            r.Kind == BridgeKind.Definition && (r.Name == bridge || r.Name == root)
            || r == trunk
            || r.Kind == NftTableKind.Definition
            || legs.Contains(r)
            || r.Kind == NetnsKind.Definition && routers.Contains(r.Name)
            || r.Kind == ForwardingKind.Definition && routers.Contains(r.Name)
            || r.Kind == AddressKind.Definition && legs.Any(l => r.Name.StartsWith(l.Name + "/", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Runs <paramref name="resources"/> as <paramref name="action"/> steps in one batch, ordered by rank (descending for
    /// deletes); returns the failures. One batch is enough for one interface: the executor sends the host requests (the
    /// veth, its host end) before the work inside the namespace (link up, then addresses, then routes, in step order)
    /// and runs the nftables transaction beside them, and one batch costs one namespace thread instead of one per rank.
    /// </summary>
    private async Task<List<string>> RunAsync(IReadOnlyList<HostResource> resources, StepAction action, CancellationToken cancellationToken)
    {
        var ordered = action == StepAction.Delete ? resources.OrderByDescending(r => r.Kind.Rank) : resources.OrderBy(r => r.Kind.Rank);
        var steps = ordered.ThenBy(r => r.Id).Select((r, i) => new PlanStep
        {
            Index = i,
            Action = action,
            Change = action == StepAction.Delete ? ChangeKind.Delete : ChangeKind.Create,
            Resource = r,
            Reason = "container attachment",
        }).ToList();
        if (steps.Count == 0)
        {
            return [];
        }

        using var phase = Phases.Start("cni execute " + PlanJson.Name(action));
        var executions = await ExecuteAsync(steps, cancellationToken).ConfigureAwait(false);
        return [.. executions.Where(e => e.Outcome == StepOutcome.Failed).Select(e => e.Error ?? e.Step.ToString())];
    }
}
