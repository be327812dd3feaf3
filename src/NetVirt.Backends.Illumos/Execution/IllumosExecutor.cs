using System.Diagnostics;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Illumos.Commands;
using NetVirt.Backends.Illumos.Observation;
using NetVirt.Backends.Illumos.Parsing;
using NetVirt.Backends.Illumos.Resources;
using NetVirt.Model.Collections;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;

namespace NetVirt.Backends.Illumos.Execution;

/// <summary>
/// Runs plan steps one command at a time, in order. Idempotent: a create that finds its object already there, or a
/// delete that finds it gone, is not an error as such; the object is then checked (kind, lower link, MAC, VLAN,
/// address) and the step fails only when it is not what the plan wants.
/// </summary>
internal sealed class IllumosExecutor(ICommandRunner runner, IllumosNaming naming, StepTranslator translator)
{
    public async Task<IReadOnlyList<StepExecution>> ExecuteAsync(IReadOnlyList<PlanStep> batch, CancellationToken cancellationToken)
    {
        var results = new List<StepExecution>(batch.Count);
        foreach (var step in batch)
        {
            results.Add(await ExecuteStepAsync(step, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    private async Task<StepExecution> ExecuteStepAsync(PlanStep step, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var records = new List<CommandRecord>();
        var noOp = false;
        foreach (var command in translator.Translate(step))
        {
            var result = await RunAsync(command.Spec, records, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                continue;
            }

            string? error;
            if (Tolerated(command.Tolerance, result))
            {
                // The object was already there (or already gone): this run did not make it, so rollback leaves it.
                error = await VerifyAsync(step, command.Tolerance, records, cancellationToken).ConfigureAwait(false);
                noOp = error is null;
            }
            else
            {
                error = Failure(step, result);
            }

            if (error is not null)
            {
                return StepExecution.Failure(step, error, stopwatch.Elapsed, [.. records]);
            }
        }

        return StepExecution.Success(step, stopwatch.Elapsed, [.. records]) with { NoOp = noOp };
    }

    private async Task<CommandResult> RunAsync(CommandSpec spec, List<CommandRecord> records, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(spec, cancellationToken).ConfigureAwait(false);
        records.Add(new CommandRecord(spec.Argv.ToEquatableArray(), result.ExitCode, result.Stderr, result.Duration));
        return result;
    }

    /// <summary>The texts of the reference's error catalogue that mean "already there" and "already gone".</summary>
    internal static bool Tolerated(Tolerance tolerance, CommandResult result)
    {
        // ipadm writes the message to stderr but its newline to stdout; route prints its messages on stdout.
        var text = result.Stderr + "\n" + result.Stdout;
        return tolerance switch
        {
            Tolerance.Exists => text.Contains("object already exists", StringComparison.Ordinal)
                || text.Contains("Interface already exists", StringComparison.Ordinal)
                || text.Contains("Address object already exists", StringComparison.Ordinal)
                || text.Contains("entry exists", StringComparison.Ordinal),
            Tolerance.Missing => text.Contains("invalid link name", StringComparison.Ordinal)
                || text.Contains("object not found", StringComparison.Ordinal)
                || text.Contains("Interface does not exist", StringComparison.Ordinal)
                || text.Contains("Object not found", StringComparison.Ordinal)
                || text.Contains("not in table", StringComparison.Ordinal),
            _ => false,
        };
    }

    /// <summary>Checks the object a tolerated failure left in place (or gone); returns an error, or null when it is right.</summary>
    private async Task<string?> VerifyAsync(PlanStep step, Tolerance tolerance, List<CommandRecord> records, CancellationToken cancellationToken)
    {
        var r = step.Resource;
        switch (r.Kind.Name, tolerance)
        {
            case ("etherstub", Tolerance.Exists):
            {
                var result = await RunAsync(IllumosCommands.ShowLinkClass(r.Name), records, cancellationToken).ConfigureAwait(false);
                var linkClass = result.Stdout.Trim();
                return result.Succeeded && linkClass == "etherstub" ? null : $"{Operation(step)}: '{r.Name}' already exists as a {(linkClass.Length > 0 ? linkClass : "link")}, not an etherstub";
            }

            case ("etherstub", Tolerance.Missing):
            {
                var links = await ReadAsync(IllumosCommands.ShowLink(), records, cancellationToken).ConfigureAwait(false);
                return links is null ? $"{Operation(step)}: cannot list links to confirm '{r.Name}' is gone"
                    : DladmParser.ParseShowLink(links).Any(l => l.Link == r.Name) ? $"{Operation(step)}: dladm says '{r.Name}' does not exist, yet it is listed" : null;
            }

            case ("vnic", _):
                return await VerifyVnicAsync(step, tolerance, records, cancellationToken).ConfigureAwait(false);

            case ("addrobj", Tolerance.Exists):
            {
                var (zone, ipInterface, tag) = ResourceNames.SplitAddrObj(r.Name);
                var text = await ReadAsync(IllumosCommands.ShowOneAddr(ResourceNames.NonGlobal(zone), $"{ipInterface}/{tag}"), records, cancellationToken).ConfigureAwait(false);
                if (text is null)
                {
                    return $"{Operation(step)}: ipadm says the address object exists but cannot show it";
                }

                var (type, address) = IpadmParser.ParseShowOneAddr(text);
                var wantAddress = r.Properties[IllumosProperties.Address];
                return type != r.Properties[IllumosProperties.Type] || (wantAddress is not null && IllumosValues.ParseAddress(address) != wantAddress)
                    ? $"{Operation(step)}: {ipInterface}/{tag} already exists as {type} {address}, not {r.Properties[IllumosProperties.Type]} {wantAddress}"
                    : null;
            }

            case ("route", Tolerance.Exists):
            {
                var (zone, destination) = ResourceNames.SplitRoute(r.Name);
                var text = await ReadAsync(IllumosCommands.ShowRoutes(ResourceNames.NonGlobal(zone)), records, cancellationToken).ConfigureAwait(false);
                var existing = text is null ? null : NetstatParser.ParseRoutes(text).FirstOrDefault(x => x.IsGatewayRoute && x.Destination == destination);
                return existing?.Gateway.ToString() == r.Properties[IllumosProperties.Gateway]
                    ? null
                    : $"{Operation(step)}: a route to {destination} already exists via {existing?.Gateway.ToString() ?? "another gateway"}";
            }

            default:
                // An IP interface that exists is the interface wanted (it is named after its link); an address object
                // or route that is gone is what a delete wants.
                return null;
        }
    }

    private async Task<string?> VerifyVnicAsync(PlanStep step, Tolerance tolerance, List<CommandRecord> records, CancellationToken cancellationToken)
    {
        var r = step.Resource;
        var (zone, link) = ResourceNames.SplitLink(r.Name);
        var text = await ReadAsync(IllumosCommands.ShowVnic(naming.Variant), records, cancellationToken).ConfigureAwait(false);
        if (text is null)
        {
            return $"{Operation(step)}: cannot list VNICs to check '{link}'";
        }

        // Upstream show-vnic has no zone column; NetVirt's upstream names are unique host-wide, so the name suffices.
        var found = DladmParser.ParseShowVnic(text, naming.Variant == IllumosVariant.SmartOs)
            .FirstOrDefault(v => v.Link == link && (v.Zone is null || v.Zone == zone));
        if (tolerance == Tolerance.Missing)
        {
            return found is null ? null : $"{Operation(step)}: '{link}' is still there{UpstreamZoneHint(zone)}";
        }

        if (found is null)
        {
            return $"{Operation(step)}: dladm says '{link}' exists, but not in zone '{zone}'";
        }

        var want = (Over: r.Properties[IllumosProperties.Over], Vlan: r.Properties[IllumosProperties.Vlan], Mac: r.Properties[IllumosProperties.Mac]);
        var have = (Over: found.Over, Vlan: IllumosValues.Integer(found.Vid), Mac: IllumosValues.ParseMac(found.MacAddress));
        if (want.Over != have.Over || want.Vlan != have.Vlan || (want.Mac is not null && want.Mac != have.Mac))
        {
            return $"{Operation(step)}: '{link}' already exists over {have.Over} VLAN {have.Vlan} MAC {have.Mac}, not over {want.Over} VLAN {want.Vlan} MAC {want.Mac ?? "(any)"}";
        }

        // The VNIC is the right one; bring link properties that differ to the wanted values.
        var propsText = await ReadAsync(IllumosCommands.ShowLinkProp(naming.Variant), records, cancellationToken).ConfigureAwait(false);
        if (propsText is null)
        {
            return $"{Operation(step)}: cannot read the link properties of '{link}'";
        }

        var observed = DladmParser.ParseShowLinkProp(propsText, IllumosCommands.LinkProperties(naming.Variant))
            .FirstOrDefault(p => p.Link == link && (naming.Variant != IllumosVariant.SmartOs || p.Zone == zone));
        var changes = IllumosObservation.LinkPropertyValues(observed, naming.Variant)
            .Where(p => r.Properties[p.Name] is { } want && want != p.Value)
            .Select(p => new PropertyChange(p.Name, p.Value, r.Properties[p.Name]))
            .ToList();
        if (changes.Count > 0 && naming.Variant == IllumosVariant.Illumos && ResourceNames.NonGlobal(zone) is not null)
        {
            return $"{Operation(step)}: '{link}' exists with {string.Join(", ", changes)}{UpstreamZoneHint(zone)}";
        }

        foreach (var command in StepTranslator.LinkPropertyChanges(link, translator.ZoneOption(zone), changes))
        {
            var result = await RunAsync(command.Spec, records, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return Failure(step, result);
            }
        }

        return null;
    }

    private async Task<string?> ReadAsync(CommandSpec spec, List<CommandRecord> records, CancellationToken cancellationToken)
    {
        var result = await RunAsync(spec, records, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result.Stdout : null;
    }

    private string Failure(PlanStep step, CommandResult result)
    {
        var detail = string.IsNullOrWhiteSpace(result.Stderr) ? result.Stdout.Trim() : result.Stderr.Trim();
        var hint = step.Resource.Kind.Name == "vnic" && step.Action != StepAction.Create ? UpstreamZoneHint(ResourceNames.SplitLink(step.Resource.Name).Zone) : "";
        return $"{Operation(step)} failed (exit {result.ExitCode}): {(detail.Length > 0 ? detail : "no error output")}{hint} [{result.Command}]";
    }

    private string UpstreamZoneHint(string zone) =>
        naming.Variant == IllumosVariant.Illumos && ResourceNames.NonGlobal(zone) is { } z
            ? $" (upstream illumos cannot name a link that running zone '{z}' holds from the global zone; halt the zone, whose transient VNICs then go away, and apply again)"
            : "";

    private static string Operation(PlanStep step) => $"{step.Action.ToString().ToLowerInvariant()} {step.Resource}";
}
