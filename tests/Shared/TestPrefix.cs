using System.Security.Cryptography;
using NetVirt.Backends.Linux.Resources;

namespace NetVirt.Testing;

/// <summary>
/// Ownership prefixes for the host objects a test or benchmark creates: <c>nvt</c> and three hex digits, so concurrent
/// runs and the user's own NetVirt objects (prefix <c>nv</c>) never see each other's. A six-character prefix leaves 28
/// bits of hash for interface names that do not fit as they are (a VNIC's host end; its ifb hashes the same identity),
/// so two VNICs can share one: the plan then refuses the model, naming both (at 1,000 zones about 0.2 % of prefixes, at
/// 2,000 about 1 in 130, at 10,000 about 17 %; seen in a 2,000-zone test and a <c>cli-start</c> run). Any test prefix
/// serves a run equally, so one is drawn again until the run's VNICs get distinct names. Compiled into the bench
/// project, which the integration tests reference.
/// </summary>
public static class TestPrefix
{
    /// <summary>The largest number of zones a benchmark makes, named <c>z0</c>, <c>z1</c>, … with VNIC <c>net0</c>.</summary>
    public const int BenchmarkZones = 10_000;

    /// <summary>A fresh prefix such as <c>nvt3fa</c>, whatever the names it will carry.</summary>
    public static string Any() => "nvt" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))[..3];

    /// <summary>A fresh prefix under which every (zone, VNIC) of <paramref name="vnics"/> gets its own host end name.</summary>
    public static string For(IReadOnlyCollection<(string Zone, string Vnic)> vnics)
    {
        ArgumentNullException.ThrowIfNull(vnics);
        while (true)
        {
            var prefix = Any();
            if (HostEndsDistinct(prefix, vnics))
            {
                return prefix;
            }
        }
    }

    /// <summary>A fresh prefix for a benchmark: zones <c>z0</c>..<c>z10000</c> with VNIC <c>net0</c> get distinct host ends.</summary>
    public static string ForBenchmark() => For([.. Enumerable.Range(0, BenchmarkZones + 1).Select(z => ($"z{z}", "net0"))]);

    /// <summary>True when every (zone, VNIC) gets its own host end name under <paramref name="prefix"/>.</summary>
    public static bool HostEndsDistinct(string prefix, IEnumerable<(string Zone, string Vnic)> vnics)
    {
        ArgumentNullException.ThrowIfNull(vnics);
        var naming = new LinuxNaming(prefix);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return vnics.All(v => seen.Add(naming.VnicHostEnd(v.Zone, v.Vnic)));
    }
}
