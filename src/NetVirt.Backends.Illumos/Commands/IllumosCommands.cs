using System.Net;
using System.Net.Sockets;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Illumos.Parsing;
using NetVirt.Model.Addressing;
using NetVirt.Planning.Journal;

namespace NetVirt.Backends.Illumos.Commands;

/// <summary>
/// Operation → argv, pure. Absolute tool paths, no shell. Every object is temporary (<c>-t</c>): NetVirt's database
/// is the source of persistence and the reconciler re-applies it after boot. Commands for a non-global zone's IP
/// stack run through <c>zlogin zone ...</c>; zlogin joins its arguments into one command line for the zone's shell,
/// so each inner word is quoted (NetVirt's words never need it, but the quoting keeps that true by construction).
/// </summary>
public static class IllumosCommands
{
    /// <summary><c>dladm help</c>: the usage text the capability probe reads.</summary>
    public static CommandSpec Help() => CommandSpec.Of(IllumosTools.Dladm, "help");

    /// <summary><c>dladm show-link -p -o link,class,mtu,state,over</c>.</summary>
    public static CommandSpec ShowLink() => CommandSpec.Of(IllumosTools.Dladm, "show-link", "-p", "-o", string.Join(',', DladmParser.ShowLinkFields));

    /// <summary><c>dladm show-link -p -o class link</c>: one field, printed raw.</summary>
    public static CommandSpec ShowLinkClass(string link) => CommandSpec.Of(IllumosTools.Dladm, "show-link", "-p", "-o", "class", link);

    /// <summary><c>dladm show-vnic -p -o link,over,macaddress,vid</c>, plus <c>,zone</c> on SmartOS.</summary>
    public static CommandSpec ShowVnic(IllumosVariant variant) =>
        CommandSpec.Of(IllumosTools.Dladm, "show-vnic", "-p", "-o", string.Join(',', VnicFields(variant)));

    /// <summary>The fields <see cref="ShowVnic"/> asks for.</summary>
    public static IReadOnlyList<string> VnicFields(IllumosVariant variant) =>
        variant == IllumosVariant.SmartOs ? [.. DladmParser.ShowVnicFields, "zone"] : DladmParser.ShowVnicFields;

    /// <summary>
    /// <c>dladm show-linkprop -c -o link,property,value -p zone,...</c> over every link, zone links included (walks see
    /// links on loan to zones; lookups by name would not).
    /// </summary>
    public static CommandSpec ShowLinkProp(IllumosVariant variant) =>
        CommandSpec.Of(IllumosTools.Dladm, "show-linkprop", "-c", "-o", "link,property,value", "-p", string.Join(',', LinkProperties(variant)));

    /// <summary>The properties <see cref="ShowLinkProp"/> asks for.</summary>
    public static IReadOnlyList<string> LinkProperties(IllumosVariant variant) =>
        variant == IllumosVariant.SmartOs ? DladmParser.SmartOsLinkProperties : DladmParser.LinkProperties;

    /// <summary><c>zoneadm list -cp</c>: every configured zone with state, brand and IP type.</summary>
    public static CommandSpec ListZones() => CommandSpec.Of(IllumosTools.Zoneadm, "list", "-cp");

    /// <summary><c>ipadm show-if -p -o ifname,state</c> in <paramref name="zone"/> (null: global zone).</summary>
    public static CommandSpec ShowIf(string? zone) => InZone(zone, IllumosTools.Ipadm, "show-if", "-p", "-o", string.Join(',', IpadmParser.ShowIfFields));

    /// <summary><c>ipadm show-addr -p -o addrobj,type,state,addr</c> in <paramref name="zone"/>.</summary>
    public static CommandSpec ShowAddr(string? zone) => InZone(zone, IllumosTools.Ipadm, "show-addr", "-p", "-o", string.Join(',', IpadmParser.ShowAddrFields));

    /// <summary><c>ipadm show-addr -p -o type,addr if/tag</c> in <paramref name="zone"/>.</summary>
    public static CommandSpec ShowOneAddr(string? zone, string addrObj) =>
        InZone(zone, IllumosTools.Ipadm, "show-addr", "-p", "-o", string.Join(',', IpadmParser.ShowOneAddrFields), addrObj);

    /// <summary><c>netstat -rnv</c> in <paramref name="zone"/>: both routing tables with IPv4 masks.</summary>
    public static CommandSpec ShowRoutes(string? zone) => InZone(zone, IllumosTools.Netstat, "-rnv");

    /// <summary><c>dladm create-etherstub -t name</c>.</summary>
    public static CommandSpec CreateEtherstub(string name) => CommandSpec.Of(IllumosTools.Dladm, "create-etherstub", "-t", name);

    /// <summary><c>dladm delete-etherstub -t name</c>.</summary>
    public static CommandSpec DeleteEtherstub(string name) => CommandSpec.Of(IllumosTools.Dladm, "delete-etherstub", "-t", name);

