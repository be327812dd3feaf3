using System.Net;

namespace NetVirt.Store.Ipam;

/// <summary>
/// What the next automatic allocation would take: a never-used address (<see cref="Fresh"/>), or a released one
/// (<see cref="ReleasedRowId"/>), or nothing when the network is exhausted.
/// </summary>
/// <param name="Address">The address, or null when none is free.</param>
/// <param name="ReleasedRowId">Row of the released address to reuse, when not fresh.</param>
/// <param name="NewCursor">Cursor key to store once the address is taken.</param>
/// <param name="Fresh">True for a never-used address.</param>
public sealed record NextChoice(IPAddress? Address, long? ReleasedRowId, byte[]? NewCursor, bool Fresh);
