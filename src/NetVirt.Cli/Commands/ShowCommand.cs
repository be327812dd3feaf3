using System.CommandLine;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;
using Spectre.Console;

namespace NetVirt.Cli.Commands;

/// <summary><c>netvirt show networks|zones|vnics|addresses</c>: the stored desired state with what IPAM resolved.</summary>
public static class ShowCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var what = new Argument<string>("what") { Description = "networks, zones, vnics or addresses" };
        what.AcceptOnlyFromAmong("networks", "zones", "vnics", "addresses");
        var command = new Command("show", "Show the stored desired state (with allocated MACs and addresses)") { what };
        command.SetAction(result =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var state = context.Store.Load();
            var model = state.Resolved;
            var index = new ModelIndex(model);
            switch (result.GetValue(what))
            {
                case "networks":
                    ShowNetworks(context, model);
                    break;
                case "zones":
                    ShowZones(context, model, index);
                    break;
                case "vnics":
                    ShowVnics(context, model, index);
                    break;
                default:
                    ShowAddresses(context, model, index);
                    break;
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void ShowNetworks(CliContext context, NetworkModel model)
    {
        var rows = model.Networks.Select(n => new
        {
            n.Name,
            n.Tenant,
            n.Over,
            n.Vlan,
            Mtu = n.EffectiveMtu,
            Ipv4 = n.Ipv4?.Subnet.ToString(),
            Gateway4 = n.Ipv4?.Gateway?.ToString(),
            Ipv6 = n.Ipv6?.Subnet.ToString(),
            Gateway6 = n.Ipv6?.Gateway?.ToString(),
            Vnics = model.Zones.SelectMany(z => z.Vnics).Count(v => v.Network == n.Name),
        }).ToList();
        if (context.Json)
        {
            context.WriteJson(rows);
            return;
        }

        var table = NewTable("NETWORK", "TENANT", "OVER", "VLAN", "MTU", "IPV4", "GATEWAY", "IPV6", "GATEWAY6", "VNICS");
        foreach (var r in rows)
        {
            table.AddRow(Cells(r.Name, r.Tenant, r.Over, r.Vlan == 0 ? "untagged" : r.Vlan.ToString(), r.Mtu.ToString(), r.Ipv4, r.Gateway4, r.Ipv6, r.Gateway6, r.Vnics.ToString()));
        }

        context.Console.Write(table);
    }

    private static void ShowZones(CliContext context, NetworkModel model, ModelIndex index)
    {
        var rows = model.Zones.Select(z => new
        {
            z.Name,
            Vnics = z.Vnics.Select(v => v.Name).ToList(),
            Networks = z.Vnics.Select(v => v.Network ?? $"{v.Over}/{v.Vlan ?? 0}").Distinct().ToList(),
            Routes = index.EffectiveRoutes(z).Select(r => $"{(r.IsDefault ? "default" : r.Destination.ToString())} via {r.Gateway}").ToList(),
            z.Description,
        }).ToList();
        if (context.Json)
        {
            context.WriteJson(rows);
            return;
        }

        var table = NewTable("ZONE", "VNICS", "NETWORKS", "ROUTES", "DESCRIPTION");
        foreach (var r in rows)
        {
            table.AddRow(Cells(r.Name, string.Join(", ", r.Vnics), string.Join(", ", r.Networks), string.Join(", ", r.Routes), r.Description));
        }

        context.Console.Write(table);
    }

    private static void ShowVnics(CliContext context, NetworkModel model, ModelIndex index)
    {
        var rows = model.Zones.SelectMany(z => z.Vnics.Select(v => new
        {
            Zone = z.Name,
            Vnic = v.Name,
            v.Network,
            Over = index.DomainOf(v)?.Over,
            Vlan = index.DomainOf(v)?.Vlan,
            Mac = v.Mac?.ToString(),
            Mtu = index.EffectiveMtu(v),
            Maxbw = v.MaxBandwidth is { } bw ? SpecNames.FormatBandwidth(bw) : null,
            Priority = SpecNames.Format(v.EffectivePriority),
            Protection = SpecNames.Format(v.EffectiveProtection),
            Addresses = index.InterfaceAddresses(v).Select(a => a.Address.ToString()).ToList(),
        })).ToList();
        if (context.Json)
        {
            context.WriteJson(rows);
            return;
        }

        var table = NewTable("ZONE", "VNIC", "NETWORK", "OVER", "VLAN", "MAC", "MTU", "MAXBW", "PRIORITY", "PROTECTION", "ADDRESSES");
        foreach (var r in rows)
        {
            table.AddRow(Cells(r.Zone, r.Vnic, r.Network, r.Over, r.Vlan is 0 or null ? "untagged" : r.Vlan.ToString(), r.Mac, r.Mtu.ToString(),
                r.Maxbw, r.Priority, r.Protection, string.Join(" ", r.Addresses)));
        }

        context.Console.Write(table);
    }

    private static void ShowAddresses(CliContext context, NetworkModel model, ModelIndex index)
    {
        var rows = model.Zones.SelectMany(z => z.Vnics.SelectMany(v => v.Addresses.Select(a => new
        {
            Zone = z.Name,
            Vnic = v.Name,
            Addrobj = $"{v.Name}/{a.Tag}",
            Type = SpecNames.Format(a.Type),
            Address = index.InterfaceAddresses(v).Where(x => x.Spec == a).Select(x => x.Address.ToString()).FirstOrDefault()
                ?? (a.Type == AddressType.Dhcp ? "(dhcp)" : null),
            v.Network,
        }))).ToList();
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

    /// <summary>A borderless table with the given headers.</summary>
    public static Table NewTable(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var h in headers)
        {
            table.AddColumn(new TableColumn(h).NoWrap());
        }

        return table;
    }

    /// <summary>Escaped cells; null prints as "-".</summary>
    public static string[] Cells(params string?[] values) => [.. values.Select(v => Markup.Escape(v ?? "-"))];
}
