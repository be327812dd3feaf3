namespace NetVirt.Backends.Linux.Netlink;

/// <summary>The kernel's answer to one request: 0 or a positive errno, with the extended-ack message if it sent one.</summary>
internal readonly record struct NetlinkResult(int Errno, string? Message)
{
    /// <summary>True when the request succeeded.</summary>
    public bool Succeeded => Errno == 0;

    /// <summary><c>File exists (errno 17)</c>, with the kernel's own message when there is one.</summary>
    public override string ToString() => Errno == 0 ? "ok" : Message is { Length: > 0 } m ? $"{Interop.Describe(Errno)}: {m}" : Interop.Describe(Errno);
}
