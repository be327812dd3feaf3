using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;

namespace NetVirt.Tests.Backends.Illumos;

public sealed partial class SimulatedIllumosHost
{
    private static readonly string[] ProtectionOrder = ["mac-nospoof", "restricted", "ip-nospoof", "dhcp-nospoof"];

    private Result Dladm(string[] args)
    {
        if (args.Length == 0)
        {
            return Fail(HelpText());
        }

        var rest = args[1..];
        return args[0] switch
        {
            "help" => Fail(HelpText()),
            "show-link" => ShowLink(rest),
            "show-vnic" => ShowVnic(rest),
            "show-etherstub" => ShowEtherstub(rest),
            "show-linkprop" => ShowLinkProp(rest),
            "create-etherstub" => CreateEtherstub(rest),
            "delete-etherstub" => DeleteEtherstub(rest),
            "create-vnic" => CreateVnic(rest),
            "delete-vnic" => DeleteVnic(rest),
            "set-linkprop" => SetLinkProp(rest, reset: false),
            "reset-linkprop" => SetLinkProp(rest, reset: true),
            var other => Fail($"dladm: unknown subcommand '{other}'\n{HelpText()}"),
        };
    }

    private string HelpText()
    {
        var z = SmartOs ? " [-z <zonename>]" : "";
        return "usage:  dladm <subcommand> <args> ...\n"
            + "    rename-link      " + (SmartOs ? "[-z <zonename>] " : "") + "<oldlink> <newlink>\n"
            + "    show-link        [-pP] [-o <field>,..] [-s [-i <interval>]] [<link>]\n"
            + "    create-etherstub [-t] <link>\n"
            + "    delete-etherstub [-t] <link>\n"
            + "    show-etherstub   [-t] [<link>]\n"
            + "    create-vnic      [-t] -l <link> [-m <value> | auto |\n"
            + "                     {factory [-n <slot-id>]} | {random [-r <prefix>]} |\n"
            + "                     {vrrp -V <vrid> -A {inet | inet6}} [-v <vid> [-f]]\n"
            + "                     [-p <prop>=<value>[,...]] <vnic-link>\n"
            + $"    delete-vnic      [-t]{z} <vnic-link>\n"
            + $"    show-vnic        [-pP] [-l <link>] [-s [-i <interval>]]{z}\n"
            + "                     [<link>]\n"
            + $"    set-linkprop     [-t]{z} -p <prop>=<value>[,...] <name>\n"
            + $"    reset-linkprop   [-t]{z} [-p <prop>,...] <name>\n"
            + $"    show-linkprop    [-cP]{z} [-o <field>,...] [-p <prop>,...] <name>\n";
    }

    // ---- show-* ---------------------------------------------------------------------------------------------------

    private Result ShowLink(string[] args)
    {
        if (!Getopt(args, "pPo:s", out var opts, out var operands, out var error))
        {
            return error;
        }

        var fields = Fields(opts, ["link", "class", "mtu", "state", "bridge", "over"], out var fieldError, showLink: true);
        if (fieldError is not null)
        {
            return fieldError.Value;
        }

        IEnumerable<Link> links = _links.OrderBy(l => l.Id);
        if (operands.Count == 1)
        {
            var one = Find(operands[0], Global);
            if (one is null)
            {
                return Fail($"dladm: link {operands[0]} is not valid: object not found\n");
            }

            links = [one];
        }

        return Ok(Table(links, fields!, (l, f) => f switch
        {
            "link" => l.Name,
            "class" => l.Class,
            "mtu" => Invariant(l.Mtu),
            "state" => "up",
            "bridge" => "",
            _ => l.Over,
        }));
    }

    private Result ShowVnic(string[] args)
    {
        if (!Getopt(args, SmartOs ? "pPo:l:z:s" : "pPo:l:s", out var opts, out var operands, out var error))
        {
            return error;
        }

        string[] known = SmartOs ? ["link", "over", "speed", "macaddress", "macaddrtype", "vid", "zone"] : ["link", "over", "speed", "macaddress", "macaddrtype", "vid"];
        var fields = Fields(opts, known, out var fieldError);
        if (fieldError is not null)
        {
            return fieldError.Value;
        }

        var zone = Opt(opts, 'z');
        IEnumerable<Link> vnics = _links.Where(l => l.Class == "vnic" && (zone is null || l.Zone == zone)).OrderBy(l => l.Id);
        if (operands.Count == 1)
        {
            var one = Find(operands[0], zone ?? Global);
            if (one is null || one.Class != "vnic")
            {
                return Fail($"dladm: invalid vnic name '{operands[0]}': object not found\n");
            }

            vnics = [one];
        }

        return Ok(Table(vnics, fields!, (l, f) => f switch
        {
            "link" => l.Name,
            "over" => l.Over,
            "speed" => "0",
            "macaddress" => new MacAddress(l.Mac).ToIllumosString(),
            "macaddrtype" => l.FixedMac ? "fixed" : "random",
            "vid" => Invariant(l.Vid),
            _ => l.Zone == Global ? "--" : l.Zone,
        }));
    }

