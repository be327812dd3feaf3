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

    private readonly NetworkModel _model;
    private readonly HostTarget _target;
    private readonly List<ValidationError> _errors = [];
    private readonly Dictionary<string, EtherstubSpec> _etherstubs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LinkSpec> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkSpec> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PoolSpec> _pools = new(StringComparer.Ordinal);

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
        var validator = new ModelValidator(model, target);
        validator.Run();
        return validator._errors.Count == 0 ? ValidationResult.Valid : new ValidationResult(validator._errors);
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

        ValidateUniqueNames();
        ValidateSubnetOverlaps();
        ValidateUniqueMacs();
        ValidateUniqueAddresses();
    }

    private void Report(string path, string code, string message) => _errors.Add(new ValidationError(path, code, message));

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
