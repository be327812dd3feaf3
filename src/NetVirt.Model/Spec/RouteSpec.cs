using System.Net;

namespace NetVirt.Model.Spec;

/// <summary>A route inside a zone: <see cref="Destination"/> via <see cref="Gateway"/>.</summary>
public sealed record RouteSpec
{
    /// <summary>Destination prefix; 0.0.0.0/0 or ::/0 for a default route.</summary>
    public required IPNetwork Destination { get; init; }

    /// <summary>Next hop.</summary>
    public required IPAddress Gateway { get; init; }

    /// <summary>True for 0.0.0.0/0 and ::/0.</summary>
    public bool IsDefault => Destination.PrefixLength == 0;
}