    private Result ShowEtherstub(string[] args)
    {
        if (!Getopt(args, "pPo:", out var opts, out var operands, out var error))
        {
            return error;
        }

        var stubs = _links.Where(l => l.Class == "etherstub" && (operands.Count == 0 || l.Name == operands[0])).OrderBy(l => l.Id).ToList();
        if (operands.Count == 1 && stubs.Count == 0)
        {
            return Fail($"dladm: invalid link name '{operands[0]}'\n");
        }

        _ = opts;
        return Ok(string.Concat(stubs.Select(s => s.Name + "\n")));
    }

    private Result ShowLinkProp(string[] args)
    {
        if (!Getopt(args, SmartOs ? "cPo:p:z:" : "cPo:p:", out var opts, out var operands, out var error))
        {
            return error;
        }

        if (!opts.Any(o => o.Option == 'c'))
        {
            return Fail("simulated dladm prints only parseable (-c) show-linkprop output\n");
        }

        var fields = Fields(opts, ["link", "property", "perm", "value", "default", "possible"], out var fieldError);
        if (fieldError is not null)
        {
            return fieldError.Value;
        }

        var properties = (Opt(opts, 'p') ?? "zone,mtu,maxbw,priority,protection,allowed-ips").Split(',');
        foreach (var p in properties)
        {
            if (!KnownProperty(p.ToLowerInvariant()))
            {
                return Fail($"dladm: warning: invalid link property '{p}'\n");
            }
        }

        var zone = Opt(opts, 'z');
        IEnumerable<Link> links = _links.OrderBy(l => l.Id);
        if (operands.Count == 1)
        {
            var one = Find(operands[0], zone ?? Global);
            if (one is null)
            {
                return Fail($"dladm: link {operands[0]} is not valid: object not found\n");
            }

            links = [one];
        }

        var rows = links.SelectMany(l => properties.Select(p => (Link: l, Property: p.ToLowerInvariant())));
        return Ok(Table(rows, fields!, (r, f) => f switch
        {
            "link" => r.Link.Name,
            "property" => r.Property,
            "perm" => "rw",
            "value" => PropertyValue(r.Link, r.Property),
            "default" => r.Property switch { "maxbw" => "--", "priority" => "high", "mtu" => "1500", _ => "" },
            _ => "",
        }));
    }

    private static string PropertyValue(Link l, string property) => property switch
    {
        "zone" => l.Zone == Global ? "" : l.Zone,
        "mtu" => Invariant(l.Mtu),
        "maxbw" => l.MaxBw is { } bits ? FormatMaxbw(bits) : "",
        "priority" => l.Priority,
        "protection" => FormatProtection(l.Protection),
        "allowed-ips" => string.Join(',', l.AllowedIps),
        _ => l.DynamicMethods,
    };

    /// <summary>Mbps right-aligned in five columns, with three decimals (kbps) for fractions: "  200", "    1.200".</summary>
    private static string FormatMaxbw(long bits)
    {
        var whole = (bits / 1_000_000).ToString(CultureInfo.InvariantCulture).PadLeft(5);
        var kbps = bits % 1_000_000 / 1000;
        return kbps == 0 ? whole : $"{whole}.{kbps.ToString("000", CultureInfo.InvariantCulture)}";
    }

    // ---- etherstubs ---------------------------------------------------------------------------------------------

    private Result CreateEtherstub(string[] args)
    {
        if (!Getopt(args, "tR:", out _, out var operands, out var error) || operands.Count != 1)
        {
            return operands.Count != 1 ? Fail("usage: create-etherstub [-t] <link>\n") : error;
        }

        var name = operands[0];
        if (LinkNameError(name) is { } invalid)
        {
            return Fail(invalid);
        }

        if (Mutation() is { } fault)
        {
            return fault;
        }

        if (Find(name, Global) is not null)
        {
            return Fail("dladm: etherstub creation failed: object already exists\n");
        }

        _links.Add(new Link { Id = _nextLinkId++, Name = name, Class = "etherstub", Mtu = 9000 });
        return Ok();
    }

