using System.CommandLine;
using System.Globalization;
using NetVirt.Api.Views;
using NetVirt.Model.Addressing;
using NetVirt.Model.Errors;

namespace NetVirt.Cli.Commands;

/// <summary>
/// <c>netvirt ip list|free|next|who|reserve|release</c>: what is used, what is free and what the next allocation
/// would get, who holds an address, and reservations.
/// </summary>
public static class IpCommand
{
    /// <summary>Builds the command and its subcommands.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("ip", """
            IP address management: usage, free space, next address, holders, reservations

            Examples:
              netvirt ip list                                # usage of every network
              netvirt ip free acme --family ipv4
              netvirt ip who 10.100.0.10
              netvirt ip reserve acme 10.100.0.5-10.100.0.9 --note "load balancer VIPs"
            """);
        command.Subcommands.Add(List(stdout, stderr));
        command.Subcommands.Add(Free(stdout, stderr));
        command.Subcommands.Add(Next(stdout, stderr));
        command.Subcommands.Add(Who(stdout, stderr));
        command.Subcommands.Add(Reserve(stdout, stderr));
        command.Subcommands.Add(Release(stdout, stderr));
        return command;
    }

    private static Command List(TextWriter stdout, TextWriter stderr)
    {
        var network = new Argument<string?>("network") { Description = "List the addresses of this network (default: usage of every network)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("list", "Usage per network (used, free, reserved, utilisation, next), or the addresses of one network") { network };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var name = result.GetValue(network);
            var usage = await context.Service.UsageAsync(name, cancellationToken);
            if (name is null)
            {
                WriteUsage(context, usage);
                return ExitCodes.Ok;
            }

            var addresses = await context.Service.AddressesAsync(name, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(new NetworkIpsView(usage, addresses));
                return ExitCodes.Ok;
            }

            WriteUsage(context, usage);
            var table = ShowCommand.NewTable("ADDRESS", "STATE", "ZONE", "VNIC", "TAG", "KIND", "SINCE");
            foreach (var a in addresses)
            {
                table.AddRow(ShowCommand.Cells(a.Address, a.State, a.Zone, a.Vnic, a.Tag, a.Kind, a.Since));
            }

            context.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Free(TextWriter stdout, TextWriter stderr)
    {
        var network = new Argument<string>("network") { Description = "Network name" };
        var family = FamilyOption();
        var command = new Command("free", "The free addresses of a network as compact ranges") { network, family };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var rows = await context.Service.FreeRangesAsync(result.GetValue(network)!, result.GetValue(family), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(rows);
                return ExitCodes.Ok;
            }

            var table = ShowCommand.NewTable("FAMILY", "FIRST", "LAST", "ADDRESSES");
            foreach (var r in rows)
            {
                table.AddRow(ShowCommand.Cells(r.Family, r.First, r.Last, AddressCount.Format(r.Size)));
            }

            context.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Next(TextWriter stdout, TextWriter stderr)
    {
        var network = new Argument<string>("network") { Description = "Network name" };
        var family = FamilyOption();
        var command = new Command("next", "The address the next automatic allocation in a network would get") { network, family };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var wanted = result.GetValue(family);
            var usage = (await context.Service.UsageAsync(result.GetValue(network)!, cancellationToken)).Where(u => wanted is null || u.Family == wanted).ToList();
            if (context.Json)
            {
                context.WriteJson(usage.Select(u => new NextAddressView(u.Network, u.Family, u.Next)));
            }
            else
            {
                foreach (var u in usage)
                {
                    stdout.WriteLine(u.Next is { } next
                        ? $"{u.Network} {u.Family}: {next}"
                        : $"{u.Network} {u.Family}: none free (range {u.Range}, {AddressCount.Format(u.Used)} of {AddressCount.Format(u.Usable)} in use)");
                }
            }

            return usage.All(u => u.Next is not null) ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static Command Who(TextWriter stdout, TextWriter stderr)
    {
        var address = new Argument<string>("address") { Description = "IPv4 or IPv6 address" };
        var command = new Command("who", "Which zone, VNIC and address object hold an address (in every network it appears in)") { address };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var text = result.GetValue(address)!;
            if (!IpAddressMath.TryParsePlain(text, out var ip))
            {
                throw new InvalidInputException($"'{text}' is not an IPv4 or IPv6 address ({IpAddressMath.AddressFormHint})");
            }

            var holders = await context.Service.WhoAsync(ip, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(holders);
            }
            else if (holders.Count == 0)
            {
                stdout.WriteLine($"{ip} is not used in any network");
            }
            else
            {
                var table = ShowCommand.NewTable("NETWORK", "ADDRESS", "STATE", "ZONE", "VNIC", "TAG", "KIND", "SINCE", "NOTE");
                foreach (var h in holders)
                {
                    table.AddRow(ShowCommand.Cells(h.Network, h.Address, h.State, h.Zone, h.Vnic, h.Tag, h.Kind, h.Since, h.Note));
                }

                context.Console.Write(table);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Reserve(TextWriter stdout, TextWriter stderr)
    {
        var network = new Argument<string>("network") { Description = "Network name" };
        var range = new Argument<string>("range") { Description = "Address or range (10.0.0.5 or 10.0.0.5-10.0.0.9)" };
        var note = new Option<string?>("--note") { Description = "Why the addresses are reserved" };
        var command = new Command("reserve", "Reserve an address or range so that automatic allocation never hands it out") { network, range, note };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var r = ParseRange(result.GetValue(range)!);
            var outcome = await context.Service.ReserveAsync(result.GetValue(network)!, r, result.GetValue(note), cancellationToken);
            context.Info($"reserved {r} in network '{result.GetValue(network)}' (generation {outcome.Generation})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Release(TextWriter stdout, TextWriter stderr)
    {
        var network = new Argument<string>("network") { Description = "Network name" };
        var range = new Argument<string>("range") { Description = "Reserved address or range to release" };
        var command = new Command("release", "Remove reservations inside an address or range, making the addresses allocatable again") { network, range };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var r = ParseRange(result.GetValue(range)!);
            var outcome = await context.Service.ReleaseAsync(result.GetValue(network)!, r, cancellationToken);
            context.Info($"released reservations inside {r} in network '{result.GetValue(network)}' (generation {outcome.Generation})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteUsage(CliContext context, IReadOnlyList<UsageView> usage)
    {
        if (context.Json)
        {
            context.WriteJson(usage);
            return;
        }

        var table = ShowCommand.NewTable("NETWORK", "FAMILY", "SUBNET", "RANGE", "USABLE", "USED", "FREE", "RESERVED", "UTIL", "NEXT");
        foreach (var u in usage)
        {
            table.AddRow(ShowCommand.Cells(u.Network, u.Family, u.Subnet, u.Range, AddressCount.Format(u.Usable), AddressCount.Format(u.Used), AddressCount.Format(u.Free), AddressCount.Format(u.Reserved),
                u.Utilisation.ToString("P1", CultureInfo.InvariantCulture), u.Next));
        }

        context.Console.Write(table);
    }

    private static Option<string?> FamilyOption()
    {
        var option = new Option<string?>("--family") { Description = "ipv4 or ipv6 (default: both)" };
        option.AcceptOnlyFromAmong("ipv4", "ipv6");
        return option;
    }

    private static IpRange ParseRange(string text) =>
        IpRange.TryParse(text, out var range) ? range! : throw new InvalidInputException($"'{text}' is not an address or a range such as 10.0.0.5-10.0.0.9 ({IpAddressMath.AddressFormHint})");
}
