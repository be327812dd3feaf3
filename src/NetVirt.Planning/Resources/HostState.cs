using NetVirt.Model.Collections;

namespace NetVirt.Planning.Resources;

/// <summary>A set of host objects: what the model wants (desired) or what the host has (observed).</summary>
public sealed class HostState
{
    /// <summary>Creates a state from resources; identities must be unique.</summary>
    public HostState(IEnumerable<HostResource> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var list = resources.ToList();
        var byId = new Dictionary<ResourceId, HostResource>(list.Count);
        foreach (var r in list)
        {
            if (!byId.TryAdd(r.Id, r))
            {
                throw new ArgumentException($"two host objects share the identity '{r.Id}'", nameof(resources));
            }
        }

        Resources = list.ToEquatableArray();
        ById = byId;
    }

    /// <summary>An empty state.</summary>
    public static HostState Empty { get; } = new([]);

    /// <summary>The objects, in the order given.</summary>
    public EquatableArray<HostResource> Resources { get; }

    /// <summary>Lookup by identity.</summary>
    public IReadOnlyDictionary<ResourceId, HostResource> ById { get; }

    /// <summary>The object with identity <paramref name="id"/>, or null.</summary>
    public HostResource? Find(ResourceId id) => ById.TryGetValue(id, out var r) ? r : null;
}
