using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NetVirt.Model.Addressing;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using Spectre.Console;

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
        var command = new Command("ip", "IP address management: usage, free space, next address, holders, reservations");
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
        command.SetAction(result =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var name = result.GetValue(network);
            var usage = context.Store.Usage(name);
            if (name is null)
            {
                WriteUsage(context, usage);
                return ExitCodes.Ok;
            }

            var addresses = context.Store.Addresses(name);
            if (context.Json)
            {
                context.WriteJson(new { Usage = usage.Select(UsageRow), Addresses = addresses });
                return ExitCodes.Ok;
            }

            WriteUsage(context, usage);
            var table = ShowCommand.NewTable("ADDRESS", "STATE", "ZONE", "VNIC", "TAG", "KIND", "SINCE");
            foreach (var a in addresses)
            {
                table.AddRow(ShowCommand.Cells(a.Address.ToString(), a.State, a.Zone, a.Vnic, a.Tag, a.Kind, a.Since));
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
        command.SetAction(result =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var name = result.GetValue(network)!;
            var families = Families(context, name, result.GetValue(family));
            var rows = families.SelectMany(f => context.Store.FreeRanges(name, f).Select(r => new
            {
                Family = SpecNames.Format(f),
                First = r.First.ToString(),
                Last = r.Last.ToString(),
                Size = r.Size.ToString(CultureInfo.InvariantCulture),
            })).ToList();
            if (context.Json)
            {
                context.WriteJson(rows);
                return ExitCodes.Ok;
            }

            var table = ShowCommand.NewTable("FAMILY", "FIRST", "LAST", "ADDRESSES");
            foreach (var r in rows)
            {
                table.AddRow(ShowCommand.Cells(r.Family, r.First, r.Last, r.Size));
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
        command.SetAction(result =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var name = result.GetValue(network)!;
            var wanted = result.GetValue(family);
            var usage = context.Store.Usage(name).Where(u => wanted is null || SpecNames.Format(u.Family) == wanted).ToList();
            if (context.Json)
            {
                context.WriteJson(usage.Select(u => new { Network = u.Network, Family = SpecNames.Format(u.Family), Next = u.Next?.ToString() }));
            }
            else
            {
                foreach (var u in usage)
                {
                    stdout.WriteLine(u.Next is { } next
                        ? $"{u.Network} {SpecNames.Format(u.Family)}: {next}"
                        : $"{u.Network} {SpecNames.Format(u.Family)}: none free (range {u.Range}, {u.Used} of {u.Usable} in use)");
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
        command.SetAction(result =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var text = result.GetValue(address)!;
            if (!IpAddressMath.TryParsePlain(text, out var ip))
            {
                throw new InvalidInputException($"'{text}' is not an IPv4 or IPv6 address");
            }

            var holders = context.Store.Who(ip);
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
                    table.AddRow(ShowCommand.Cells(h.Network, h.Address.ToString(), h.State, h.Zone, h.Vnic, h.Tag, h.Kind, h.Since, h.Note));
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
        command.SetAction(result =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var r = ParseRange(result.GetValue(range)!);
            var outcome = context.Store.Reserve(result.GetValue(network)!, r, result.GetValue(note), context.Target);
            stdout.WriteLine($"reserved {r} in network '{result.GetValue(network)}' (generation {outcome.Generation})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Release(TextWriter stdout, TextWriter stderr)
    {
        var network = new Argument<string>("network") { Description = "Network name" };
        var range = new Argument<string>("range") { Description = "Reserved address or range to release" };
        var command = new Command("release", "Remove reservations inside an address or range, making the addresses allocatable again") { network, range };
        command.SetAction(result =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var r = ParseRange(result.GetValue(range)!);
            var outcome = context.Store.Release(result.GetValue(network)!, r, context.Target);
            stdout.WriteLine($"released reservations inside {r} in network '{result.GetValue(network)}' (generation {outcome.Generation})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteUsage(CliContext context, IReadOnlyList<Model.Ipam.NetworkUsage> usage)
    {
        if (context.Json)
        {
            context.WriteJson(usage.Select(UsageRow));
            return;
        }

        var table = ShowCommand.NewTable("NETWORK", "FAMILY", "SUBNET", "RANGE", "USABLE", "USED", "FREE", "RESERVED", "UTIL", "NEXT");
        foreach (var u in usage)
        {
            table.AddRow(ShowCommand.Cells(u.Network, SpecNames.Format(u.Family), u.Subnet.ToString(), u.Range.ToString(), Count(u.Usable), Count(u.Used),
                Count(u.Free), Count(u.Reserved), u.Utilisation.ToString("P1", CultureInfo.InvariantCulture), u.Next?.ToString()));
        }

        context.Console.Write(table);
    }

    private static object UsageRow(Model.Ipam.NetworkUsage u) => new
    {
        u.Network,
        Family = SpecNames.Format(u.Family),
        Subnet = u.Subnet.ToString(),
        Range = u.Range.ToString(),
        Usable = Count(u.Usable),
        Used = Count(u.Used),
        Free = Count(u.Free),
        Reserved = Count(u.Reserved),
        u.Utilisation,
        Next = u.Next?.ToString(),
    };

    private static string Count(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);

    private static Option<string?> FamilyOption()
    {
        var option = new Option<string?>("--family") { Description = "ipv4 or ipv6 (default: both)" };
        option.AcceptOnlyFromAmong("ipv4", "ipv6");
        return option;
    }

    private static IEnumerable<AddressFamily> Families(CliContext context, string network, string? wanted)
    {
        var usage = context.Store.Usage(network);
        return usage.Select(u => u.Family).Where(f => wanted is null || SpecNames.Format(f) == wanted);
    }

    private static IpRange ParseRange(string text) =>
        IpRange.TryParse(text, out var range) ? range! : throw new InvalidInputException($"'{text}' is not an address or a range such as 10.0.0.5-10.0.0.9");
}
