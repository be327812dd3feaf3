using System.CommandLine;
using System.Globalization;
using NetVirt.Api.Views;

namespace NetVirt.Cli.Commands;

/// <summary><c>netvirt show networks|zones|vnics|addresses</c>: the stored desired state with what IPAM resolved.</summary>
public static class ShowCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var what = new Argument<string>("what") { Description = "hosts, etherstubs, networks, pools, zones, vnics, addresses or topology" };
        what.AcceptOnlyFromAmong("hosts", "etherstubs", "networks", "pools", "zones", "vnics", "addresses", "topology");
        var format = new Option<string>("--format") { Description = "For topology: text (a tree), dot (Graphviz), mermaid or svg", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong([.. Api.Views.Topology.TopologyFormats.Names]);
        var command = new Command("show", """
            Show the stored desired state (with allocated MACs and addresses), or the topology as a picture

            Examples:
              netvirt show vnics
              netvirt show hosts --server http://10.0.0.1:8470
              netvirt show topology --format svg > topology.svg
              netvirt show topology --format dot | dot -Tpng > topology.png
            """) { what, format };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            if (result.GetValue(what) == "hosts")
            {
                ShowHosts(context, await context.Service.HostsAsync(cancellationToken));
                return ExitCodes.Ok;
            }

            if (result.GetValue(what) == "topology")
            {
                Output.TopologyPrinter.Print(context, await context.Service.TopologyAsync(cancellationToken), result.GetValue(format)!);
                return ExitCodes.Ok;
            }

            var state = await context.Service.LoadAsync(cancellationToken);
            var model = state.Resolved;
            switch (result.GetValue(what))
            {
                case "etherstubs":
                    ShowSwitches(context, model);
                    break;
                case "pools":
                    ShowPools(context, model);
                    break;
                case "networks":
                    ShowNetworks(context, StateViews.Networks(model));
                    break;
                case "zones":
                    ShowZones(context, StateViews.Zones(model));
                    break;
                case "vnics":
                    ShowVnics(context, StateViews.Vnics(model));
                    break;
                default:
                    ShowAddresses(context, StateViews.AddressObjects(model));
                    break;
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void ShowNetworks(CliContext context, IReadOnlyList<NetworkView> rows)
    {
        if (context.Json)
        {
            context.WriteJson(rows);
            return;
        }

        var table = NewTable("NETWORK", "TENANT", "OVER", "VLAN", "MTU", "IPV4", "GATEWAY", "IPV6", "GATEWAY6", "VNICS");
        foreach (var r in rows)
        {
            table.AddRow(Cells(r.Name, r.Tenant, r.Over, r.Vlan == 0 ? "untagged" : r.Vlan.ToString(CultureInfo.InvariantCulture), r.Mtu.ToString(CultureInfo.InvariantCulture),
                r.Ipv4, r.Gateway4, r.Ipv6, r.Gateway6, r.Vnics.ToString(CultureInfo.InvariantCulture)));
        }

        context.Console.Write(table);
    }

    private static void ShowSwitches(CliContext context, Model.Spec.NetworkModel model)
    {
        var rows = model.Etherstubs.Select(e => new SwitchView(e.Name, "etherstub", e.EffectiveMtu, model.Networks.Count(n => n.Over == e.Name), e.Description))
            .Concat(model.Links.Select(l => new SwitchView(l.Name, "link", l.EffectiveMtu, model.Networks.Count(n => n.Over == l.Name), l.Description))).ToList();
        if (context.Json)
        {
            context.WriteJson(rows);
            return;
        }

        var table = NewTable("NAME", "KIND", "MTU", "NETWORKS", "DESCRIPTION");
        foreach (var r in rows)
        {
            table.AddRow(Cells(r.Name, r.Kind, r.Mtu.ToString(CultureInfo.InvariantCulture), r.Networks.ToString(CultureInfo.InvariantCulture), r.Description));
        }

        context.Console.Write(table);
    }

    private static void ShowHosts(CliContext context, IReadOnlyList<Api.Endpoints.HostView> rows)
    {
        if (context.Json)
        {
            context.WriteJson(rows);
            return;
        }

        var table = NewTable("HOST", "ADDRESS", "ZONES", "AGENT", "GENERATION", "CONVERGED", "HEARTBEAT", "RESTARTS", "LABELS");
        foreach (var r in rows)
        {
            var agent = r.Agent;
            table.AddRow(Cells(r.Name, r.Address, r.Zones.ToString(CultureInfo.InvariantCulture), agent?.State ?? "no agent yet",
                agent?.Generation?.ToString(CultureInfo.InvariantCulture), agent is null ? null : agent.Converged == true ? "yes" : "no",
                agent is null ? null : $"{agent.HeartbeatAgeSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s ago",
                agent?.Restarts.ToString(CultureInfo.InvariantCulture), string.Join(", ", r.Labels.Select(l => $"{l.Key}={l.Value}"))));
        }

        context.Console.Write(table);
    }

    private static void ShowPools(CliContext context, Model.Spec.NetworkModel model)
    {
        var rows = model.Pools.Select(p => new PoolView(p.Name, [.. p.Networks], model.Zones.Sum(z => z.Vnics.Count(v => v.Pool == p.Name)), p.Description)).ToList();
        if (context.Json)
        {
            context.WriteJson(rows);
            return;
        }

        var table = NewTable("POOL", "NETWORKS", "VNICS", "DESCRIPTION");
        foreach (var r in rows)
        {
            table.AddRow(Cells(r.Name, string.Join(", ", r.Networks), r.Vnics.ToString(CultureInfo.InvariantCulture), r.Description));
        }

        context.Console.Write(table);
    }

    private static void ShowZones(CliContext context, IReadOnlyList<ZoneView> rows)
    {
        if (context.Json)
        {
            context.WriteJson(rows);
            return;
        }

        // Containers (attached through CNI) are marked with their runtime's id; their labels stand in the description.
        var table = NewTable("ZONE", "KIND", "VNICS", "NETWORKS", "ROUTES", "DESCRIPTION");
        foreach (var r in rows)
        {
            var kind = r.Container is { } id ? $"container {(id.Length > 12 && id.All(char.IsAsciiHexDigit) ? id[..12] : id)}" : r.Kind;
            table.AddRow(Cells(r.Name, kind, string.Join(", ", r.Vnics), string.Join(", ", r.Networks), string.Join(", ", r.Routes), r.Description));
        }

        context.Console.Write(table);
    }

    private static void ShowVnics(CliContext context, IReadOnlyList<VnicView> rows)
    {
        if (context.Json)
        {
            context.WriteJson(rows);
            return;
        }

        var table = NewTable("ZONE", "VNIC", "NETWORK", "OVER", "VLAN", "MAC", "MTU", "MAXBW", "PRIORITY", "PROTECTION", "ADDRESSES");
        foreach (var r in rows)
        {
            table.AddRow(Cells(r.Zone, r.Vnic, r.Network, r.Over, r.Vlan is 0 or null ? "untagged" : r.Vlan.Value.ToString(CultureInfo.InvariantCulture), r.Mac,
                r.Mtu.ToString(CultureInfo.InvariantCulture), r.Maxbw, r.Priority, r.Protection, string.Join(" ", r.Addresses)));
        }

        context.Console.Write(table);
    }

    private static void ShowAddresses(CliContext context, IReadOnlyList<AddressObjectView> rows)
    {
        if (context.Json)
        {
            context.WriteJson(rows);
            return;
        }

        var table = NewTable("ZONE", "ADDROBJ", "TYPE", "ADDRESS", "NETWORK");
        foreach (var r in rows)
        {
            table.AddRow(Cells(r.Zone, r.Addrobj, r.Type, r.Address, r.Network));
        }

        context.Console.Write(table);
    }

    /// <summary>The console width the CLI sets when output is not a terminal: tables are then as wide as their content.</summary>
    public const int UnlimitedWidth = 100_000;

    /// <summary>A plain table with the given headers (<see cref="Output.TextTable"/>).</summary>
    public static Output.TextTable NewTable(params string[] headers) => new(headers);

    /// <summary>Cells with control characters escaped (<see cref="Api.Views.DisplayText"/>); null prints as "-".</summary>
    public static string[] Cells(params string?[] values) => [.. values.Select(v => Api.Views.DisplayText.Escape(v ?? "-")!)];
}
