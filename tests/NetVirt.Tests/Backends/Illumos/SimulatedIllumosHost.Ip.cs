using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NetVirt.Model.Addressing;

namespace NetVirt.Tests.Backends.Illumos;

public sealed partial class SimulatedIllumosHost
{
    // ---- zoneadm and zlogin ---------------------------------------------------------------------------------------

    private Result Zoneadm(string[] args)
    {
        if (args is not ["list", "-cp"])
        {
            return Fail("simulated zoneadm knows only 'list -cp'\n");
        }

        var brand = SmartOs ? "joyent" : "ipkg";
        var s = new StringBuilder("0:global:running:/::" + brand + ":shared\n");
        foreach (var z in _zones)
        {
            var id = z.Id?.ToString(CultureInfo.InvariantCulture) ?? "-";
            s.Append(CultureInfo.InvariantCulture, $"{id}:{z.Name}:{z.State}:/zones/{z.Name}:{Uuid(z.Name)}:{brand}:{z.IpType}\n");
        }

        return Ok(s.ToString());
    }

    private Result Zlogin(string[] args)
    {
        if (args.Length < 2)
        {
            return Fail("simulated zlogin runs commands only\n");
        }

        var zone = _zones.FirstOrDefault(z => z.Name == args[0]);
        if (zone is null)
        {
            return Fail($"zlogin: zone '{args[0]}' unknown\n");
        }

        if (zone.State != "running")
        {
            return Fail($"zlogin: login allowed only to running zones ({zone.Name} is '{zone.State}').\n");
        }

        // zlogin hands the words to the zone's shell as one command line: undo the shell quoting.
        return Dispatch(args[1], [.. args[2..].Select(Unquote)], zone.Name);
    }

    private static string Unquote(string word) =>
        word.Length >= 2 && word[0] == '\'' && word[^1] == '\'' ? word[1..^1].Replace("'\\''", "'", StringComparison.Ordinal) : word;

    private static string Uuid(string name)
    {
        var hash = (uint)name.Aggregate(17, (h, c) => unchecked((h * 31) + c));
        return $"{hash:x8}-0000-4000-8000-{hash:x8}0000";
    }

    // ---- ipadm ----------------------------------------------------------------------------------------------------

    /// <summary>ipadm's fatal messages: the text on stderr, the terminating newline on stdout.</summary>
    private static Result IpadmFail(string message) => new(1, "\n", "ipadm: " + message);

    private Result Ipadm(string[] args, string zone)
    {
        var stack = _stacks[zone];
        if (args.Length == 0)
        {
            return IpadmFail("usage: ipadm <subcommand> <args> ...");
        }

        var rest = args[1..];
        return args[0] switch
        {
            "show-if" => ShowIf(rest, zone, stack),
            "show-addr" => ShowAddr(rest, zone, stack),
            "create-if" or "create-ip" => CreateIf(rest, zone, stack),
            "delete-if" or "delete-ip" => DeleteIf(rest, stack),
            "create-addr" => CreateAddr(rest, zone, stack),
            "delete-addr" => DeleteAddr(rest, stack),
            var other => IpadmFail($"unknown subcommand '{other}'"),
        };
    }

