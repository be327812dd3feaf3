using NetVirt.Model.Addressing;

namespace NetVirt.Model.Spec;

/// <summary>Settings that apply to the whole model.</summary>
public sealed record ModelSettings
{
    /// <summary>Default prefix for generated MACs, as SmartOS: 2:8:20 (locally administered, unicast).</summary>
    public static readonly MacPrefix DefaultMacPrefix = MacPrefix.Parse("2:8:20");

    /// <summary>Prefix under which <c>mac: auto</c> VNICs get their MAC addresses.</summary>
    public MacPrefix MacPrefix { get; init; } = DefaultMacPrefix;
}
