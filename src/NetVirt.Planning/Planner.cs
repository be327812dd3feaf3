using NetVirt.Model.Collections;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Planning;

/// <summary>
/// The pure planner: (desired, observed) → plan. No clock, no I/O, no randomness; level-triggered, recomputed from
/// full snapshots every time.
/// </summary>
/// <remarks>
/// Each object is diffed in three phases: create what is missing, change what differs (in place when every
/// differing property is mutable for its kind, else delete and recreate), delete owned extras. Deleting or
/// replacing an object also removes the observed objects that depend on it (an IP interface before its VNIC), and
/// desired ones among them are created again afterwards. Order: deletions by descending rank, then in-place updates
/// and creations together by ascending rank (updates first within a rank), so that no step refers to an object a
/// later step creates; ties by kind and name, so plans can be golden-tested.
/// Foreign objects (<see cref="HostResource.Owned"/> false) are never changed or deleted; a desired foreign object
/// is a requirement: missing, or present with properties other than the desired ones, it is a blocking problem.
/// </remarks>
public static class Planner
{
    /// <summary>Differences between desired and observed state, in deterministic order.</summary>
    public static IReadOnlyList<DriftItem> Diff(HostState desired, HostState observed)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(observed);
        var items = new List<DriftItem>();
        foreach (var want in Ordered(desired.Resources))
        {
            var have = observed.Find(want.Id);
            if (have is null)
            {
                if (want.Owned)
                {
                    items.Add(new DriftItem(DriftKind.Missing, want, []));
                }

                continue;
            }

            if (!want.Owned || !have.Owned)
            {
                continue;
            }

            var changes = Changes(want, have);
            if (!changes.IsEmpty)
            {
                items.Add(new DriftItem(DriftKind.Changed, want, changes));
            }
        }

        foreach (var have in Ordered(observed.Resources))
        {
            if (have.Owned && desired.Find(have.Id) is null)
            {
                items.Add(new DriftItem(DriftKind.Extra, have, []));
            }
        }

