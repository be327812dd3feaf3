using System.Runtime.InteropServices;

namespace NetVirt.Audit;

/// <summary><c>struct pollfd</c> from poll.h: <c>int fd; short events; short revents;</c>, 8 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 8)]
internal struct PollFd
{
    /// <summary>File descriptor; negative entries are ignored by poll.</summary>
    [FieldOffset(0)]
    public int Fd;

    /// <summary>Requested events.</summary>
    [FieldOffset(4)]
    public short Events;

    /// <summary>Returned events.</summary>
    [FieldOffset(6)]
    public short ReturnedEvents;
}
