using System.Runtime.InteropServices;

namespace NetVirt.Audit;

/// <summary>
/// Owns a natively allocated <see cref="BpfProgram"/> and the instructions <c>pcap_compile</c> put in it; release
/// calls <c>pcap_freecode</c> and frees the struct. libpcap copies the program on <c>pcap_setfilter</c>, so the
/// handle can be disposed right after installing it.
/// </summary>
internal sealed unsafe class SafeBpfProgramHandle : SafeHandle
{
    private SafeBpfProgramHandle()
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    /// <summary>The struct to pass to <c>pcap_compile</c>; valid while the handle is alive.</summary>
    internal BpfProgram* Program => (BpfProgram*)handle;

    /// <summary>Allocates a zeroed <c>struct bpf_program</c> (pcap_freecode on a zeroed one is a no-op).</summary>
    internal static SafeBpfProgramHandle Allocate()
    {
        var result = new SafeBpfProgramHandle();
        var memory = NativeMemory.AllocZeroed((nuint)sizeof(BpfProgram));
        result.SetHandle((nint)memory);
        return result;
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        var program = (BpfProgram*)handle;
        Interop.Pcap.FreeCode(program);
        NativeMemory.Free(program);
        return true;
    }
}
