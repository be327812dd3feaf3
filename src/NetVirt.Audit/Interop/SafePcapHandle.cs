using Microsoft.Win32.SafeHandles;

namespace NetVirt.Audit;

/// <summary>Owns a <c>pcap_t *</c>; released with <c>pcap_close</c>, which also closes the packet socket.</summary>
internal sealed class SafePcapHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Called by the generated <c>pcap_create</c> stub.</summary>
    public SafePcapHandle()
        : base(ownsHandle: true)
    {
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        Interop.Pcap.Close(handle);
        return true;
    }
}