    private Result DeleteEtherstub(string[] args)
    {
        if (!Getopt(args, "tR:", out _, out var operands, out var error) || operands.Count != 1)
        {
            return operands.Count != 1 ? Fail("usage: delete-etherstub [-t] <link>\n") : error;
        }

        if (Mutation() is { } fault)
        {
            return fault;
        }

        var stub = Find(operands[0], Global);
        if (stub is null)
        {
            return Fail($"dladm: invalid link name '{operands[0]}'\n");
        }

        if (stub.Class != "etherstub")
        {
            return Fail($"dladm: '{stub.Name}' is not an etherstub\n");
        }

        if (_links.Any(l => l.Over == stub.Name))
        {
            return Fail("dladm: vnic deletion failed: link busy\n");
        }

        _links.Remove(stub);
        return Ok();
    }

    // ---- VNICs ----------------------------------------------------------------------------------------------------

    private Result CreateVnic(string[] args)
    {
        if (!Getopt(args, "tR:l:m:v:p:fn:r:", out var opts, out var operands, out var error))
        {
            return error;
        }

        if (operands.Count != 1 || Opt(opts, 'l') is not { } lowerName)
        {
            return Fail("usage: create-vnic [-t] -l <link> [-m <value> | auto] [-v <vid> [-f]] [-p <prop>=<value>[,...]] <vnic-link>\n");
        }

        var name = operands[0];
        var temporary = opts.Any(o => o.Option == 't');
        if (LinkNameError(name) is { } invalid)
        {
            return Fail(invalid);
        }

        var lower = Find(lowerName, Global);
        if (lower is null)
        {
            return Fail($"dladm: invalid link name '{lowerName}'\n");
        }

        var vid = 0;
        if (Opt(opts, 'v') is { } vidText && (!int.TryParse(vidText, NumberStyles.None, CultureInfo.InvariantCulture, out vid) || vid is < 1 or > 4094))
        {
            return Fail($"dladm: invalid VLAN identifier '{vidText}'\n");
        }

        ulong mac;
        var fixedMac = false;
        var macText = Opt(opts, 'm');
        if (macText is null || "auto".StartsWith(macText, StringComparison.Ordinal) || macText.StartsWith("random", StringComparison.Ordinal))
        {
            // dladm's random MACs: the 2:8:20 prefix and three random octets (here a counter high in that space).
            mac = 0x020820f00000UL + (ulong)++_randomMacs;
        }
        else if (MacAddress.TryParse(macText, out var parsed))
        {
            (mac, fixedMac) = (parsed.Value, true);
        }
        else
        {
            return Fail("dladm: invalid MAC address\n");
        }

        var propText = string.Join(',', opts.Where(o => o.Option == 'p').Select(o => o.Value));
        List<(string Name, List<string> Values)>? props = [];
        if (propText.Length > 0 && (props = ParsePropertyList(propText)) is null)
        {
            return Fail("dladm: invalid vnic property\n");
        }

        if (Mutation() is { } fault)
        {
            return fault;
        }

        var failed = $"dladm: vnic creation over {lowerName} failed: ";
        if (lower.Class == "vnic")
        {
            return Fail(failed + "invalid argument\n");
        }

        var zoneValue = props!.FirstOrDefault(p => p.Name == "zone").Values?.SingleOrDefault() ?? Global;
        if (Find(name, Global) is not null || (zoneValue != Global && Find(name, zoneValue) is not null))
        {
            return Fail(failed + "object already exists\n");
        }

        if (fixedMac && _links.Any(l => l.Class == "vnic" && l.Over == lower.Name && l.Mac == mac))
        {
            return Fail(failed + "MAC address is already in use\n");
        }

        var vnic = new Link { Id = _nextLinkId, Name = name, Class = "vnic", Over = lower.Name, Mac = mac, FixedMac = fixedMac, Vid = vid, Mtu = lower.Mtu };
        var warnings = new StringBuilder();
        string? status = null;
        foreach (var (prop, values) in props!)
        {
            if (ApplyProperty(vnic, prop, values, temporary, lower, creating: true) is { } problem)
            {
                warnings.Append(problem.Warning);
                status ??= problem.Status;
            }
        }

        if (status is not null)
        {
            // A VNIC whose properties fail is rolled back whole.
            return Fail(warnings + failed + status + "\n");
        }

        _nextLinkId++;
        _links.Add(vnic);
        return Ok();
    }

