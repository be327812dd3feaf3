using System.Runtime.CompilerServices;
using NetVirt.Model.Spec;

namespace NetVirt.Model.Validation;

/// <summary>
/// Checks a whole <see cref="NetworkModel"/> and reports every error in one pass. Pure: no I/O, no clock.
/// Per-kind rules run first (etherstubs, links, networks, pools, zones with their VNICs and addresses), then the
/// model-wide rules (duplicates, references, overlapping subnets, MTU nesting).
/// </summary>
/// <remarks>
/// Syntax (is this a CIDR, a MAC, an integer) is checked where text becomes a typed spec, in the document loader;
/// this class checks meaning. A model built in code therefore gets the same checks as one read from YAML.
/// </remarks>
public sealed partial class ModelValidator
{
    /// <summary>Smallest MTU NetVirt accepts (IPv4 minimum datagram size).</summary>
    public const int MinMtu = 576;

    /// <summary>Largest MTU NetVirt accepts (jumbo frames).</summary>
    public const int MaxMtu = 9000;

    /// <summary>Smallest non-zero <c>maxbw</c> dladm accepts (1200K).</summary>
    public const long MinBandwidth = 1_200_000;

    /// <summary>
    /// Largest <c>maxbw</c>: 1000G. Beyond it a limit means nothing on any NIC of today, and tc's token bucket (10 ms of
    /// the rate, a 32-bit byte count) could no longer hold it.
    /// </summary>
    public const long MaxBandwidth = 1_000_000_000_000;

