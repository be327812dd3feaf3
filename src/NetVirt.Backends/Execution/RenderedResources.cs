using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Execution;

/// <summary>
/// The host objects a renderer has produced so far, each identity once: the part every backend's renderer shares.
/// Two model objects that would map to one host object are a problem for the second, never a silent merge.
/// </summary>
public sealed class RenderedResources
{
    private readonly List<HostResource> _resources = [];
    private readonly HashSet<ResourceId> _ids = [];
    private readonly List<PlanProblem> _problems = [];

    /// <summary>
    /// Adds <paramref name="resource"/>, or records a problem for <paramref name="subject"/> (the model object it was
    /// rendered from) and returns null when another object already has its identity.
    /// </summary>
    public HostResource? Add(HostResource resource, string? subject = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (!_ids.Add(resource.Id))
        {
            _problems.Add(new PlanProblem(subject ?? resource.ToString(), $"would be {resource}, a name another model object already maps to on this host"));
            return null;
        }

        _resources.Add(resource);
        return resource;
    }

    /// <summary>Adds a requirement several model objects share (a physical link under many VNICs) the first time only.</summary>
    public void AddOnce(HostResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (_ids.Add(resource.Id))
        {
            _resources.Add(resource);
        }
    }

    /// <summary>
    /// The L2 domain and MAC of a VNIC the store has resolved, or null with a problem recorded for
    /// <paramref name="subject"/>: a pool VNIC without its network, or <c>mac: auto</c> without its MAC.
    /// </summary>
    public (L2Domain Domain, MacAddress Mac)? Resolved(ModelIndex index, VnicSpec vnic, string subject)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(vnic);
        if (index.DomainOf(vnic) is not { } domain)
        {
            Problem(subject, "is not resolved to a network (pool VNICs need IPAM to choose one before rendering)");
            return null;
        }

        if (vnic.Mac is not { } mac)
        {
            Problem(subject, "has no MAC yet (mac: auto needs allocation before rendering)");
            return null;
        }

        return (domain, mac);
    }

    /// <summary>Records what the host cannot realise.</summary>
    public void Problem(string subject, string message) => _problems.Add(new PlanProblem(subject, message));

    /// <summary>The desired state and the problems found while rendering it.</summary>
    public RenderResult ToResult() => new(new HostState(_resources), _problems.ToEquatableArray());
}
