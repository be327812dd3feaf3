using System.Runtime.InteropServices;

namespace NetVirt.Audit.Capture;

/// <summary>
/// One libpcap handle. libpcap does not promise that a <c>pcap_t</c> is safe to use from two threads at once, and the
/// audit injects from one thread while the multiplexer reads on another, so every call takes the handle's lock.
/// </summary>
internal sealed unsafe class LibpcapCaptureHandle : ICaptureHandle
{
    private readonly SafePcapHandle pcap;
    private readonly Lock gate = new();

    private LibpcapCaptureHandle(SafePcapHandle pcap, CaptureTarget target, CaptureDirection direction, int linkType)
    {
        this.pcap = pcap;
        Target = target;
        Direction = direction;
        LinkType = linkType;
    }

    /// <inheritdoc />
    public CaptureTarget Target { get; }

    /// <inheritdoc />
    public int LinkType { get; }

    /// <inheritdoc />
    public CaptureDirection Direction { get; }

    /// <inheritdoc />
    public int SelectableFileDescriptor
    {
        get
        {
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(pcap.IsClosed, this);
                return Interop.Pcap.GetSelectableFd(pcap);
            }
        }
    }

    /// <summary>
    /// Creates, configures and activates a handle on the calling thread, which must already be in the target's
    /// namespace: activation binds the packet socket to the interface index of that namespace.
    /// </summary>
    internal static LibpcapCaptureHandle Open(CaptureTarget target, CaptureOptions options)
    {
        var errorBuffer = stackalloc byte[Interop.Pcap.ErrorBufferSize];
        errorBuffer[0] = 0;
        var pcap = Interop.Pcap.Create(target.InterfaceName, errorBuffer);
        if (pcap.IsInvalid)
        {
            pcap.Dispose();
            throw new PcapException("pcap_create", target, Interop.Pcap.Error, ReadText(errorBuffer));
        }

        try
        {
            CheckSetting(pcap, target, "pcap_set_snaplen", Interop.Pcap.SetSnapshotLength(pcap, options.SnapshotLength));
            CheckSetting(pcap, target, "pcap_set_promisc", Interop.Pcap.SetPromiscuous(pcap, options.Promiscuous ? 1 : 0));
            CheckSetting(pcap, target, "pcap_set_timeout", Interop.Pcap.SetTimeout(pcap, options.ReadTimeoutMilliseconds));
            CheckSetting(pcap, target, "pcap_set_immediate_mode", Interop.Pcap.SetImmediateMode(pcap, options.ImmediateMode ? 1 : 0));
            CheckSetting(pcap, target, "pcap_set_buffer_size", Interop.Pcap.SetBufferSize(pcap, options.BufferSize));

            // > 0 is a warning (e.g. promiscuous mode not supported): the handle works, so it is not an error here.
            var status = Interop.Pcap.Activate(pcap);
            if (status < 0)
            {
                throw new PcapException("pcap_activate", target, status, Describe(status, ErrorText(pcap)));
            }

            errorBuffer[0] = 0;
            if (Interop.Pcap.SetNonBlock(pcap, 1, errorBuffer) < 0)
            {
                throw new PcapException("pcap_setnonblock", target, Interop.Pcap.Error, ReadText(errorBuffer));
            }

            if (options.Direction != CaptureDirection.Both
                && Interop.Pcap.SetDirection(pcap, (Interop.Pcap.Direction)options.Direction) != 0)
            {
                throw new PcapException("pcap_setdirection", target, Interop.Pcap.Error, ErrorText(pcap));
            }

            if (options.Filter is not null)
            {
                InstallFilter(pcap, target, options.Filter);
            }

            var linkType = Interop.Pcap.DataLink(pcap);
            return new LibpcapCaptureHandle(pcap, target, options.Direction, linkType);
        }
        catch
        {
            pcap.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void SetFilter(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(pcap.IsClosed, this);
            InstallFilter(pcap, Target, expression);
        }
    }

    /// <inheritdoc />
    public void Inject(ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty)
        {
            throw new ArgumentException("cannot inject an empty frame", nameof(frame));
        }

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(pcap.IsClosed, this);
            int written;
            fixed (byte* data = frame)
            {
                written = Interop.Pcap.Inject(pcap, data, (nuint)frame.Length);
            }

            if (written < 0)
            {
                throw new PcapException("pcap_inject", Target, written, ErrorText(pcap));
            }

            if (written != frame.Length)
            {
                throw new PcapException("pcap_inject", Target, written, $"short write: {written} of {frame.Length} bytes");
            }
        }
    }

    /// <inheritdoc />
    public int Receive(CaptureFrameCallback callback, int maxFrames)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrames);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(pcap.IsClosed, this);
            var delivered = 0;
            while (delivered < maxFrames)
            {
                PcapPacketHeader* header;
                byte* data;
                var status = Interop.Pcap.NextEx(pcap, &header, &data);
                if (status == 0)
                {
                    break;
                }

                if (status != 1)
                {
                    throw new PcapException("pcap_next_ex", Target, status, ErrorText(pcap));
                }

                var info = new CaptureFrameInfo(
                    (header->Seconds * 1_000_000) + header->Microseconds,
                    (int)header->CapturedLength,
                    (int)header->OriginalLength);
                callback(new ReadOnlySpan<byte>(data, (int)header->CapturedLength), info);
                delivered++;
            }

            return delivered;
        }
    }

    /// <inheritdoc />
    public CaptureStatistics GetStatistics()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(pcap.IsClosed, this);
            PcapStat stat;
            if (Interop.Pcap.Stats(pcap, &stat) != 0)
            {
                throw new PcapException("pcap_stats", Target, Interop.Pcap.Error, ErrorText(pcap));
            }

            return new CaptureStatistics(stat.Received, stat.Dropped, stat.InterfaceDropped);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (gate)
        {
            pcap.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"libpcap capture on {Target}";

    private static void InstallFilter(SafePcapHandle pcap, CaptureTarget target, string expression)
    {
        using var program = SafeBpfProgramHandle.Allocate();
        if (Interop.Pcap.Compile(pcap, program.Program, expression, 1, Interop.Pcap.NetmaskUnknown) != 0)
        {
            throw new PcapException("pcap_compile", target, Interop.Pcap.Error, $"filter '{expression}': {ErrorText(pcap)}");
        }

        if (Interop.Pcap.SetFilter(pcap, program) != 0)
        {
            throw new PcapException("pcap_setfilter", target, Interop.Pcap.Error, $"filter '{expression}': {ErrorText(pcap)}");
        }
    }

    private static void CheckSetting(SafePcapHandle pcap, CaptureTarget target, string operation, int status)
    {
        // The pcap_set_* calls only fail on an already activated handle; check anyway, as every return code is.
        if (status != 0)
        {
            throw new PcapException(operation, target, status, Describe(status, ErrorText(pcap)));
        }
    }

    private static string ErrorText(SafePcapHandle pcap) => Marshal.PtrToStringUTF8((nint)Interop.Pcap.GetError(pcap)) ?? string.Empty;

    // For some statuses libpcap leaves pcap_geterr empty or equal to the generic status text; say it once.
    private static string Describe(int status, string errorText)
    {
        var statusText = StatusText(status);
        if (errorText.Length == 0)
        {
            return statusText;
        }

        return errorText.Contains(statusText, StringComparison.Ordinal) ? errorText : $"{statusText}: {errorText}";
    }

    private static string StatusText(int status) => Marshal.PtrToStringUTF8((nint)Interop.Pcap.StatusToString(status)) ?? $"status {status}";

    // libpcap always NUL-terminates what it writes into the PCAP_ERRBUF_SIZE buffer.
    private static string ReadText(byte* errorBuffer) => Marshal.PtrToStringUTF8((nint)errorBuffer) ?? string.Empty;
}
