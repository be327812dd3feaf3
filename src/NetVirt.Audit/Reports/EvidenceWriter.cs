using NetVirt.Audit.Probes;
using NetVirt.Audit.Topology;
using NetVirt.Audit.Verdicts;

namespace NetVirt.Audit.Reports;

/// <summary>
/// Writes one pcapng file per finding (openable in Wireshark): one interface per capture point, named after the
/// zone/VNIC and its namespace, then the probe as sent and every copy as captured, each with a comment saying where
/// and what the model expected there. A BLACKHOLE's file holds only the probe that never arrived; a
/// FOREIGN_ADDRESS's the probe sent from the foreign address, when there was one.
/// </summary>
public static class EvidenceWriter
{
    /// <summary>Most evidence files per report; a broken host can produce thousands of findings.</summary>
    public const int MaxFiles = ArrivalLog.EvidenceGroups;

    /// <summary>Writes the files into <paramref name="directory"/> and returns each finding's file name (null when none).</summary>
    public static IReadOnlyList<string?> Write(AuditResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        var names = new string?[result.Findings.Count];
        for (var i = 0; i < result.Findings.Count && i < MaxFiles; i++)
        {
            var finding = result.Findings[i];
            if (finding.Frames.Count == 0)
            {
                continue;
            }

            var name = AuditText.EvidenceName(result, finding, i + 1);
            using (var writer = PcapNgWriter.Create(Path.Combine(directory, name)))
            {
                Write(writer, result.Topology, finding);
            }

            names[i] = name;
        }

        return names;
    }

    /// <summary>The interface name of a capture point: <c>zone/vnic@netns</c>.</summary>
    public static string InterfaceName(AuditEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return $"{endpoint.Name}@{endpoint.Netns}";
    }

    private static void Write(PcapNgWriter writer, AuditTopology topology, AuditFinding finding)
    {
        var interfaces = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var frame in finding.Frames)
        {
            var endpoint = topology.Endpoints[frame.Endpoint];
            var name = frame.HostInterface is { } bridge ? $"host/{bridge}" : InterfaceName(endpoint);
            if (!interfaces.TryGetValue(name, out var id))
            {
                interfaces[name] = id = writer.AddInterface(
                    name,
                    frame.HostInterface is null
                        ? $"zone {endpoint.Zone}, VNIC {endpoint.Vnic} (interface {endpoint.Interface} in network namespace {endpoint.Netns}), {endpoint.DomainText}"
                        : $"bridge {frame.HostInterface} in the host's namespace: what it delivers to the host's own stack");
            }

            var probe = $"{FindingKinds.Name(finding.Kind)} probe {ProbeKinds.Name(finding.Probe)}" + (finding.ProbeIndex >= 0 ? $" #{finding.ProbeIndex}" : "");
            var comment = frame.Sent
                ? $"{probe} as sent from {endpoint.Name} (injected on {endpoint.Interface} in {endpoint.Netns})"
                : frame.HostInterface is { } at
                ? $"{probe} from {endpoint.Name} as received by the host from bridge {at}; expected: {finding.Expected}"
                : $"{probe} as captured at {endpoint.Name} (on {endpoint.Interface} in {endpoint.Netns}); expected: {finding.Expected}";
            writer.WriteFrame(id, frame.Frame, frame.TimestampMicroseconds, comment);
        }
    }
}
