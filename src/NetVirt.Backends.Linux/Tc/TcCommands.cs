using System.Globalization;

namespace NetVirt.Backends.Linux.Tc;

/// <summary>
/// tc batch lines for a VNIC's <c>maxbw</c>: a token bucket on the host end shapes what goes to the zone; what the
/// zone sends is redirected at the host end's ingress to the VNIC's ifb device and shaped by a token bucket there
/// (this kernel has no policing action, and shaping is steadier for TCP than policing anyway). Every line is a
/// <c>replace</c>, so running them again changes nothing. Pure.
/// </summary>
public static class TcCommands
{
    /// <summary>Latency bound of the token buckets: sets their queue length.</summary>
    public const string Latency = "50ms";

    /// <summary>Lines that set both directions.</summary>
    public static IReadOnlyList<string> Set(string hostEnd, string ifb, long egressBits, long ingressBits) =>
    [
        $"qdisc replace dev {hostEnd} root handle 1: tbf rate {Bits(egressBits)} burst {Burst(egressBits)} latency {Latency}",
        $"qdisc replace dev {hostEnd} handle ffff: ingress",
        $"filter replace dev {hostEnd} parent ffff: protocol all prio 1 handle 800::800 u32 match u32 0 0 action mirred egress redirect dev {ifb}",
        $"qdisc replace dev {ifb} root handle 1: tbf rate {Bits(ingressBits)} burst {Burst(ingressBits)} latency {Latency}",
    ];

    /// <summary>Lines that remove the shaping from the host end (the ifb is deleted as a link).</summary>
    public static IReadOnlyList<string> Clear(string hostEnd) =>
    [
        $"qdisc del dev {hostEnd} root",
        $"qdisc del dev {hostEnd} ingress",
    ];

    /// <summary>A rate in bits per second as tc reads it.</summary>
    public static string Bits(long bits) => bits.ToString(CultureInfo.InvariantCulture) + "bit";

    /// <summary>
    /// Bucket size: 10 ms at the rate, but at least 64 KiB + one MTU so that a whole GSO super-packet fits (a
    /// smaller bucket makes tbf segment every such packet, and throughput falls well below the rate).
    /// </summary>
    public static string Burst(long bits) => Math.Max(bits / 8 / 100, 65536 + 1514).ToString(CultureInfo.InvariantCulture);
}