    /// <summary>
    /// <c>dladm create-vnic -t -l over [-m mac] [-v vid] [-p props] name</c>. The MAC is written as illumos prints
    /// it; VLAN 0 means no <c>-v</c>. Properties may include <c>zone=</c>, which dladm accepts only with <c>-t</c>.
    /// </summary>
    public static CommandSpec CreateVnic(string name, string over, MacAddress? mac, int vlan, IReadOnlyList<(string Name, string Value)> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        List<string> args = ["create-vnic", "-t", "-l", over];
        if (mac is { } m)
        {
            args.AddRange(["-m", m.ToIllumosString()]);
        }

        if (vlan != 0)
        {
            args.AddRange(["-v", vlan.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        if (properties.Count > 0)
        {
            args.AddRange(["-p", PropertyList(properties)]);
        }

        args.Add(name);
        return CommandSpec.Of(IllumosTools.Dladm, [.. args]);
    }

    /// <summary><c>dladm delete-vnic -t [-z zone] name</c>; <paramref name="zoneOption"/> only on SmartOS.</summary>
    public static CommandSpec DeleteVnic(string name, string? zoneOption) =>
        CommandSpec.Of(IllumosTools.Dladm, ["delete-vnic", "-t", .. ZoneOption(zoneOption), name]);

    /// <summary><c>dladm set-linkprop -t [-z zone] -p p=v,... link</c>.</summary>
    public static CommandSpec SetLinkProp(string link, string? zoneOption, IReadOnlyList<(string Name, string Value)> properties) =>
        CommandSpec.Of(IllumosTools.Dladm, ["set-linkprop", "-t", .. ZoneOption(zoneOption), "-p", PropertyList(properties), link]);

    /// <summary>
    /// <c>dladm reset-linkprop -t [-z zone] -p p,... link</c>: the way to remove a value (an empty value makes the
    /// whole <c>-p</c> list invalid, and <c>maxbw=0</c> blocks all traffic).
    /// </summary>
    public static CommandSpec ResetLinkProp(string link, string? zoneOption, IReadOnlyList<string> properties) =>
        CommandSpec.Of(IllumosTools.Dladm, ["reset-linkprop", "-t", .. ZoneOption(zoneOption), "-p", string.Join(',', properties), link]);

    /// <summary><c>ipadm create-if -t name</c> in <paramref name="zone"/> (the classic name; <c>create-ip</c> is a newer alias).</summary>
    public static CommandSpec CreateIf(string? zone, string name) => InZone(zone, IllumosTools.Ipadm, "create-if", "-t", name);

    /// <summary><c>ipadm delete-if name</c> in <paramref name="zone"/>; removes the interface's addresses with it.</summary>
    public static CommandSpec DeleteIf(string? zone, string name) => InZone(zone, IllumosTools.Ipadm, "delete-if", name);

    /// <summary><c>ipadm create-addr -t -T static -a addr/plen if/tag</c>.</summary>
    public static CommandSpec CreateStaticAddr(string? zone, string addrObj, InterfaceAddress address) =>
        InZone(zone, IllumosTools.Ipadm, "create-addr", "-t", "-T", "static", "-a", address.ToString(), addrObj);

    /// <summary><c>ipadm create-addr -t -T dhcp if/tag</c>.</summary>
    public static CommandSpec CreateDhcpAddr(string? zone, string addrObj) =>
        InZone(zone, IllumosTools.Ipadm, "create-addr", "-t", "-T", "dhcp", addrObj);

    /// <summary>
    /// <c>ipadm create-addr -t -T addrconf if/tag</c>; with <paramref name="linkLocalOnly"/>, stateless and stateful
    /// configuration are off and only the link-local address static IPv6 needs is made.
    /// </summary>
    public static CommandSpec CreateAddrconfAddr(string? zone, string addrObj, bool linkLocalOnly) => linkLocalOnly
        ? InZone(zone, IllumosTools.Ipadm, "create-addr", "-t", "-T", "addrconf", "-p", "stateless=no,stateful=no", addrObj)
        : InZone(zone, IllumosTools.Ipadm, "create-addr", "-t", "-T", "addrconf", addrObj);

    /// <summary><c>ipadm delete-addr if/tag</c>.</summary>
    public static CommandSpec DeleteAddr(string? zone, string addrObj) => InZone(zone, IllumosTools.Ipadm, "delete-addr", addrObj);

    /// <summary><c>route add [-inet6] dest gateway</c> in <paramref name="zone"/>; dest is <c>default</c> or a prefix.</summary>
    public static CommandSpec AddRoute(string? zone, IPNetwork destination, IPAddress gateway) =>
        InZone(zone, IllumosTools.Route, ["add", .. RouteArguments(destination, gateway)]);

    /// <summary><c>route delete [-inet6] dest gateway</c> in <paramref name="zone"/>.</summary>
    public static CommandSpec DeleteRoute(string? zone, IPNetwork destination, IPAddress gateway) =>
        InZone(zone, IllumosTools.Route, ["delete", .. RouteArguments(destination, gateway)]);

    /// <summary>
    /// A dladm <c>-p</c> list: <c>name=value</c> pairs joined by ','. A value may itself be a comma list (the tokens
    /// after it that carry no '=' belong to it), so values must not contain '='.
    /// </summary>
    public static string PropertyList(IEnumerable<(string Name, string Value)> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        return string.Join(',', properties.Select(p => p.Value.Length == 0 || p.Value.Contains('=', StringComparison.Ordinal)
            ? throw new ArgumentException($"link property '{p.Name}' has value '{p.Value}', which a dladm -p list cannot carry")
            : $"{p.Name}={p.Value}"));
    }

    /// <summary>Runs <paramref name="executable"/> in <paramref name="zone"/> through zlogin, or directly for the global zone.</summary>
    public static CommandSpec InZone(string? zone, string executable, params string[] arguments) => zone is null
        ? CommandSpec.Of(executable, arguments)
        : CommandSpec.Of(IllumosTools.Zlogin, [zone, executable, .. arguments.Select(ShellQuoting.Quote)]);

    private static string[] ZoneOption(string? zone) => zone is null ? [] : ["-z", zone];

    private static string[] RouteArguments(IPNetwork destination, IPAddress gateway)
    {
        var dest = destination.PrefixLength == 0 ? "default" : destination.ToString();
        return gateway.AddressFamily == AddressFamily.InterNetworkV6 ? ["-inet6", dest, gateway.ToString()] : [dest, gateway.ToString()];
    }
}
