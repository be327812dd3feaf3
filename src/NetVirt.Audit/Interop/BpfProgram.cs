using System.Runtime.InteropServices;

namespace NetVirt.Audit;

/// <summary>
/// <c>struct bpf_program</c> from pcap/bpf.h on LP64: <c>u_int bf_len</c>, 4 bytes of padding, then
/// <c>struct bpf_insn *bf_insns</c>; 16 bytes. Lives in native memory owned by <see cref="SafeBpfProgramHandle"/>.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal unsafe struct BpfProgram
{
    /// <summary><c>bf_len</c>: number of instructions.</summary>
    [FieldOffset(0)]
    public uint Length;

    /// <summary>Alignment padding before the pointer.</summary>
    [FieldOffset(4)]
    public uint Padding;

    /// <summary><c>bf_insns</c>: allocated by pcap_compile, released by pcap_freecode.</summary>
    [FieldOffset(8)]
    public void* Instructions;
}
