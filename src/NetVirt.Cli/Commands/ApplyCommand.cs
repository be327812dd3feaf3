using System.CommandLine;
using NetVirt.Audit.Runs;
using NetVirt.Audit.Verdicts;
using NetVirt.Cli.Output;
using NetVirt.Cli.Services;
using NetVirt.Documents;
using NetVirt.Model.Validation;
using NetVirt.Reconciliation.Auditing;
using NetVirt.Store;
using NetVirt.Store.DesiredState;

namespace NetVirt.Cli.Commands;

/// <summary>
/// <c>netvirt apply -f FILE…</c>: stores the documents as the desired state (allocating MACs and addresses), then
/// reconciles the host unless <c>--store-only</c>.
/// </summary>
public static class ApplyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var files = CommonOptions.Files(required: false);
        var storeOnly = new Option<bool>("--store-only") { Description = "Store the desired state without touching the host" };
        var autoApprove = new Option<bool>("--auto-approve") { Description = "Apply without asking (for scripts)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the plan and the MACs and addresses it would allocate; store nothing, change nothing" };
        var allowEmpty = new Option<bool>("--allow-empty") { Description = "Let empty documents replace a desired state that is not empty (removes every zone and network and releases every address)" };
        var keepGoing = new Option<bool>("--keep-going") { Description = "Continue after a failed step instead of rolling back this run" };
        var verify = new Option<bool>("--verify") { Description = "Audit after applying; on a LEAK, SPOOF_PASSED or VLAN_HOP roll the run back and restore the previous desired state" };
        var reportDir = new Option<string?>("--report-dir") { Description = "With --verify: folder for the audit's reports (default: ./netvirt-audit-<UTC time>)" };
        var savedPlan = new Argument<string?>("plan-file") { Description = "A plan saved with 'netvirt plan --out FILE': apply exactly it (refused when the desired state or the host has changed since)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("apply", """
            Store documents as the desired state and reconcile the host, or apply a saved plan

            Examples:
              netvirt apply -f network.yaml                 # store, show the plan, ask, apply
              netvirt apply -f network.yaml --auto-approve --verify
              netvirt plan --out tonight.plan && netvirt apply tonight.plan
            """)
        {
            files, storeOnly, autoApprove, dryRun, keepGoing, verify, reportDir, allowEmpty, savedPlan,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var paths = result.GetValue(files) ?? [];
            // A dry run of documents plans from scratch where the host cannot be observed (an illumos plan written on Linux).
            if (!result.GetValue(storeOnly) && !(result.GetValue(dryRun) && paths.Length > 0))
            {
                context.RequireHost("apply");
            }

            if (result.GetValue(savedPlan) is { } planFile)
            {
                if (paths.Length > 0 || result.GetValue(storeOnly) || result.GetValue(verify) || result.GetValue(dryRun) || context.Server is not null)
                {
                    throw new Model.Errors.InvalidInputException("a saved plan is applied as it is, on this host: give it without -f, --store-only, --verify, --dry-run or --server");
                }

                return await ApplySavedAsync(context, planFile, result.GetValue(keepGoing), cancellationToken);
            }

            if (result.GetValue(verify) && (result.GetValue(storeOnly) || result.GetValue(dryRun)))
            {
                throw new Model.Errors.InvalidInputException("--verify audits what apply builds on the host; it cannot be combined with --store-only or --dry-run");
            }

            // A plain apply of documents reads the host while it parses and stores them (--dry-run and --verify plan
            // their own way, --store-only does not plan).
            await using var ahead = new ReadingAhead(paths.Length > 0 && !result.GetValue(dryRun) && !result.GetValue(verify) && !result.GetValue(storeOnly)
                ? Task.Run(() => context.Service.ObserveAheadAsync(cancellationToken), cancellationToken)
                : null);
            LoadResult? loaded = null;
            IReadOnlyList<ValidationError> warnings = [];
            // Documents that are the ones stored last, with nothing changed since, are not parsed, validated or stored
            // again: storing them would change nothing (the digest covers their texts, the target and this build).
            string? digest = null;
            long? unchanged = null;
            if (paths.Length > 0)
            {
                DocumentFiles files;
                using (Backends.Execution.Phases.Start("read documents"))
                {
                    files = DocumentLoader.ReadFiles(paths);
                }

                if (files.Unreadable.Count == 0 && !result.GetValue(dryRun) && !result.GetValue(verify))
                {
                    digest = DocumentDigest.Of(files.Sources, DigestContext(context));
                    await ahead.ReadyAsync();
                    unchanged = await context.Service.UnchangedDocumentsAsync(digest, cancellationToken);
                }

                if (unchanged is null)
                {
                    using (Backends.Execution.Phases.Start("parse documents"))
                    {
                        loaded = DocumentLoader.Load(files);
                    }

                    IReadOnlyList<ValidationError> errors;
                    using (Backends.Execution.Phases.Start("validate"))
                    {
                        errors = await context.Service.ValidateAsync(loaded, cancellationToken);
                    }

                    if (errors.Count > 0)
                    {
                        ErrorPrinter.Print(stderr, errors, loaded.Map);
                        return ExitCodes.InvalidInput;
                    }

                    warnings = ModelValidator.Warnings(loaded.Model);
                    ErrorPrinter.PrintWarnings(stderr, warnings, loaded.Map);
                    if (result.GetValue(dryRun))
                    {
                        // Nothing is stored: the documents are allocated in a transaction that is rolled back and planned
                        // as they would be (over --server, by the server, never queued as a change for its reconcile service).
                        try
                        {
                            var (preview, allocations) = await context.Service.PreviewAsync(loaded.Model, result.GetValue(allowEmpty), cancellationToken);
                            return FinishDryRun(context, preview, allocations);
                        }
                        catch (ModelValidationException ex)
                        {
                            ErrorPrinter.Print(stderr, ex.Errors, loaded.Map);
                            return ExitCodes.InvalidInput;
                        }
                    }
                }
            }
            else if (result.GetValue(storeOnly))
            {
                throw new Model.Errors.InvalidInputException("--store-only needs documents to store: give them with -f FILE");
            }

            // --verify audits the host before anything changes (the baseline: breaches already there are not this run's),
            // and restores this state when the run introduces a breach; the auditor is checked before anything changes.
            VerifiedApply? verified = null;
            VerifyBaseline? baseline = null;
            StoredState? previous = null;
            if (result.GetValue(verify))
            {
                var store = loaded is null ? context.Store : context.WritableStore;
                previous = store.Load();
                var auditor = AuditCommand.AuditorFactory(context);
                var reconciler = await context.ReconcilerAsync(cancellationToken);
                verified = new VerifiedApply(reconciler, store, ct => AuditCommand.WithProgressAsync(context, "auditing", p => auditor.RunAsync(AuditOptions.Default, p, ct)));
                baseline = await verified.BaselineAsync(cancellationToken);
            }

            if (loaded is not null)
            {
                await ahead.ReadyAsync();
                // Applied without asking: the backend may start the plan's invisible work while the documents are stored.
                if (result.GetValue(autoApprove) && !result.GetValue(storeOnly) && verified is null && loaded.Model.Hosts.IsEmpty)
                {
                    ahead.Keep(await context.Service.AnticipateAsync(loaded.Model, cancellationToken));
                }

                WriteOutcome outcome;
                try
                {
                    using var storing = Backends.Execution.Phases.Start("store");
                    outcome = await context.Service.StoreAsync(loaded.Model, result.GetValue(allowEmpty), cancellationToken);
                }
                catch (ModelValidationException ex)
                {
                    ErrorPrinter.Print(stderr, ex.Errors, loaded.Map);
                    return ExitCodes.InvalidInput;
                }

                context.Info(outcome.Changed
                    ? $"stored desired state generation {outcome.Generation} in {context.Where}"
                    : $"desired state unchanged (generation {outcome.Generation})");
                // Only documents whose re-apply prints nothing that skipping them would hide: no warnings, one host.
                if (digest is not null && warnings.Count == 0 && loaded.Model.Hosts.IsEmpty)
                {
                    await context.Service.RecordDocumentsAsync(digest, outcome.Generation, cancellationToken);
                }
            }
            else if (unchanged is { } generation)
            {
                context.Info($"desired state unchanged (generation {generation})");
            }

            if (result.GetValue(storeOnly))
            {
                return ExitCodes.Ok;
            }

            if (loaded is not null && !loaded.Model.Hosts.IsEmpty && !result.GetValue(dryRun))
            {
                // Many hosts: no host is this one; each host's agent applies its slice.
                context.Info($"the desired state has {loaded.Model.Hosts.Count} host(s): each one's agent ('netvirt agent --server URL --host NAME') applies its slice; 'netvirt show hosts' shows how far they are");
                return ExitCodes.Ok;
            }

            var options = new Backends.Execution.ApplyOptions { KeepGoing = result.GetValue(keepGoing), Trigger = "cli" };
            var approve = Approval.Ask(context, result.GetValue(autoApprove), result.GetValue(dryRun), "apply");
            if (verified is not null)
            {
                // --verify audits this host from this process (capture needs the host's namespaces), so it runs locally.
                var reconciler = await context.ReconcilerAsync(cancellationToken);
                var outcome = await verified.RunAsync(previous!, baseline!, context.Target, options, p => approve(PlanOutcome.From(p, reconciler.Backend)), cancellationToken);
                return FinishVerified(context, outcome, reconciler.Backend, result.GetValue(reportDir));
            }

            var (plan, run) = await context.Service.ApplyAsync(options, destroy: false, approve, cancellationToken);
            return Finish(context, plan, run, result.GetValue(dryRun));
        });
        return command;
    }

    /// <summary>
    /// What decides what storing documents does besides their texts: the host target, and the code that reads,
    /// validates and stores them (each assembly's module version id, which changes with its code).
    /// </summary>
    private static string DigestContext(CliContext context) => string.Join(
        '|',
        context.Target,
        typeof(DocumentLoader).Assembly.ManifestModule.ModuleVersionId,
        typeof(ModelValidator).Assembly.ManifestModule.ModuleVersionId,
        typeof(NetVirtStore).Assembly.ManifestModule.ModuleVersionId);

    /// <summary>
    /// Applies a plan saved by <c>plan --out</c>: under the apply lock the host is observed again and the plan is run
    /// only when the generation, the desired objects, the observed host and so the steps are those saved. It was
    /// reviewed when saved, so nothing is asked.
    /// </summary>
    private static async Task<int> ApplySavedAsync(CliContext context, string file, bool keepGoing, CancellationToken cancellationToken)
    {
        var saved = Plans.SavedPlan.Read(file);
        var reconciler = await context.ReconcilerAsync(cancellationToken);
        string? refusal = null;
        var (plan, report) = await reconciler.ApplyAsync(new Backends.Execution.ApplyOptions { KeepGoing = keepGoing, Trigger = "cli saved-plan" }, now =>
        {
            refusal = saved.Refusal(now, context.BackendOptions.Prefix);
            if (refusal is null && !now.Plan.Steps.IsEmpty)
            {
                context.Info($"Applying the saved plan {file} (generation {now.Generation}, {now.Plan.Summary}).");
            }

            return refusal is null;
        }, cancellationToken);
        // Nothing ran (no steps now, or problems): the plan still has to be the one saved, or the host moved.
        refusal ??= report is null ? saved.Refusal(plan, context.BackendOptions.Prefix) : null;
        if (refusal is not null)
        {
            throw new Model.Errors.ConcurrencyConflictException($"refusing the saved plan {file}: {refusal}; nothing was changed");
        }

        if (plan.Plan.Steps.IsEmpty)
        {
            context.Info($"The saved plan {file} has nothing to do: the host matches generation {plan.Generation}.");
        }

        return Finish(context, PlanOutcome.From(plan, reconciler.Backend), report is null ? null : RunSummary.From(report), dryRun: false);
    }

    /// <summary>
    /// Reports an <c>apply -f FILE --dry-run</c>: the plan and the MACs and addresses storing the documents would hand out
    /// or release. Nothing was stored. Exit 0, or 1 when the plan has problems that would block the apply.
    /// </summary>
    public static int FinishDryRun(CliContext context, PlanOutcome plan, IReadOnlyList<Api.Views.AllocationView> allocations)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(allocations);
        if (context.Json)
        {
            context.WriteJson(new
            {
                DryRun = true,
                plan.Generation,
                plan.Target,
                Summary = plan.Plan.Summary,
                Problems = plan.Plan.Problems.Select(p => new { p.Subject, p.Message }),
                Plan = System.Text.Json.Nodes.JsonNode.Parse(Planning.Plans.PlanJson.ToJson(plan.Plan, plan.Commands)),
                Allocations = allocations,
            });
        }
        else
        {
            PlanPrinter.Print(context.Stdout, plan, showCommands: false, PlanDetail.Auto, context.Color);
            PlanPrinter.PrintAllocations(context.Stdout, allocations);
            context.Stdout.WriteLine("Dry run: nothing was stored and nothing was changed on the host.");
        }

        return plan.Plan.Problems.IsEmpty ? ExitCodes.Ok : ExitCodes.Failure;
    }

    /// <summary>
    /// Reports an <c>apply --verify</c>: the apply, the audits before and after, and the rollback with its reason when
    /// the run introduced an isolation breach. Breaches that were there before the run are reported and kept. Exit 0
    /// when kept and clean, 4 when rolled back or when findings remain (1 when the rollback itself failed).
    /// </summary>
    public static int FinishVerified(CliContext context, VerifiedApplyOutcome outcome, Backends.Execution.IHostBackend backend, string? reportDir)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(outcome);
        var applyExit = Finish(context, PlanOutcome.From(outcome.Plan, backend), outcome.Apply is { } report ? RunSummary.From(report) : null, dryRun: false);
        if (outcome.Audit is not { } audit)
        {
            return applyExit;
        }

        var reports = AuditCommand.Write(audit, reportDir);
        AuditCommand.Report(context, audit, reports);
        var out_ = context.Json ? context.Stderr : context.Stdout;
        var endpoints = audit.Topology.Endpoints;
        string Describe(AuditFinding f) => $"{FindingKinds.Name(f.Kind)} {endpoints[f.Source].Name}" + (f.Receiver >= 0 ? $" -> {endpoints[f.Receiver].Name}" : "") + $" ({f.Expected}; observed {f.Observed})";
        if (outcome.Baseline?.Unavailable is { } why)
        {
            out_.WriteLine($"verify: no audit could run before this run ({why}); every isolation breach found after it counts as its own.");
        }

        if (outcome.PreExisting.Count > 0)
        {
            out_.WriteLine($"verify: {outcome.PreExisting.Count} isolation breach(es) were already there before this run, first {Describe(outcome.PreExisting[0])}; " +
                "this run did not introduce them and rolling it back would not remove them, so they are reported, not rolled back: fix them ('netvirt drift' may show the cause).");
        }

        if (outcome.Rollback is not { } rollback)
        {
            out_.WriteLine(audit.IsClean
                ? "verify: the audit is clean; the applied state stays."
                : outcome.PreExisting.Count > 0
                ? "verify: this run introduced no isolation breach; the applied state stays."
                : "verify: the audit found no isolation breach (LEAK, SPOOF_PASSED, VLAN_HOP); the applied state stays, but see the findings above.");
            return audit.IsClean ? ExitCodes.Ok : ExitCodes.Findings;
        }

        var introduced = outcome.Introduced;
        var causeOf = FindingCauses.CauseOfEach(audit.Causes, audit.Findings.Count);
        var all = audit.Findings.ToList();
        var causes = introduced.Select(f => all.IndexOf(f)).Where(i => i >= 0 && causeOf[i] >= 0).Select(i => audit.Causes[causeOf[i]].Title).Distinct(StringComparer.Ordinal).ToList();
        out_.WriteLine($"verify: ROLLED BACK: this run introduced {introduced.Count} isolation breach(es) that the audit before it did not find, first {Describe(introduced[0])}."
            + (causes.Count > 0 ? $" Likely cause{(causes.Count == 1 ? "" : "s")}: {string.Join("; ", causes)}." : ""));
        out_.WriteLine(rollback.Undo is { } undo
            ? $"verify: undid {undo.Executions.Count} step(s) of run {outcome.Apply!.RunId} (undo run {undo.RunId}: {undo.Outcome.ToString().ToLowerInvariant()})."
            : "verify: this apply changed nothing on the host; nothing to undo there.");
        out_.WriteLine($"verify: restored the desired state of generation {rollback.PreviousGeneration}"
            + (rollback.Restored.Changed ? $" (stored as generation {rollback.Restored.Generation})" : " (unchanged)")
            + (rollback.Reconcile is { } again ? $"; reconciled the host to it (run {again.RunId}: {again.Outcome.ToString().ToLowerInvariant()})." : "; the host already matched it."));
        return rollback.Succeeded ? ExitCodes.Findings : ExitCodes.Failure;
    }

    /// <summary>Reports how an apply (or destroy) went and picks the exit code.</summary>
    public static int Finish(CliContext context, PlanOutcome plan, RunSummary? run, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(plan);
        // The approval shows the plan only when there is something to approve: say why nothing ran otherwise.
        if (run is null && !context.Json && (!plan.Plan.Problems.IsEmpty || (plan.Plan.Steps.IsEmpty && !context.Quiet)))
        {
            PlanPrinter.Print(context.Stdout, plan, showCommands: false, PlanDetail.Auto, context.Color);
        }

        if (context.Json)
        {
            context.WriteJson(new
            {
                plan.Generation,
                plan.Target,
                Summary = plan.Plan.Summary,
                Problems = plan.Plan.Problems.Select(p => new { p.Subject, p.Message }),
                Run = run is null ? null : new { run.RunId, run.Outcome, run.Error, run.Seconds },
            });
        }
        else if (run is not null && (!context.Quiet || !run.Succeeded))
        {
            PlanPrinter.PrintReport(context.Stdout, run);
        }

        // A failure always says why on stderr too, where scripts and `-q` look (the plan and the report are on stdout).
        if (!plan.Plan.Problems.IsEmpty)
        {
            var first = plan.Plan.Problems[0];
            context.Stderr.WriteLine($"netvirt: the plan has {plan.Plan.Problems.Count} problem(s) and nothing was changed; the first: {first.Subject}: {first.Message}");
            return ExitCodes.Failure;
        }

        if (run is { Succeeded: false })
        {
            context.Stderr.WriteLine($"netvirt: run {run.RunId} {run.Outcome}: {run.Error ?? "see 'netvirt history " + run.RunId + "'"}");
        }

        if (run is null)
        {
            if (!dryRun && !plan.Plan.Steps.IsEmpty && !context.Json)
            {
                context.Info("Nothing was changed.");
            }

            return ExitCodes.Ok;
        }

        return run.Succeeded ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
