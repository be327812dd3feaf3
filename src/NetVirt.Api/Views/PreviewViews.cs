using NetVirt.Model.Spec;

namespace NetVirt.Api.Views;

/// <summary>
/// What storing a document would do, without storing it (<c>apply --dry-run</c>, <c>POST /plan</c> with a body): the
/// plan for the host and the MACs and addresses IPAM would hand out or release.
/// </summary>
/// <param name="Plan">The plan, as <c>GET /plan</c> answers it (its generation is the one storing would make).</param>
/// <param name="Allocations">What IPAM would hand out and release, VNIC by VNIC.</param>
public sealed record PreviewView(PlanView Plan, IReadOnlyList<AllocationView> Allocations);

/// <summary>MACs and addresses a VNIC would get (<c>allocate</c>) or give back (<c>release</c>).</summary>
/// <param name="Zone">Zone.</param>
/// <param name="Vnic">VNIC.</param>
/// <param name="Change"><c>allocate</c> or <c>release</c>.</param>
/// <param name="Mac">The MAC, when it is new (or goes away with the VNIC).</param>
/// <param name="Addresses">The addresses that are new (or released), with prefix length.</param>
public sealed record AllocationView(string Zone, string Vnic, string Change, string? Mac, IReadOnlyList<string> Addresses)
{
    /// <summary>The allocations between two resolved models: what <paramref name="after"/> holds that <paramref name="before"/> did not, and the reverse.</summary>
    public static IReadOnlyList<AllocationView> Between(NetworkModel before, NetworkModel after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var old = StateViews.Vnics(before).ToDictionary(v => (v.Zone, v.Vnic));
        var now = StateViews.Vnics(after).ToDictionary(v => (v.Zone, v.Vnic));
        var result = new List<AllocationView>();
        foreach (var (key, vnic) in now)
        {
            var was = old.GetValueOrDefault(key);
            var mac = was?.Mac == vnic.Mac ? null : vnic.Mac;
            var added = vnic.Addresses.Except(was?.Addresses ?? [], StringComparer.Ordinal).ToList();
            if (mac is not null || added.Count > 0)
            {
                result.Add(new AllocationView(vnic.Zone, vnic.Vnic, "allocate", mac, added));
            }
        }

        foreach (var (key, vnic) in old)
        {
            var still = now.GetValueOrDefault(key);
            var removed = vnic.Addresses.Except(still?.Addresses ?? [], StringComparer.Ordinal).ToList();
            if (still is null || removed.Count > 0)
            {
                result.Add(new AllocationView(vnic.Zone, vnic.Vnic, "release", still is null ? vnic.Mac : null, removed));
            }
        }

        return result;
    }
}
