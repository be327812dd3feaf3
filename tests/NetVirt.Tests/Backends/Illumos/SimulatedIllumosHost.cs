using System.Globalization;
using System.Net;
using System.Text;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Illumos;
using NetVirt.Model.Addressing;
using NetVirt.Model.Errors;

namespace NetVirt.Tests.Backends.Illumos;

/// <summary>
/// An illumos host behind the command seam. It keeps datalinks (physical links, etherstubs, VNICs with their link
/// properties and zone), zones, and one IP stack per zone (interfaces, address objects, routes), answers the show
/// commands in the parseable formats of the reference (escaping included) and fails with the reference's error texts
/// and exit codes. It runs as SmartOS (dladm -z, ZONE column, dynamic-methods) or as upstream illumos (none of those,
/// and links a zone holds cannot be named from the global zone). Faults are injected by failing the n-th mutating
/// command; hand-made changes are ordinary commands run through <see cref="RunAsync"/> or the zone helpers.
/// </summary>
public sealed partial class SimulatedIllumosHost : ICommandRunner
{
    private const string Global = "global";
    private readonly List<Link> _links = [];
    private readonly List<Zone> _zones = [];
    private readonly Dictionary<string, IpStack> _stacks = new(StringComparer.Ordinal) { [Global] = new IpStack() };
    private int _nextLinkId = 1;
    private int _nextZoneId = 1;
    private int _randomMacs;
    private int? _failIn;
    private string _faultStderr = "";

    public SimulatedIllumosHost(IllumosVariant variant) => Variant = variant;

    public IllumosVariant Variant { get; }

    /// <summary>Every command run, in order.</summary>
    public List<CommandSpec> Commands { get; } = [];

    /// <summary>Mutating commands that changed (or tried to change) the host.</summary>
    public int Mutations { get; private set; }

    private bool SmartOs => Variant == IllumosVariant.SmartOs;

    /// <summary>A host with two physical NICs, as a test's starting point.</summary>
    public static SimulatedIllumosHost Create(IllumosVariant variant)
    {
        var host = new SimulatedIllumosHost(variant);
        host.AddPhysicalLink("e1000g0");
        host.AddPhysicalLink("e1000g1");
        return host;
    }

    public void AddPhysicalLink(string name, int mtu = 1500) =>
        _links.Add(new Link { Id = _nextLinkId++, Name = name, Class = "phys", Mtu = mtu, Mac = 0x000c293b0000UL + (ulong)_nextLinkId });

    public void AddZone(string name, string state = "running", string ipType = "excl")
    {
        _zones.Add(new Zone { Name = name, State = state, IpType = ipType, Id = state is "running" or "ready" ? _nextZoneId++ : null });
        _stacks[name] = new IpStack();
    }

    /// <summary>Halts or boots a zone as zoneadm would: a halt deletes its transient VNICs and returns the others.</summary>
    public void SetZoneState(string name, string state)
    {
        var zone = _zones.Single(z => z.Name == name);
        var wasUp = zone.State is "running" or "ready";
        zone.State = state;
        zone.Id = state is "running" or "ready" ? zone.Id ?? _nextZoneId++ : null;
        if (wasUp && zone.Id is null)
        {
            _links.RemoveAll(l => l.Zone == name && l.Transient);
            foreach (var link in _links.Where(l => l.Zone == name))
            {
                link.Zone = Global;
            }

            _stacks[name] = new IpStack();
        }
    }

