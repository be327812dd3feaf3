using System.Text;

namespace NetVirt.Backends.Linux.Rendering;

/// <summary>
/// How the ports of one L2 domain are spread over bridges. A Linux bridge takes at most
/// <see cref="BridgeTreeLimits.KernelPorts"/> ports (port numbers are 10 bits and 0 is reserved; the next
/// <c>RTM_NEWLINK … master</c> fails with EXFULL, "Exchange full"). A domain with at most
/// <see cref="BridgeTreeLimits.FlatPorts"/> ports (VNICs and router legs) is one bridge, as it always was. A larger one
/// is a star: the domain's bridge is the root and holds the router legs and one trunk per leaf; the VNICs sit on leaf
/// bridges of about <see cref="BridgeTreeLimits.LeafTarget"/> VNICs each. Which leaf a VNIC is on is a jump consistent
/// hash of its identity over the number of leaves (Lamping and Veach), so a VNIC stays on its leaf while the domain
/// grows or shrinks unless the number of leaves changes, and then only about 1/leaves of them move. Pure.
/// </summary>
internal sealed class BridgeTree
{
    private BridgeTree(int leaves, Dictionary<string, int> leafOf)
    {
        Leaves = leaves;
        LeafOf = leafOf;
    }

    /// <summary>Leaf bridges; 0 when the domain is one bridge.</summary>
    public int Leaves { get; }

    /// <summary>The leaf of each VNIC (by the identity it was planned with); empty when the domain is one bridge.</summary>
    public IReadOnlyDictionary<string, int> LeafOf { get; }

    /// <summary>
    /// Spreads <paramref name="vnics"/> (identities, e.g. <c>zone/vnic</c>, each once) of a domain whose bridge also has
    /// <paramref name="legs"/> other ports that stay on it (router legs, the trunks of container leaves). The caller refuses a domain with more than <see cref="BridgeTreeLimits.MaxVnics"/>
    /// VNICs before asking.
    /// </summary>
    public static BridgeTree Plan(IReadOnlyCollection<string> vnics, int legs, BridgeTreeLimits limits)
    {
        ArgumentNullException.ThrowIfNull(vnics);
        ArgumentNullException.ThrowIfNull(limits);
        if (vnics.Count + legs <= limits.FlatPorts)
        {
            return new BridgeTree(0, []);
        }

        var leaves = (vnics.Count + limits.LeafTarget - 1) / limits.LeafTarget;
        var leafOf = vnics.ToDictionary(v => v, v => JumpHash(Key(v), leaves), StringComparer.Ordinal);
        Balance(leafOf, leaves, limits.LeafCapacity);
        return new BridgeTree(leaves, leafOf);
    }

    /// <summary>
    /// A leaf over capacity (vanishingly rare with a uniform hash: the capacity is twice the mean) gives its VNICs
    /// beyond capacity, the last by name, to the leaves with the fewest, in order: deterministic, and each leaf stays
    /// within capacity.
    /// </summary>
    private static void Balance(Dictionary<string, int> leafOf, int leaves, int capacity)
    {
        var counts = new int[leaves];
        foreach (var leaf in leafOf.Values)
        {
            counts[leaf]++;
        }

        for (var leaf = 0; leaf < leaves; leaf++)
        {
            if (counts[leaf] <= capacity)
            {
                continue;
            }

            var surplus = leafOf.Where(p => p.Value == leaf).Select(p => p.Key).Order(StringComparer.Ordinal).Skip(capacity).ToList();
            foreach (var vnic in surplus)
            {
                var target = Enumerable.Range(0, leaves).MinBy(l => counts[l]);
                counts[leaf]--;
                counts[target]++;
                leafOf[vnic] = target;
            }
        }
    }

    /// <summary>Jump consistent hash: a bucket in [0, <paramref name="buckets"/>) for <paramref name="key"/>.</summary>
    public static int JumpHash(ulong key, int buckets)
    {
        long b = -1;
        long j = 0;
        while (j < buckets)
        {
            b = j;
            key = unchecked((key * 2862933555777941757UL) + 1);
            j = (long)((b + 1) * ((double)(1L << 31) / ((key >> 33) + 1)));
        }

        return (int)b;
    }

    // FNV-1a over UTF-8, then the splitmix64 finaliser so that every bit of the key depends on every byte.
    private static ulong Key(string identity)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(identity))
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }

        hash = unchecked((hash ^ (hash >> 30)) * 0xbf58476d1ce4e5b9UL);
        hash = unchecked((hash ^ (hash >> 27)) * 0x94d049bb133111ebUL);
        return hash ^ (hash >> 31);
    }
}

/// <summary>The sizes behind <see cref="BridgeTree"/> (smaller ones in tests, to build trees from a few zones).</summary>
public sealed record BridgeTreeLimits
{
    /// <summary>Ports one Linux bridge takes (<c>BR_MAX_PORTS</c> 1,024 port numbers, of which 0 is reserved).</summary>
    public int KernelPorts { get; init; } = 1023;

    /// <summary>Up to this many ports (VNICs and legs) a domain is one bridge; above, a tree.</summary>
    public int FlatPorts { get; init; } = 1000;

    /// <summary>VNICs per leaf on average: the number of leaves is the VNICs over this, rounded up.</summary>
    public int LeafTarget { get; init; } = 500;

    /// <summary>VNICs one leaf takes at most (one more port is its trunk).</summary>
    public int LeafCapacity { get; init; } = 1000;

    /// <summary>
    /// The largest domain the backend realises: measured (10,000 VNICs in one network, benchmark <c>linux-scale</c>).
    /// The tree would hold about a thousand times more; larger domains are refused until measured.
    /// </summary>
    public int MaxVnics { get; init; } = 10_000;

    /// <summary>The kernel's and NetVirt's figures.</summary>
    public static BridgeTreeLimits Default { get; } = new();
}