    private readonly NetworkModel _model;
    private readonly HostTarget _target;
    private readonly List<ValidationError> _errors = [];
    private readonly Dictionary<string, EtherstubSpec> _etherstubs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LinkSpec> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkSpec> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PoolSpec> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Network, System.Net.Sockets.AddressFamily Family), UInt128> _usable = [];
    private readonly Dictionary<(string Network, System.Net.Sockets.AddressFamily Family), UInt128> _autoCount = [];

    private ModelValidator(NetworkModel model, HostTarget target)
    {
        _model = model;
        _target = target;
        foreach (var e in model.Etherstubs)
        {
            _etherstubs.TryAdd(e.Name, e);
        }

        foreach (var l in model.Links)
        {
            _links.TryAdd(l.Name, l);
        }

        foreach (var n in model.Networks)
        {
            _networks.TryAdd(n.Name, n);
        }

        foreach (var p in model.Pools)
        {
            _pools.TryAdd(p.Name, p);
        }
    }

    /// <summary>Validates <paramref name="model"/> for <paramref name="target"/>.</summary>
    public static ValidationResult Validate(NetworkModel model, HostTarget target = HostTarget.Any)
    {
        ArgumentNullException.ThrowIfNull(model);
        var results = Validated.GetOrCreateValue(model);
        lock (results)
        {
            if (results.TryGetValue(target, out var known))
            {
                return known;
            }
        }

        var validator = new ModelValidator(model, target);
        validator.Run();
        var result = validator._errors.Count == 0 ? ValidationResult.Valid : new ValidationResult(validator._errors);
        lock (results)
        {
            results[target] = result;
        }

        return result;
    }

    // Validation is pure and a model is immutable, so the result for one instance and target is kept as long as the
    // instance lives: `apply -f` validates its documents' model to report errors with their lines, then the store
    // validates the same instance again inside its write (1,000 zones: 25-35 ms each time).
    private static readonly ConditionalWeakTable<NetworkModel, Dictionary<HostTarget, ValidationResult>> Validated = new();

    /// <summary>
    /// What is valid but most likely not meant, reported beside a successful validation and never blocking a store:
    /// a VNIC on a network or pool with subnets but without <c>addresses</c> gets no IP address and no route.
    /// </summary>
    /// <remarks>
    /// A warning rather than a default address: defaulting would change what stored documents mean (every such VNIC would
    /// get an address on the next apply, silently), and it would leave no way to ask for a layer-2-only VNIC, which is
    /// legitimate (a zone that runs its own DHCP client or bridges traffic). <c>POST /vnics</c>, the path for
    /// orchestrators asking for one container's NIC, does default to one automatic address per family, and says so.
    /// </remarks>
    public static IReadOnlyList<ValidationError> Warnings(NetworkModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var networks = model.Networks.GroupBy(n => n.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var pools = model.Pools.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var warnings = new List<ValidationError>();
        for (var z = 0; z < model.Zones.Count; z++)
        {
            var zone = model.Zones[z];
            for (var v = 0; v < zone.Vnics.Count; v++)
            {
                var vnic = zone.Vnics[v];
                var where = vnic.Network is { } n && networks.TryGetValue(n, out var network) && network.Subnets.Any() ? $"network '{n}'"
                    : vnic.Pool is { } p && pools.TryGetValue(p, out var pool) && pool.Networks.Any(x => networks.TryGetValue(x, out var pn) && pn.Subnets.Any()) ? $"pool '{p}'"
                    : null;
                if (vnic.Addresses.IsEmpty && where is not null)
                {
                    warnings.Add(new ValidationError($"zones[{z}].vnics[{v}].addresses", "vnic.no-addresses",
                        $"zone '{zone.Name}' vnic '{vnic.Name}' is on {where} but has no 'addresses': it gets no IP address and no route, only layer 2. " +
                        "Add e.g. 'addresses: [{ tag: v4, address: auto }]' if it should have one"));
                }
            }
        }

        return warnings;
    }

    private void Run()
    {
        for (var i = 0; i < _model.Etherstubs.Count; i++)
        {
            ValidateEtherstub($"etherstubs[{i}]", _model.Etherstubs[i]);
        }

        for (var i = 0; i < _model.Links.Count; i++)
        {
            ValidateLink($"links[{i}]", _model.Links[i]);
        }

        for (var i = 0; i < _model.Networks.Count; i++)
        {
            ValidateNetwork($"networks[{i}]", _model.Networks[i]);
        }

        for (var i = 0; i < _model.Pools.Count; i++)
        {
            ValidatePool($"pools[{i}]", _model.Pools[i]);
        }

        for (var i = 0; i < _model.Zones.Count; i++)
        {
            ValidateZone($"zones[{i}]", _model.Zones[i]);
        }

        ValidateSettings();
        ValidateHosts();
        ValidateUniqueNames();
        ValidateSubnetOverlaps();
        ValidateUniqueMacs();
        ValidateUniqueAddresses();
    }

    private void Report(string path, string code, string message) => _errors.Add(new ValidationError(path, code, message));

    private void ValidateSettings()
    {
        var prefix = _model.Settings.MacPrefix;
        if (prefix.First.IsMulticast)
        {
            Report("settings.mac-prefix", "mac-prefix.multicast",
                $"mac-prefix {prefix} has the group (multicast) bit set in its first octet, so every MAC under it would be a multicast address; a VNIC needs a unicast MAC (e.g. 2:8:20)");
        }
    }

    private void CheckMtu(string path, int? mtu, string what)
    {
        if (mtu is { } m && m is < MinMtu or > MaxMtu)
        {
            Report(path, "mtu.out-of-range", $"{what}: MTU {m} is outside {MinMtu}–{MaxMtu}");
        }
    }

    /// <summary>
    /// dladm naming rules. Etherstubs and VNICs are named in Crossbow's words on every target (so a model moves
    /// between hosts unchanged); a physical link follows the rules of the host it lives on.
    /// </summary>
    private void CheckLinkName(string path, string name, string what, bool hostOwned = false)
    {
        if ((!hostOwned || _target != HostTarget.Linux) && NameRules.CheckLinkName(name) is { } problem)
        {
            Report(path, "name.invalid-link-name", $"{what} name '{name}' {problem}");
        }
    }

    private void CheckLinuxName(string path, string name, string what)
    {
        if (_target != HostTarget.Illumos && NameRules.CheckLinuxInterfaceName(name) is { } problem)
        {
            Report(path, "name.invalid-linux-name", $"{what} name '{name}' {problem}");
        }
    }

    private void CheckVlan(string path, int vlan, string what)
    {
        if (vlan is < 0 or > 4094)
        {
            Report(path, "vlan.out-of-range", $"{what}: VLAN id {vlan} is outside 1–4094 (0 = untagged)");
        }
    }

    /// <summary>
    /// MTU of the etherstub or link called <paramref name="name"/>, if it exists and is itself valid (an invalid
    /// parent MTU is reported once, on the parent, not again on everything above it).
    /// </summary>
    private int? MtuOfLower(string name)
    {
        var mtu = _etherstubs.TryGetValue(name, out var e) ? e.EffectiveMtu : _links.TryGetValue(name, out var l) ? l.EffectiveMtu : (int?)null;
        return mtu is >= MinMtu and <= MaxMtu ? mtu : null;
    }

    private bool LowerExists(string name) => _etherstubs.ContainsKey(name) || _links.ContainsKey(name);
}