    private Result DeleteVnic(string[] args)
    {
        if (!Getopt(args, SmartOs ? "tR:z:" : "tR:", out var opts, out var operands, out var error))
        {
            return error;
        }

        if (operands.Count != 1)
        {
            return Fail("usage: delete-vnic [-t] <vnic-link>\n");
        }

        if (Mutation() is { } fault)
        {
            return fault;
        }

        var zone = Opt(opts, 'z') ?? Global;
        var vnic = Find(operands[0], zone);
        if (vnic is null)
        {
            return Fail($"dladm: invalid link name '{operands[0]}'\n");
        }

        if (vnic.Class != "vnic")
        {
            return Fail($"dladm: '{vnic.Name}' is not a vnic\n");
        }

        if (_stacks.TryGetValue(vnic.Zone, out var stack) && stack.Interfaces.Any(i => i.Name == vnic.Name))
        {
            return Fail("dladm: vnic deletion failed: link busy\n");
        }

        _links.Remove(vnic);
        return Ok();
    }

    // ---- link properties ------------------------------------------------------------------------------------------

    private Result SetLinkProp(string[] args, bool reset)
    {
        if (!Getopt(args, SmartOs ? "tR:z:p:" : "tR:p:", out var opts, out var operands, out var error))
        {
            return error;
        }

        if (operands.Count != 1)
        {
            return Fail($"usage: {(reset ? "reset" : "set")}-linkprop [-t] -p <prop>=<value>[,...] <name>\n");
        }

        var text = Opt(opts, 'p');
        if (text is null && !reset)
        {
            return Fail("dladm: link property must be specified\n");
        }

        List<(string Name, List<string> Values)>? props;
        if (reset)
        {
            props = [.. (text ?? "mtu,maxbw,priority,protection,allowed-ips" + (SmartOs ? ",dynamic-methods" : "")).Split(',').Select(p => (p, new List<string>()))];
        }
        else if ((props = ParsePropertyList(text!)) is null)
        {
            return Fail("dladm: invalid link properties specified\n");
        }

        if (Mutation() is { } fault)
        {
            return fault;
        }

        var link = Find(operands[0], Opt(opts, 'z') ?? Global);
        if (link is null)
        {
            return Fail($"dladm: link {operands[0]} is not valid: object not found\n");
        }

        var temporary = opts.Any(o => o.Option == 't');
        var lower = link.Over.Length > 0 ? Find(link.Over, Global) : null;
        var warnings = new StringBuilder();
        foreach (var (prop, values) in props)
        {
            var problem = reset ? ResetProperty(link, prop, lower) : ApplyProperty(link, prop, values, temporary, lower);
            if (problem is not null)
            {
                warnings.Append(problem.Value.Warning);
            }
        }

        return warnings.Length == 0 ? Ok() : Fail(warnings.ToString());
    }

    private (string Warning, string Status)? ResetProperty(Link link, string prop, Link? lower)
    {
        switch (prop.ToLowerInvariant())
        {
            case "maxbw": link.MaxBw = null; break;
            case "priority": link.Priority = "high"; break;
            case "protection": link.Protection = Protection.None; break;
            case "allowed-ips": link.AllowedIps = []; break;
            case "dynamic-methods" when SmartOs: link.DynamicMethods = ""; break;
            case "mtu": link.Mtu = lower?.Mtu ?? 1500; break;
            default: return ($"dladm: warning: invalid link property '{prop}'\n", "invalid argument");
        }

        return null;
    }

    /// <summary>Sets one property the way dladm validates it; returns the warning and status on failure.</summary>
    private (string Warning, string Status)? ApplyProperty(Link link, string prop, List<string> values, bool temporary, Link? lower, bool creating = false)
    {
        string CannotSet(string status) => $"dladm: warning: cannot set link property '{prop}' on '{link.Name}': {status}\n";
        var value = string.Join(',', values);
        switch (prop.ToLowerInvariant())
        {
            case "mtu":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var mtu) || mtu is < 68 or > 65536)
                {
                    return (CannotSet("invalid value"), "invalid value");
                }

