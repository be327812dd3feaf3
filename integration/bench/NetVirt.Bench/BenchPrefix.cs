using System.Security.Cryptography;
using NetVirt.Backends.Linux.Resources;

namespace NetVirt.Bench;

/// <summary>
/// The ownership prefix of one benchmark run: <c>nvt</c> and three hex digits, as every host object a test or benchmark
/// makes carries. A six-character prefix leaves 28 bits of hash for interface names that do not fit as they are (a
/// VNIC's host end and ifb), so among 1,000 zones two collide in about 0.2 % of prefixes, among 10,000 in about 17 %:
/// the plan then refuses (naming both zones) and the run stopped. Seen in a <c>cli-start</c> run. So a prefix is drawn
/// again until the host ends of zones <c>z0</c>..<c>z10000</c> (VNIC <c>net0</c>, how every benchmark names them) are
/// distinct; an ifb's name hashes the same identity, so it is distinct too.
/// </summary>
public static class BenchPrefix
{
    /// <summary>Zone names checked: z0 to this, the largest benchmark.</summary>
    public const int Zones = 10_000;

    /// <summary>A fresh prefix whose hashed names of the benchmarks' zones do not collide.</summary>
    public static string New()
    {
        while (true)
        {
            var prefix = "nvt" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))[..3];
            if (HostEndsDistinct(prefix, Zones))
            {
                return prefix;
            }
        }
    }

    /// <summary>True when zones z0..z<paramref name="zones"/> with VNIC net0 get distinct host end names under <paramref name="prefix"/>.</summary>
    public static bool HostEndsDistinct(string prefix, int zones)
    {
        var naming = new LinuxNaming(prefix);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var z = 0; z <= zones; z++)
        {
            if (!seen.Add(naming.VnicHostEnd($"z{z}", "net0")))
            {
                return false;
            }
        }

        return true;
    }
}
