using NetVirt.Audit.Passive;
using NetVirt.Audit.Probes;

namespace NetVirt.Tests.Audit.Probes;

/// <summary>
/// Zones can send anything. A frame PacketDotNet cannot decode must never throw out of the capture callback (that
/// would end the audit's capture run): it is simply not a probe, and not a passive finding.
/// </summary>
public sealed class MalformedFrameTests
{
    public static TheoryData<string> Fixtures =>
    [
        "arp-request", "icmp4-echo-request", "icmp6-echo-reply", "udp4", "udp6", "ndp-neighbor-solicitation",
        "ndp-neighbor-advertisement", "mldv2-report", "dhcp-offer", "vlan-double-arp-request",
    ];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Matches_TruncatedOrLyingFrames_NeverThrows(string fixture)
    {
        var frame = FrameFixtures.Load(fixture);
        var rules = new PassiveRules(AuditModels.Topology());
        foreach (var candidate in Mutations(frame))
        {
            foreach (var kind in Enum.GetValues<ProbeKind>())
            {
                _ = ProbeSignature.Matches(kind, candidate, sent: []);
            }

            _ = rules.Check(0, outbound: false, candidate);
            _ = rules.Check(0, outbound: true, candidate);
        }
    }

    // Every truncation, and every 16-bit field set to 0 and to 0xffff (lengths, header sizes, ethertypes).
    private static IEnumerable<byte[]> Mutations(byte[] frame)
    {
        for (var length = 0; length < frame.Length; length++)
        {
            yield return frame[..length];
        }

        for (var at = 12; at + 1 < frame.Length; at++)
        {
            foreach (var value in new byte[] { 0x00, 0xff })
            {
                var copy = (byte[])frame.Clone();
                copy[at] = value;
                copy[at + 1] = value;
                yield return copy;
            }
        }
    }
}
