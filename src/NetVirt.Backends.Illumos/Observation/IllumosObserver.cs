using NetVirt.Backends.Commands;
using NetVirt.Backends.Illumos.Commands;
using NetVirt.Backends.Illumos.Parsing;
using NetVirt.Backends.Illumos.Resources;
using NetVirt.Model.Errors;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Illumos.Observation;

/// <summary>Reads the host through the command runner: global-zone datalinks and IP, zones, and the IP stacks of zones holding NetVirt VNICs.</summary>
internal sealed class IllumosObserver(ICommandRunner runner, IllumosNaming naming)
{
    public async Task<HostState> ObserveAsync(CancellationToken cancellationToken)
    {
        var variant = naming.Variant;
        var observed = new IllumosObserved
        {
            Links = DladmParser.ParseShowLink(await RunAsync(IllumosCommands.ShowLink(), "read datalinks", cancellationToken).ConfigureAwait(false)),
            Vnics = DladmParser.ParseShowVnic(
                await RunAsync(IllumosCommands.ShowVnic(variant), "read VNICs", cancellationToken).ConfigureAwait(false), variant == IllumosVariant.SmartOs),
            LinkProperties = DladmParser.ParseShowLinkProp(
                await RunAsync(IllumosCommands.ShowLinkProp(variant), "read link properties", cancellationToken, partialOk: true).ConfigureAwait(false),
                IllumosCommands.LinkProperties(variant)),
            Zones = ZoneadmParser.ParseList(await RunAsync(IllumosCommands.ListZones(), "list zones", cancellationToken).ConfigureAwait(false)),
        };

        var stacks = new Dictionary<string, ZoneIpObserved>(StringComparer.Ordinal)
        {
            [IllumosNaming.GlobalZone] = await ReadIpStackAsync(null, cancellationToken).ConfigureAwait(false) ?? ZoneIpObserved.Empty,
        };
        foreach (var zone in IllumosObservation.ZonesToInspect(naming, observed))
        {
            if (await ReadIpStackAsync(zone, cancellationToken).ConfigureAwait(false) is { } stack)
            {
                stacks[zone] = stack;
            }
        }

        return IllumosObservation.Build(naming, observed with { IpStacks = stacks });
    }

    /// <summary>Interfaces, addresses and (in a zone) routes; null when the zone stopped running since it was listed.</summary>
    private async Task<ZoneIpObserved?> ReadIpStackAsync(string? zone, CancellationToken cancellationToken)
    {
        var where = zone is null ? "the global zone" : $"zone '{zone}'";
        var interfaces = await TryRunAsync(IllumosCommands.ShowIf(zone), $"read IP interfaces of {where}", cancellationToken).ConfigureAwait(false);
        if (interfaces is null)
        {
            return null;
        }

        var addresses = await RunAsync(IllumosCommands.ShowAddr(zone), $"read addresses of {where}", cancellationToken).ConfigureAwait(false);
        var routes = zone is null ? "" : await RunAsync(IllumosCommands.ShowRoutes(zone), $"read routes of {where}", cancellationToken).ConfigureAwait(false);
        return new ZoneIpObserved(IpadmParser.ParseShowIf(interfaces), IpadmParser.ParseShowAddr(addresses), NetstatParser.ParseRoutes(routes));
    }

    private async Task<string?> TryRunAsync(CommandSpec command, string operation, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return result.Stdout;
        }

        // zlogin refuses zones that are not running: the zone halted after it was listed, so it holds nothing now.
        if (command.Executable == IllumosTools.Zlogin && result.Stderr.Contains("running zones", StringComparison.Ordinal))
        {
            return null;
        }

        throw new CommandFailedException(operation, result.Command.Argv, result.ExitCode, result.Stdout, result.Stderr);
    }

    private async Task<string> RunAsync(CommandSpec command, string operation, CancellationToken cancellationToken, bool partialOk = false)
    {
        var result = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);

        // show-linkprop exits 1 when a property could not be read for some link, yet prints every row ('?' as value).
        if (result.Succeeded || (partialOk && result.Stdout.Length > 0))
        {
            return result.Stdout;
        }

        throw new CommandFailedException(operation, result.Command.Argv, result.ExitCode, result.Stdout, result.Stderr);
    }
}