        return items;
    }

    /// <summary>Builds the plan that takes <paramref name="observed"/> to <paramref name="desired"/>.</summary>
    public static Plan Plan(HostState desired, HostState observed, IEnumerable<PlanProblem>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(observed);
        var blocking = new List<PlanProblem>(problems ?? []);
        foreach (var want in Ordered(desired.Resources))
        {
            var have = observed.Find(want.Id);
            if (!want.Owned && have is null)
            {
                blocking.Add(new PlanProblem(want.ToString(), "required on the host but not found; NetVirt does not create it"));
            }
            else if (want.Owned && have is { Owned: false, Deployment: { } other })
            {
                blocking.Add(new PlanProblem(want.ToString(),
                    $"the name is taken by an object of deployment {other}: another NetVirt database with the same ownership prefix manages it, and this one will not change or delete it "
                    + "(use that database, or give this one another prefix with NETVIRT_PREFIX)"));
            }
            else if (want.Owned && have is { Owned: false })
            {
                blocking.Add(new PlanProblem(want.ToString(), "the name is taken by an object NetVirt does not own; NetVirt will not touch it"));
            }
            else if (!want.Owned && have is not null && Changes(want, have) is { IsEmpty: false } unmet)
            {
                // A foreign object the model relies on (a zone that must be running) is in the wrong state:
                // NetVirt may not change it, so the plan cannot proceed.
                blocking.Add(new PlanProblem(
                    want.ToString(),
                    $"required {string.Join(", ", unmet.Select(c => $"{c.Property} {Show(c.To)}"))}, "
                    + $"but the host has {string.Join(", ", unmet.Select(c => $"{c.Property} {Show(c.From)}"))}; NetVirt does not change objects it does not own"));
            }
        }

        blocking.AddRange(MacsOfOtherDeployments(desired, observed));
        var drift = Diff(desired, observed);
        var changed = drift.Where(d => d.Kind == DriftKind.Changed).ToDictionary(d => d.Resource.Id, d => d.Changes);
        var creates = new Dictionary<ResourceId, string>();
        var updates = new List<DriftItem>();
        var deletes = new Dictionary<ResourceId, (string Reason, ChangeKind Change)>();

        foreach (var item in drift)
        {
            switch (item.Kind)
            {
                case DriftKind.Missing:
                    creates[item.Resource.Id] = "not on the host";
                    break;
                case DriftKind.Extra:
                    deletes[item.Resource.Id] = ("not in the desired state", ChangeKind.Delete);
                    break;
                case DriftKind.Changed when item.Changes.All(c => item.Resource.Kind.MutableProperties.Contains(c.Property)):
                    updates.Add(item);
                    break;
                default:
                    var fixedChanges = item.Changes.Where(c => !item.Resource.Kind.MutableProperties.Contains(c.Property));
                    var reason = $"{string.Join(", ", fixedChanges)} (cannot change in place)";
                    deletes[item.Resource.Id] = (reason, ChangeKind.Replace);
                    creates[item.Resource.Id] = reason;
                    break;
            }
        }

        CascadeToDependents(desired, observed, creates, deletes);

        // An object that is deleted and created again needs no in-place update.
        updates.RemoveAll(u => deletes.ContainsKey(u.Resource.Id));

        var steps = new List<PlanStep>();
        foreach (var id in deletes.Keys.Select(id => observed.Find(id)!).Where(r => !ImpliedByParentDelete(r, deletes.Keys))
                     .OrderByDescending(r => r.Kind.Rank).ThenBy(r => r.Id).Select(r => r.Id))
        {
            var resource = observed.Find(id)!;
            var (reason, change) = deletes[id];
            steps.Add(new PlanStep
            {
                Index = steps.Count + 1,
                Action = StepAction.Delete,
                Change = change,
                Resource = resource,
                Changes = change == ChangeKind.Replace ? ChangesOf(changed, id) : [],
                Reason = $"{resource}: {reason}",
                Disrupts = resource.Zone,
            });
        }

        // In-place updates and creations run together by ascending rank, so that nothing is changed to refer to an
        // object before the step that creates it (a VNIC moved onto a bridge that is itself being created, after a
        // destroy was interrupted). Within a rank updates go first, unless they need an object of their own rank
        // that this plan creates.
        var forward = updates.Select(u => (Resource: u.Resource, Update: (DriftItem?)u))
            .Concat(creates.Keys.Select(id => (Resource: desired.Find(id)!, Update: (DriftItem?)null)))
            .OrderBy(f => f.Resource.Kind.Rank)
            .ThenBy(f => f.Update is null ? 1 : NeedsCreatedOfSameRank(f.Resource, desired, creates) ? 2 : 0)
            .ThenBy(f => f.Resource.Id);
        foreach (var (resource, update) in forward)
        {
            if (update is not null)
            {
                steps.Add(new PlanStep
                {
                    Index = steps.Count + 1,
                    Action = StepAction.Update,
                    Change = ChangeKind.Change,
                    Resource = resource,
                    Changes = update.Changes,
                    Reason = $"{resource}: {string.Join(", ", update.Changes)}",
                });
                continue;
            }

            var replaced = deletes.TryGetValue(resource.Id, out var deleted);
            steps.Add(new PlanStep
            {
                Index = steps.Count + 1,
                Action = StepAction.Create,
                Change = replaced ? ChangeKind.Replace : ChangeKind.Create,
                Resource = resource,
                Changes = replaced ? ChangesOf(changed, resource.Id) : [],
                Reason = $"{resource}: {(replaced ? deleted.Reason : creates[resource.Id])}",
            });
        }

        return new Plan { Steps = steps.ToEquatableArray(), Problems = blocking.ToEquatableArray(), OtherDeployments = OtherDeployments(observed) };
    }

    /// <summary>
    /// Deleting an object takes its observed dependents with it (transitively); desired dependents come back.
    /// </summary>
    private static void CascadeToDependents(
        HostState desired, HostState observed, Dictionary<ResourceId, string> creates, Dictionary<ResourceId, (string Reason, ChangeKind Change)> deletes)
    {
        var dependents = new Dictionary<ResourceId, List<HostResource>>();
        foreach (var r in observed.Resources)
        {
            foreach (var parent in r.DependsOn)
            {
                if (!dependents.TryGetValue(parent, out var list))
                {
                    dependents[parent] = list = [];
                }

                list.Add(r);
            }
        }

        var queue = new Queue<ResourceId>(deletes.Keys.OrderBy(id => id));
        while (queue.TryDequeue(out var parentId))
        {
            if (!dependents.TryGetValue(parentId, out var children))
            {
                continue;
            }

            foreach (var child in children.Where(c => c.Owned).OrderBy(c => c.Id))
            {
                if (deletes.ContainsKey(child.Id))
                {
                    continue;
                }

                var parent = observed.Find(parentId)!;
                var isDesired = desired.Find(child.Id) is not null;
                deletes[child.Id] = isDesired
                    ? ($"recreated because {parent} is {(creates.ContainsKey(parentId) ? "replaced" : "deleted")}", ChangeKind.Replace)
                    : ($"not in the desired state (goes with {parent})", ChangeKind.Delete);
                if (isDesired)
                {
                    creates[child.Id] = deletes[child.Id].Reason;
                }

                queue.Enqueue(child.Id);
            }
        }
    }

    /// <summary>The property that holds an interface's MAC, in every backend's vocabulary.</summary>
    public const string MacProperty = "mac";

    /// <summary>
    /// Desired interfaces whose MAC an interface this deployment does not own already carries on this host (the
    /// backends report the MACs of other NetVirt deployments' interfaces): each database hands out MACs on its own, so
    /// this check is what guarantees that two deployments never put the same MAC on one host.
    /// </summary>
    private static IEnumerable<PlanProblem> MacsOfOtherDeployments(HostState desired, HostState observed)
    {
        var taken = new Dictionary<string, HostResource>(StringComparer.Ordinal);
        foreach (var other in observed.Resources)
        {
            if (!other.Owned && other.Properties[MacProperty] is { Length: > 0 } mac)
            {
                taken.TryAdd(mac, other);
            }
        }

        if (taken.Count == 0)
        {
            yield break;
        }

        foreach (var want in Ordered(desired.Resources))
        {
            if (want.Owned && want.Properties[MacProperty] is { Length: > 0 } mac && taken.TryGetValue(mac, out var holder))
            {
                var deployment = holder.Deployment ?? holder.Properties["deployment"];
                yield return new PlanProblem(want.ToString(),
                    $"MAC {mac} is already carried by {holder}{(string.IsNullOrEmpty(deployment) ? "" : $" of deployment {deployment}")} (another NetVirt database on this host); "
                    + "give this VNIC another MAC (two interfaces with one MAC confuse every switch that sees both)");
            }
        }
    }

    /// <summary>What the observed state holds of other deployments: counts and the first few objects of each.</summary>
    public static EquatableArray<OtherDeployment> OtherDeployments(HostState observed)
    {
        ArgumentNullException.ThrowIfNull(observed);
        return observed.Resources.Where(r => r is { Owned: false, Deployment: not null })
            .GroupBy(r => r.Deployment!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            // Examples from the top of the hierarchy down (a zone's interface says more than a bare host link).
            .Select(g => new OtherDeployment(g.Key, g.Count(), g.OrderByDescending(r => r.Kind.Rank).ThenBy(r => r.Id).Take(3).Select(r => r.ToString()).ToEquatableArray()))
            .ToEquatableArray();
    }

    private static bool NeedsCreatedOfSameRank(HostResource resource, HostState desired, Dictionary<ResourceId, string> creates) =>
        resource.DependsOn.Any(d => creates.ContainsKey(d) && desired.Find(d) is { } parent && parent.Kind.Rank == resource.Kind.Rank);

    /// <summary>True when the kernel removes <paramref name="resource"/> with a parent that is itself deleted.</summary>
    private static bool ImpliedByParentDelete(HostResource resource, IEnumerable<ResourceId> deleted) =>
        resource.Kind.DeletedWithParent && resource.DependsOn.Any(deleted.Contains);

    // Called for every desired object on every plan: one lookup per property, no allocation when nothing differs.
    private static EquatableArray<PropertyChange> Changes(HostResource want, HostResource have)
    {
        List<PropertyChange>? changes = null;
        foreach (var (name, value) in want.Properties)
        {
            var current = have.Properties[name];
            if (!string.Equals(value, current ?? "", StringComparison.Ordinal))
            {
                (changes ??= []).Add(new PropertyChange(name, current, value));
            }
        }

        return changes is null ? [] : changes.ToEquatableArray();
    }

    private static EquatableArray<PropertyChange> ChangesOf(Dictionary<ResourceId, EquatableArray<PropertyChange>> changed, ResourceId id) =>
        changed.TryGetValue(id, out var changes) ? changes : [];

    private static string Show(string? value) => string.IsNullOrEmpty(value) ? "(none)" : value;

    private static IEnumerable<HostResource> Ordered(IEnumerable<HostResource> resources) =>
        resources.OrderBy(r => r.Kind.Rank).ThenBy(r => r.Id);
}
