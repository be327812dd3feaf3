using NetVirt.Audit.Capture;
using NetVirt.Audit.Verdicts;

namespace NetVirt.Audit.Reports;

/// <summary>
/// Writes one pcap per finding (openable in Wireshark): the probe as sent first, then what was captured at the
/// receiver. A BLACKHOLE's file holds only the probe that never arrived; a FOREIGN_ADDRESS's the probe sent from
/// the foreign address, when there was one.
/// </summary>
public static class EvidenceWriter
{
    /// <summary>Most evidence files per report; a broken host can produce thousands of findings.</summary>
    public const int MaxFiles = 2000;

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
            using (var writer = PcapFileWriter.Create(Path.Combine(directory, name)))
            {
                foreach (var (timestamp, frame) in finding.Frames)
                {
                    writer.WriteRecord(frame, timestamp);
                }
            }

            names[i] = name;
        }

        return names;
    }
}