                if ((lower is not null && mtu > lower.Mtu) || (link.Class == "vnic" && lower?.Class == "etherstub" && mtu < 576))
                {
                    return (CannotSet("invalid argument"), "invalid argument");
                }

                if (_links.Any(l => l.Over == link.Name && l.Mtu > mtu))
                {
                    return (CannotSet("link busy"), "link busy");
                }

                link.Mtu = mtu;
                return null;
            case "maxbw":
                if (!SpecNames.TryParseBandwidth(value, out var bits) || value.Length == 0 || value.Contains('%', StringComparison.Ordinal))
                {
                    return (CannotSet("invalid value"), "invalid value");
                }

                if (bits != 0 && bits < 1_200_000)
                {
                    return (CannotSet("minimum value for maxbw is 1200K"), "minimum value for maxbw is 1200K");
                }

                link.MaxBw = bits;
                return null;
            case "priority":
                var priority = value.ToLowerInvariant();
                if (priority is not ("low" or "medium" or "high"))
                {
                    return ("dladm: warning: link property 'priority' must be one of: low,medium,high\n", "invalid value");
                }

                link.Priority = priority;
                return null;
            case "protection":
                var flags = Protection.None;
                foreach (var v in values)
                {
                    var index = Array.IndexOf(ProtectionOrder, v.ToLowerInvariant());
                    if (index < 0)
                    {
                        return ($"dladm: warning: link property 'protection' must be one of: {string.Join(',', ProtectionOrder)}\n", "invalid value");
                    }

                    flags |= (Protection)(1 << index);
                }

                link.Protection = flags;
                return null;
            case "allowed-ips":
                var list = new List<string>();
                foreach (var v in values)
                {
                    if (AllowedIp(v) is not { } entry)
                    {
                        return (CannotSet("invalid IP address"), "invalid IP address");
                    }

                    list.Add(entry);
                }

                if (list.Count > 32)
                {
                    return (CannotSet("invalid number of values"), "invalid number of values");
                }

                link.AllowedIps = list;
                return null;
            case "dynamic-methods" when SmartOs:
                if (values.Any(v => v is not ("dhcpv4" or "dhcpv6" or "slaac" or "addrconf")))
                {
                    return ("dladm: warning: link property 'dynamic-methods' must be one of: dhcpv4,dhcpv6,slaac,addrconf\n", "invalid value");
                }

                link.DynamicMethods = string.Join(',', values);
                return null;
            case "zone":
                if (!temporary)
                {
                    return (CannotSet("change cannot be persistent"), "change cannot be persistent");
                }

                var zone = _zones.FirstOrDefault(z => z.Name == value);
                if (zone is null || zone.IpType != "excl" || zone.State is not ("ready" or "running"))
                {
                    return (CannotSet("invalid value"), "invalid value");
                }

                if (Find(link.Name, zone.Name) is { } clash && clash != link)
                {
                    return (CannotSet("object already exists"), "object already exists");
                }