    private static bool ParseableFields(string[] args, out string[] fields, out string? operand)
    {
        fields = [];
        operand = null;
        var parseable = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-p": parseable = true; break;
                case "-o" when i + 1 < args.Length: fields = args[++i].Split(',').Select(f => f.ToLowerInvariant()).ToArray(); break;
                default: operand = args[i]; break;
            }
        }

        return parseable && fields.Length > 0;
    }

    private Result ShowIf(string[] args, string zone, IpStack stack)
    {
        if (!ParseableFields(args, out var fields, out var operand))
        {
            return IpadmFail("-p requires -o");
        }

        var rows = new List<(string Name, string Current)> { ("lo0", "-m-v------46") };
        rows.AddRange(stack.Interfaces.Select(i => (i.Name, "bm--------46")));
        if (operand is not null)
        {
            rows = [.. rows.Where(r => r.Name == operand)];
            if (rows.Count == 0)
            {
                return IpadmFail("Could not get interface(s): Interface does not exist");
            }
        }

        _ = zone;
        return Ok(Table(rows, fields, (r, f) => f switch
        {
            "ifname" => r.Name,
            "class" => "IP",
            "state" => "ok",
            "current" => r.Current,
            _ => r.Name == "lo0" ? "-46" : "---",
        }));
    }

    private Result ShowAddr(string[] args, string zone, IpStack stack)
    {
        if (!ParseableFields(args, out var fields, out var operand))
        {
            return IpadmFail("-p requires -o");
        }

        // ipadm lists IPv4 addresses first (loopback leading), then IPv6; a DHCP address not yet obtained counts as IPv4.
        var all = stack.Interfaces.SelectMany(i => i.Addresses.Select(a => (AddrObj: $"{i.Name}/{a.Tag}", a.Type, Addr: a.Display, V6: a.Value?.Family == AddressFamily.InterNetworkV6))).ToList();
        var rows = new List<(string AddrObj, string Type, string Addr)> { ("lo0/v4", "static", "127.0.0.1/8") };
        rows.AddRange(all.Where(a => !a.V6).Select(a => (a.AddrObj, a.Type, a.Addr)));
        rows.Add(("lo0/v6", "static", "::1/128"));
        rows.AddRange(all.Where(a => a.V6).Select(a => (a.AddrObj, a.Type, a.Addr)));
        if (operand is not null)
        {
            rows = operand.EndsWith('/') ? [.. rows.Where(r => r.AddrObj.StartsWith(operand, StringComparison.Ordinal))] : [.. rows.Where(r => r.AddrObj == operand)];
            if (rows.Count == 0)
            {
                return IpadmFail("Address object not found");
            }
        }

        _ = zone;
        return Ok(Table(rows, fields, (r, f) => f switch
        {
            "addrobj" => r.AddrObj,
            "type" => r.Type,
            "state" => "ok",
            "current" => "U----",
            "persistent" => r.AddrObj.StartsWith("lo0", StringComparison.Ordinal) ? "U--" : "---",
            _ => r.Addr,
        }));
    }

    private Result CreateIf(string[] args, string zone, IpStack stack)
    {
        var name = args.LastOrDefault(a => !a.StartsWith('-'));
        if (name is null)
        {
            return IpadmFail("usage: create-if [-t] <interface>");
        }

        if (Mutation() is { } fault)
        {
            return fault;
        }

        if (stack.Interfaces.Any(i => i.Name == name))
        {
            return IpadmFail($"Could not create {name} : Interface already exists");
        }

        if (Find(name, zone) is null)
        {
            return IpadmFail($"Could not create {name} : Could not open DLPI link");
        }

        stack.Interfaces.Add(new IpInterface { Name = name });
        return Ok();
    }

    private Result DeleteIf(string[] args, IpStack stack)
    {
        if (args.Length != 1)
        {
            return IpadmFail("usage: delete-if <interface>");
        }

        if (Mutation() is { } fault)
        {
            return fault;
        }

        var ipIf = stack.Interfaces.FirstOrDefault(i => i.Name == args[0]);
        if (ipIf is null)
        {
            return IpadmFail($"Could not delete {args[0]}: Interface does not exist");
        }

        stack.Interfaces.Remove(ipIf);
        RemoveUnreachableRoutes(stack);
        return Ok();
    }

    private Result CreateAddr(string[] args, string zone, IpStack stack)
    {
        string? type = null, local = null, props = null;
        var operands = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-t": break;
                case "-T" when i + 1 < args.Length: type = args[++i]; break;
                case "-a" when i + 1 < args.Length: local = args[++i]; break;
                case "-p" when i + 1 < args.Length: props = args[++i]; break;
                default: operands.Add(args[i]); break;
            }
        }

        if (operands.Count != 1 || type is not ("static" or "dhcp" or "addrconf"))
        {
            return IpadmFail("usage: create-addr [-t] -T static|dhcp|addrconf ... <addrobj>");
        }

        var addrObj = operands[0];
        var slash = addrObj.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return IpadmFail($"invalid address object name: {addrObj}");
        }

        var (ifName, tag) = (addrObj[..slash], addrObj[(slash + 1)..]);
        if (tag.Length is 0 or > 31 || !char.IsAsciiLetter(tag[0]) || !tag.All(char.IsAsciiLetterOrDigit))
        {
            return IpadmFail("Error in creating address object: Invalid argument provided");
        }

        InterfaceAddress? value = null;
        if (type == "static")
        {
            if (local is null || !InterfaceAddress.TryParse(local.StartsWith("local=", StringComparison.Ordinal) ? local[6..] : local, out var parsed))
            {
                return IpadmFail("Error in setting local address: Invalid address");
            }

            value = parsed;
        }

        if (type == "addrconf" && props is not (null or "stateless=no,stateful=no" or "stateless=yes,stateful=yes"))
        {
            return IpadmFail("Invalid argument provided");
        }

        if (Mutation() is { } fault)
        {
            return fault;
        }

        var link = Find(ifName, zone);
        var ipIf = stack.Interfaces.FirstOrDefault(i => i.Name == ifName);
        if (ipIf is null)
        {
            if (link is null)
            {
                return IpadmFail("Could not create address: Could not open DLPI link");
            }

            // create-addr plumbs the interface when it is not there yet.
            ipIf = new IpInterface { Name = ifName };
            stack.Interfaces.Add(ipIf);
        }

        if (ipIf.Addresses.Any(a => a.Tag == tag))
        {
            return IpadmFail("Could not create address: Address object already exists");
        }

        if (value is { } v && stack.Interfaces.SelectMany(i => i.Addresses).Any(a => a.Value?.Address.Equals(v.Address) == true))
        {
            return IpadmFail("Could not create address: Address already in use");
        }

        if (type == "addrconf")
        {
            value = new InterfaceAddress(Eui64.LinkLocal(new MacAddress(link?.Mac ?? 0)), 10);
        }

        ipIf.Addresses.Add(new Address { Tag = tag, Type = type, Value = value });
        return type == "dhcp" ? Ok(stderr: "ipadm: warning: Communication with dhcpagent timed out\n") : Ok();
    }

    private Result DeleteAddr(string[] args, IpStack stack)
    {
        var addrObj = args.LastOrDefault();
        if (addrObj is null || !addrObj.Contains('/', StringComparison.Ordinal))
        {
            return IpadmFail($"invalid address object name: {addrObj}");
        }

        if (Mutation() is { } fault)
        {
            return fault;
        }

        foreach (var ipIf in stack.Interfaces)
        {
            if (ipIf.Addresses.FirstOrDefault(a => $"{ipIf.Name}/{a.Tag}" == addrObj) is { } address)
            {
                ipIf.Addresses.Remove(address);
                RemoveUnreachableRoutes(stack);
                return Ok();
            }
        }

        return IpadmFail("could not delete address: Object not found");
    }

    // ---- routes ---------------------------------------------------------------------------------------------------

    private static IEnumerable<InterfaceAddress> OnLink(IpStack stack) =>
        stack.Interfaces.SelectMany(i => i.Addresses).Select(a => a.Value).OfType<InterfaceAddress>();

    /// <summary>The kernel drops gateway routes whose next hop is no longer on any interface's subnet.</summary>
    private static void RemoveUnreachableRoutes(IpStack stack) =>
        stack.Routes.RemoveAll(r => !OnLink(stack).Any(a => a.Family == r.Gateway.AddressFamily && a.Network.Contains(r.Gateway)));

    private Result RouteCommand(string[] args, string zone)
    {
        var stack = _stacks[zone];
        var words = args.Where(a => a != "-inet6" && a != "-inet" && a != "-net" && a != "-host").ToArray();
        if (words.Length != 3 || words[0] is not ("add" or "delete") || !IPAddress.TryParse(words[2], out var gateway))
        {
            return Fail("usage: route [-fnpqv] add|delete [-net|-host] destination gateway\n");
        }

        var family = args.Contains("-inet6") ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        IPNetwork destination;
        if (words[1] == "default")
        {
            destination = family == AddressFamily.InterNetwork ? new IPNetwork(IPAddress.Any, 0) : new IPNetwork(IPAddress.IPv6Any, 0);
        }
        else if (!IPNetwork.TryParse(words[1], out destination))
        {
            return Fail($"route: bad address: {words[1]}\n");
        }

        var message = $"{words[0]} net {words[1]}: gateway {words[2]}";
        if (Mutation() is { } fault)
        {
            return fault;
        }

        var existing = stack.Routes.FirstOrDefault(r => r.Destination == destination && r.Gateway.Equals(gateway));
        if (words[0] == "delete")
        {
            if (existing is null)
            {
                return Fail($"{message}: not in table\n");
            }

            stack.Routes.Remove(existing);
            return Ok(message + "\n");
        }

        if (existing is not null)
        {
            return Fail($"{message}: entry exists\n");
        }

        if (!OnLink(stack).Any(a => a.Family == gateway.AddressFamily && a.Network.Contains(gateway)))
        {
            return Fail($"{message}: Network is unreachable\n");
        }

        stack.Routes.Add(new RouteEntry(destination, gateway));
        return Ok(message + "\n");
    }

    /// <summary>illumos <c>netstat -rnv</c>: an IPv4 table with masks and an IPv6 table, columns as netstat pads them.</summary>
    private Result Netstat(string[] args, string zone)
    {
        if (args is not ["-rnv"])
        {
            return Fail("simulated netstat knows only -rnv\n");
        }

        var stack = _stacks[zone];
        var v4 = new List<(string Dest, string Mask, string Gateway, string Device, string Flags)>();
        var v6 = new List<(string Dest, string Gateway, string Device, string Flags)>();
        foreach (var r in stack.Routes)
        {
            if (r.Gateway.AddressFamily == AddressFamily.InterNetwork)
            {
                v4.Add((r.Destination.PrefixLength == 0 ? "default" : r.Destination.BaseAddress.ToString(), Mask(r.Destination.PrefixLength), r.Gateway.ToString(), "", "UG"));
            }
            else
            {
                v6.Add((r.Destination.PrefixLength == 0 ? "default" : r.Destination.ToString(), r.Gateway.ToString(), "", "UG"));
            }
        }

        v4.Add(("127.0.0.1", "255.255.255.255", "127.0.0.1", "lo0", "UH"));
        v6.Add(("::1", "::1", "lo0", "UH"));
        foreach (var ipIf in stack.Interfaces)
        {
            foreach (var a in ipIf.Addresses.Select(a => a.Value).OfType<InterfaceAddress>())
            {
                if (a.Family == AddressFamily.InterNetwork)
                {
                    v4.Add((a.Network.BaseAddress.ToString(), Mask(a.PrefixLength), a.Address.ToString(), ipIf.Name, "U"));
                }
                else
                {
                    v6.Add((a.Network.ToString(), a.Address.ToString(), ipIf.Name, "U"));
                }
            }
        }

        var s = new StringBuilder();
        s.Append("\nIRE Table: IPv4\n");
        s.Append("  Destination             Mask           Gateway          Device  MTU  Ref Flg  Out   In/Fwd\n");
        s.Append("-------------------- --------------- -------------------- ------ ----- --- --- -----  ------\n");
        foreach (var r in v4)
        {
            s.Append(CultureInfo.InvariantCulture, $"{r.Dest,-20} {r.Mask,-15} {r.Gateway,-20} {r.Device,-6} {"1500",5} {1,3} {r.Flags,-3} {0,5}  {0,6}\n");
        }

        s.Append("\nIRE Table: IPv6\n");
        s.Append("  Destination/Mask            Gateway                    If    MTU  Ref Flags  Out    In/Fwd\n");
        s.Append("--------------------------- --------------------------- ----- ----- --- ----- ------  ------\n");
        foreach (var r in v6)
        {
            s.Append(CultureInfo.InvariantCulture, $"{r.Dest,-27} {r.Gateway,-27} {r.Device,-5} {"1500",5} {1,3} {r.Flags,-5} {0,6}  {0,6}\n");
        }

        return Ok(s.ToString());
    }

    private static string Mask(int prefixLength) =>
        new IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength))).ToString();
}
