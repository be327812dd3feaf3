using System.Net;
using NetVirt.Model.Addressing;

namespace NetVirt.Model.Spec;

/// <summary>An address or inclusive range that automatic allocation never hands out, with a note saying why.</summary>
public sealed record ReservationSpec
{
    /// <summary>First reserved address.</summary>
    public required IPAddress First { get; init; }

    /// <summary>Last reserved address (equal to <see cref="First"/> for a single address).</summary>
    public required IPAddress Last { get; init; }

    /// <summary>Why it is reserved.</summary>
    public string? Note { get; init; }

    /// <summary>The reserved range.</summary>
    public IpRange Range => new(First, Last);
}