    /// <summary>Makes the <paramref name="n"/>-th mutating command from now fail with <paramref name="stderr"/>, changing nothing.</summary>
    public void FailNthMutation(int n, string stderr = "dladm: create operation failed: try again later\n")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        (_failIn, _faultStderr) = (n, stderr);
    }

    public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        cancellationToken.ThrowIfCancellationRequested();
        Commands.Add(command);
        var (exit, stdout, stderr) = Dispatch(command.Executable, [.. command.Arguments], Global);
        return Task.FromResult(new CommandResult(command, exit, stdout, stderr, TimeSpan.FromMilliseconds(1)));
    }

    private Result Dispatch(string executable, string[] args, string zone) => executable switch
    {
        IllumosTools.Dladm when zone == Global => Dladm(args),
        IllumosTools.Ipadm => Ipadm(args, zone),
        IllumosTools.Netstat => Netstat(args, zone),
        IllumosTools.Route => RouteCommand(args, zone),
        IllumosTools.Zoneadm when zone == Global => Zoneadm(args),
        IllumosTools.Zlogin when zone == Global => Zlogin(args),
        _ => throw new BackendUnavailableException($"cannot run {executable}: No such file or directory"),
    };

    /// <summary>Counts a mutation; returns the injected failure when it is this one.</summary>
    private Result? Mutation()
    {
        Mutations++;
        if (_failIn is null || --_failIn > 0)
        {
            return null;
        }

        _failIn = null;
        return Fail(_faultStderr);
    }

    /// <summary>Everything the host holds, one object per line in a fixed order, for before/after comparisons.</summary>
    public string Snapshot()
    {
        var s = new StringBuilder();
        foreach (var l in _links.OrderBy(l => l.Zone, StringComparer.Ordinal).ThenBy(l => l.Name, StringComparer.Ordinal))
        {
            s.Append(CultureInfo.InvariantCulture, $"link {l.Zone}/{l.Name} {l.Class} over={l.Over} mac={new MacAddress(l.Mac)} vid={l.Vid} mtu={l.Mtu} ");
            s.Append(CultureInfo.InvariantCulture, $"maxbw={l.MaxBw} priority={l.Priority} protection={FormatProtection(l.Protection)} allowed-ips={string.Join(',', l.AllowedIps)} ");
            s.Append(CultureInfo.InvariantCulture, $"dynamic-methods={l.DynamicMethods} transient={l.Transient}\n");
        }

        foreach (var (zone, stack) in _stacks.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            foreach (var ipIf in stack.Interfaces.OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                s.Append(CultureInfo.InvariantCulture, $"ip-if {zone}/{ipIf.Name}\n");
                foreach (var a in ipIf.Addresses.OrderBy(a => a.Tag, StringComparer.Ordinal))
                {
                    s.Append(CultureInfo.InvariantCulture, $"addrobj {zone}/{ipIf.Name}/{a.Tag} {a.Type} {a.Display}\n");
                }
            }

            foreach (var r in stack.Routes.OrderBy(r => r.Destination.ToString(), StringComparer.Ordinal))
            {
                s.Append(CultureInfo.InvariantCulture, $"route {zone} {r.Destination} via {r.Gateway}\n");
            }
        }

        return s.ToString();
    }

    private static Result Ok(string stdout = "", string stderr = "") => new(0, stdout, stderr);

    private static Result Fail(string stderr, string stdout = "") => new(1, stdout, stderr);

    private readonly record struct Result(int Exit, string Stdout, string Stderr);

    private sealed class Link
    {
        public int Id { get; init; }

        public required string Name { get; set; }

        public required string Class { get; init; }

        public string Zone { get; set; } = Global;

        public string Over { get; init; } = "";

        public ulong Mac { get; init; }

        public bool FixedMac { get; init; }

        public int Vid { get; init; }

        public bool Transient { get; set; }

        public int Mtu { get; set; }

        public long? MaxBw { get; set; }

        public string Priority { get; set; } = "high";

        public NetVirt.Model.Spec.Protection Protection { get; set; }

        public List<string> AllowedIps { get; set; } = [];

        public string DynamicMethods { get; set; } = "";
    }

    private sealed class Zone
    {
        public required string Name { get; init; }

        public required string State { get; set; }

        public required string IpType { get; init; }

        public int? Id { get; set; }
    }

    private sealed class IpStack
    {
        public List<IpInterface> Interfaces { get; } = [];

        public List<RouteEntry> Routes { get; } = [];
    }

    private sealed class IpInterface
    {
        public required string Name { get; init; }

        public List<Address> Addresses { get; } = [];
    }

    private sealed class Address
    {
        public required string Tag { get; init; }

        public required string Type { get; init; }

        public InterfaceAddress? Value { get; init; }

        public string Display => Value?.ToString() ?? "?";
    }

    private sealed record RouteEntry(IPNetwork Destination, IPAddress Gateway);
}
