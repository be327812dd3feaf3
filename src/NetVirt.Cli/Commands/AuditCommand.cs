using System.CommandLine;
using NetVirt.Audit.Reports;
using NetVirt.Audit.Runs;
using NetVirt.Audit.Verdicts;
using NetVirt.Cli.Output;
using NetVirt.Reconciliation.Auditing;
using Spectre.Console;

namespace NetVirt.Cli.Commands;

/// <summary>
/// <c>netvirt audit</c>: proves which zones reach which by sending tagged frames from every zone and capturing in
/// every zone at once, compares with the model and explains every difference. <c>--passive</c> only listens. Exit
/// code 0 when clean, 4 with findings.
/// </summary>
public static class AuditCommand
{
    /// <summary>The auditor of this host: whether it can be audited at all comes first, the answer even where no database exists yet.</summary>
    public static readonly Func<CliContext, Auditor> HostAuditorFactory = context =>
    {
        Auditor.CheckHost(context.Target);
        return Auditor.ForHost(context.Store, context.Target, context.BackendOptions.Prefix);
    };

    /// <summary>Creates the auditor for a context; tests replace it (and put <see cref="HostAuditorFactory"/> back).</summary>
    public static Func<CliContext, Auditor> AuditorFactory { get; set; } = HostAuditorFactory;

    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var passive = new Option<bool>("--passive") { Description = "Send nothing: capture on every VNIC and flag frames whose source MAC or IP is not the VNIC's own or allowed" };
        var seconds = new Option<int>("--seconds") { Description = "How long --passive captures", DefaultValueFactory = _ => 10 };
        var reportDir = new Option<string?>("--report-dir") { Description = "Folder for report.html, report.json, junit.xml and evidence pcapng files (default: ./netvirt-audit-<UTC time>)" };
        var noReports = new Option<bool>("--no-reports") { Description = "Write no report files (terminal or JSON output only)" };
        var full = new Option<bool>("--full") { Description = $"Probe every ordered pair of VNICs (the default up to {AuditOptions.DefaultStratifyAbove} VNICs; above, the audit is stratified)" };
        var stratified = new Option<bool>("--stratified") { Description = "Probe between classes of VNICs the model treats alike, plus every VNIC's own probes (the default above " + AuditOptions.DefaultStratifyAbove + " VNICs)" };
        var command = new Command("audit", """
            Prove tenant isolation by packet capture: probe every pair of VNICs, compare with the model, explain every difference

            Examples:
              netvirt audit                                  # exit 0 clean, 4 with findings; reports in ./netvirt-audit-<time>
              netvirt audit --output json --no-reports | jq '.findings[]'
              netvirt audit --passive --seconds 60           # only listen: flag frames with foreign sources
              netvirt audit --full                           # every ordered pair, also on a large host (slow: N² probes)

            Up to 250 VNICs every ordered pair is probed (full); above, the audit is stratified: VNICs that are alike
            for the model (same L2 domain, network, router, protection, routes, address families) form a class, the
            classes are probed pairwise through a representative, and every VNIC still sends its own probes (to a peer
            of its class, spoofing, VLAN tags) and receives its domain's broadcasts. The report says which ran.
            """)
        {
            passive, seconds, reportDir, noReports, full, stratified,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            if (result.GetValue(full) && result.GetValue(stratified))
            {
                throw new Model.Errors.InvalidInputException("--full and --stratified: give one of them (or neither, to choose by size)");
            }

            Audit.Topology.AuditMode? mode = result.GetValue(full) ? Audit.Topology.AuditMode.Full : result.GetValue(stratified) ? Audit.Topology.AuditMode.Stratified : null;
            if (context.Service is Services.HttpNetVirtService server)
            {
                if (mode is not null)
                {
                    throw new Model.Errors.InvalidInputException("--full and --stratified are for an audit run here; with --server the server chooses by size");
                }

                return await RemoteAsync(context, server, result.GetValue(passive), result.GetValue(reportDir) is not null, cancellationToken);
            }

            var auditor = AuditorFactory(context);
            if (result.GetValue(passive))
            {
                var duration = result.GetValue(seconds);
                if (duration is < 1 or > 86_400)
                {
                    throw new Model.Errors.InvalidInputException($"--seconds {duration}: give 1 to 86400 seconds of capture");
                }

                var watched = await WithProgressAsync(context, "watching", p => auditor.RunPassiveAsync(TimeSpan.FromSeconds(duration), p, cancellationToken));
                if (context.Json)
                {
                    context.WriteJson(PassiveJson(watched));
                }
                else
                {
                    AuditPrinter.Print(context.Console, watched);
                }

                return watched.IsClean ? ExitCodes.Ok : ExitCodes.Findings;
            }

            var audit = await WithProgressAsync(context, "probing", p => auditor.RunAsync(AuditOptions.Default with { Mode = mode }, p, cancellationToken));
            var reports = Write(audit, result.GetValue(reportDir), result.GetValue(noReports));
            Report(context, audit, reports);
            return audit.IsClean ? ExitCodes.Ok : ExitCodes.Findings;
        });
        return command;
    }

    /// <summary>
    /// <c>netvirt --server URL audit</c>: the server's reconcile service runs the audit (never beside an apply) and
    /// keeps the reports next to its database; this prints its report document (<c>--output json</c>) or a summary.
    /// </summary>
    private static async Task<int> RemoteAsync(CliContext context, Services.HttpNetVirtService server, bool passive, bool reportDir, CancellationToken cancellationToken)
    {
        if (passive || reportDir)
        {
            throw new Model.Errors.InvalidInputException($"{(passive ? "--passive" : "--report-dir")} is for an audit run here; with --server the server runs an active audit and writes the reports next to its database");
        }

        var view = await server.AuditAsync(cancellationToken);
        var report = view.Report!;
        var clean = report["clean"]?.GetValue<bool>() == true;
        if (context.Json)
        {
            context.Stdout.WriteLine(report.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return clean ? ExitCodes.Ok : ExitCodes.Findings;
        }

        var summary = report["summary"]!;
        context.Stdout.WriteLine($"Audit run {view.Run.Id} on {server.Server}: {(clean ? "CLEAN" : "FINDINGS")} ({summary["endpoints"]} VNICs, {summary["pairs"]} ordered pairs, {summary["probes-sent"]} probes).");
        foreach (var finding in report["findings"]!.AsArray())
        {
            var to = finding!["to"]?.GetValue<string>() is { } receiver ? $" -> {receiver}" : "";
            context.Stdout.WriteLine($"  {finding["kind"]} {finding["from"]}{to} [{finding["probe"]}]: expected {finding["expected"]}; observed {finding["observed"]}");
        }

        foreach (var file in view.Files.Take(3))
        {
            context.Stdout.WriteLine($"  report {file} (on the server)");
        }

        return clean ? ExitCodes.Ok : ExitCodes.Findings;
    }

    /// <summary>Writes the report folder (<paramref name="directory"/>, else a timestamped one here) unless <paramref name="skip"/>.</summary>
    public static ReportDirectory? Write(AuditResult audit, string? directory, bool skip = false)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return skip ? null : ReportDirectory.Write(audit, directory ?? ReportDirectory.DefaultPath(audit.Run.Started, Directory.GetCurrentDirectory()));
    }

    /// <summary>Prints an audit as a table or JSON.</summary>
    public static void Report(CliContext context, AuditResult audit, ReportDirectory? reports)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Json)
        {
            using var stdout = new MemoryStream();
            JsonReportWriter.Write(stdout, audit, reports is null ? null : EvidenceNames(audit));
            context.Stdout.WriteLine(System.Text.Encoding.UTF8.GetString(stdout.ToArray()));
        }
        else
        {
            AuditPrinter.Print(context.Console, audit, reports);
        }
    }

    /// <summary>Runs <paramref name="work"/> under a progress bar when the terminal shows one.</summary>
    public static async Task<T> WithProgressAsync<T>(CliContext context, string label, Func<IProgress<AuditProgress>?, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(work);
        if (context.Json || context.Quiet || !context.Console.Profile.Capabilities.Interactive)
        {
            return await work(null);
        }

        T value = default!;
        await context.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(label);
                var progress = new Progress<AuditProgress>(p =>
                {
                    task.Description = p.Phase.ToString().ToLowerInvariant();
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = Math.Min(p.Done, p.Total);
                });
                value = await work(progress);
                task.Value = task.MaxValue;
            });
        return value;
    }

    private static IReadOnlyList<string?> EvidenceNames(AuditResult audit) =>
        [.. audit.Findings.Select((f, i) => f.Frames.Count > 0 && i < EvidenceWriter.MaxFiles ? AuditText.EvidenceName(audit, f, i + 1) : null)];

    private static object PassiveJson(Audit.Passive.PassiveResult watched)
    {
        var endpoints = watched.Topology.Endpoints;
        return new
        {
            Mode = "passive",
            Clean = watched.IsClean,
            Started = watched.Started,
            Seconds = Math.Round(watched.Duration.TotalSeconds, 3),
            watched.FramesSeen,
            Findings = watched.Findings.Select(f => new
            {
                Kind = FindingKinds.Name(f.Kind),
                Vnic = endpoints[f.Endpoint].Name,
                Direction = f.Outbound ? "sent" : "received",
                Sender = f.Sender >= 0 ? endpoints[f.Sender].Name : null,
                f.Source,
                Allowed = f.Expected,
                f.Count,
            }),
            watched.Notes,
        };
    }
}