                link.Zone = zone.Name;
                link.Transient = creating; // zone= at creation: zoneadmd deletes the VNIC when the zone halts
                return null;
            default:
                return ($"dladm: warning: invalid link property '{prop}'\n", "invalid argument");
        }
    }

    /// <summary>An allowed-ips entry with its prefix (/32, /128 added), or null when dladm refuses it.</summary>
    private static string? AllowedIp(string text)
    {
        IPNetwork network;
        if (text.Contains('/', StringComparison.Ordinal))
        {
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (!IPAddress.TryParse(text[..slash], out var address) || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var plen)
                || plen > (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
            {
                return null;
            }

            network = new IPNetwork(address, plen);
            if (!network.BaseAddress.Equals(address))
            {
                return null; // host bits set
            }
        }
        else if (IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        }
        else
        {
            return null;
        }

        var b = network.BaseAddress;
        return b.Equals(IPAddress.Any) || b.Equals(IPAddress.IPv6Any) || b.IsIPv4MappedToIPv6 ? null : network.ToString();
    }

    private bool KnownProperty(string p) =>
        p is "zone" or "mtu" or "maxbw" or "priority" or "protection" or "allowed-ips" || (SmartOs && p == "dynamic-methods");

    private static string FormatProtection(Protection flags) =>
        string.Join(',', ProtectionOrder.Where((_, i) => flags.HasFlag((Protection)(1 << i))));

    /// <summary>
    /// dladm's -p syntax: a token with '=' starts a property, other tokens add values to it; an empty token or value
    /// makes the whole list invalid (null).
    /// </summary>
    private static List<(string Name, List<string> Values)>? ParsePropertyList(string text)
    {
        var result = new List<(string, List<string>)>();
        foreach (var token in text.Split(','))
        {
            var eq = token.IndexOf('=', StringComparison.Ordinal);
            if (token.Length == 0 || eq == 0 || (eq < 0 && result.Count == 0) || (eq >= 0 && eq == token.Length - 1))
            {
                return null;
            }

            if (eq > 0)
            {
                result.Add((token[..eq].ToLowerInvariant(), [token[(eq + 1)..]]));
            }
            else
            {
                result[^1].Item2.Add(token);
            }
        }

        return result;
    }

    /// <summary>dladm_valid_linkname: at most 31 characters, [A-Za-z0-9_.], not starting with a digit, ending in a number without a leading zero.</summary>
    private static string? LinkNameError(string name)
    {
        if (name.Length > 31)
        {
            return $"dladm: link name too long '{name}'\n";
        }

        var digits = name.Length - name.AsSpan().TrimEnd("0123456789").Length;
        var valid = name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.')
            && digits > 0 && !(digits > 1 && name[^digits] == '0');
        return valid ? null : $"dladm: invalid link name '{name}'\n";
    }

    /// <summary>Looks a link up by name the way dlmgmtd does: in one zone's namespace only.</summary>
    private Link? Find(string name, string zone) => _links.FirstOrDefault(l => l.Name == name && l.Zone == zone);

    // ---- option and field handling (libofmt rules) ----------------------------------------------------------------

    private static bool Getopt(string[] args, string spec, out List<(char Option, string Value)> options, out List<string> operands, out Result error)
    {
        options = [];
        operands = [];
        error = default;
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a.Length < 2 || a[0] != '-' || operands.Count > 0)
            {
                operands.Add(a);
                continue;
            }

            var at = spec.IndexOf(a[1], StringComparison.Ordinal);
            if (at < 0)
            {
                error = Fail($"dladm: unrecognized option '-{a[1]}'\nusage: ...\n");
                return false;
            }

            var takesValue = at + 1 < spec.Length && spec[at + 1] == ':';
            if (!takesValue)
            {
                foreach (var c in a[1..])
                {
                    options.Add((c, ""));
                }

                continue;
            }

            if (a.Length > 2)
            {
                options.Add((a[1], a[2..]));
            }
            else if (++i < args.Length)
            {
                options.Add((a[1], args[i]));
            }
            else
            {
                error = Fail($"dladm: option '-{a[1]}' requires a value\nusage: ...\n");
                return false;
            }
        }

        return true;
    }

    private static string? Opt(List<(char Option, string Value)> options, char option) =>
        options.Where(o => o.Option == option).Select(o => o.Value).LastOrDefault();

    /// <summary>The requested fields in parseable mode, or the libofmt error for a bad request.</summary>
    private static string[]? Fields(List<(char Option, string Value)> options, string[] known, out Result? error, bool showLink = false)
    {
        error = null;
        var parseable = options.Any(o => o.Option is 'p' or 'c');
        var text = Opt(options, 'o');
        if (!parseable)
        {
            error = Fail("simulated dladm prints only parseable output\n");
            return null;
        }

        if (text is null)
        {
            error = Fail(showLink ? "dladm: -p requires -o\n" : "dladm: output fields must be specified in parsable mode\n");
            return null;
        }

        if (text.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            error = Fail(showLink ? "dladm: \"-o all\" is invalid with -p\n" : "dladm: output field `all' invalid in parsable mode\n");
            return null;
        }

        var fields = text.Split(',').Select(f => f.ToLowerInvariant()).ToArray();
        if (fields.FirstOrDefault(f => !known.Contains(f)) is { } unknown)
        {
            error = Fail($"dladm: unknown output field: `{unknown}'\n");
            return null;
        }

        return fields;
    }

    /// <summary>libofmt parseable rows: ':'-joined; with two or more fields ':' and '\' are escaped, with one the value is raw.</summary>
    private static string Table<T>(IEnumerable<T> rows, string[] fields, Func<T, string, string> value)
    {
        var s = new StringBuilder();
        foreach (var row in rows)
        {
            s.Append(string.Join(':', fields.Select(f => fields.Length == 1 ? value(row, f) : value(row, f).Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal))));
            s.Append('\n');
        }

        return s.ToString();
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
