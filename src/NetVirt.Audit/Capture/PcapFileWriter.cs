using System.Buffers.Binary;

namespace NetVirt.Audit.Capture;

/// <summary>
/// Writes a classic libpcap savefile (magic <c>0xa1b2c3d4</c>, version 2.4, microsecond timestamps, little-endian),
/// which Wireshark and <c>tcpdump -r</c> read. Records are written to the stream as they come; call
/// <see cref="FlushAsync"/> or dispose to push buffered bytes out. Not thread-safe.
/// </summary>
public sealed class PcapFileWriter : IDisposable, IAsyncDisposable
{
    /// <summary>Magic number of a microsecond-resolution savefile.</summary>
    public const uint MagicMicroseconds = 0xa1b2c3d4;

    /// <summary>Size of the file header.</summary>
    public const int FileHeaderLength = 24;

    /// <summary>Size of each record header.</summary>
    public const int RecordHeaderLength = 16;

    private readonly Stream stream;
    private readonly bool leaveOpen;
    private bool disposed;

    /// <summary>Starts a savefile on <paramref name="stream"/> and writes its file header.</summary>
    /// <param name="stream">Writable destination.</param>
    /// <param name="linkType">LINKTYPE_ value of every record (<see cref="LinkTypes"/>).</param>
    /// <param name="snapshotLength">Largest record length; longer frames are cut and keep their original length.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open on dispose.</param>
    public PcapFileWriter(Stream stream, int linkType = LinkTypes.Ethernet, int snapshotLength = 65535, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snapshotLength);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("stream is not writable", nameof(stream));
        }

        this.stream = stream;
        this.leaveOpen = leaveOpen;
        LinkType = linkType;
        SnapshotLength = snapshotLength;

        Span<byte> header = stackalloc byte[FileHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, MagicMicroseconds);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2); // version_major
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4); // version_minor
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0); // thiszone: timestamps are UTC
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // sigfigs
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], snapshotLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], linkType);
        stream.Write(header);
    }

    /// <summary>LINKTYPE_ value written in the file header.</summary>
    public int LinkType { get; }

    /// <summary>Snapshot length written in the file header.</summary>
    public int SnapshotLength { get; }

    /// <summary>Records written so far.</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>Creates (or truncates) the file at <paramref name="path"/> and starts a savefile in it.</summary>
    public static PcapFileWriter Create(string path, int linkType = LinkTypes.Ethernet, int snapshotLength = 65535) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read), linkType, snapshotLength);

    /// <summary>Appends one record.</summary>
    /// <param name="frame">Frame bytes; cut to <see cref="SnapshotLength"/> when longer.</param>
    /// <param name="timestampMicroseconds">Microseconds since the Unix epoch.</param>
    /// <param name="originalLength">Length on the wire, or -1 for <paramref name="frame"/>'s length.</param>
    public void WriteRecord(ReadOnlySpan<byte> frame, long timestampMicroseconds, int originalLength = -1)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(timestampMicroseconds);
        var included = Math.Min(frame.Length, SnapshotLength);
        var original = originalLength < 0 ? frame.Length : Math.Max(originalLength, included);

        Span<byte> header = stackalloc byte[RecordHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, checked((uint)(timestampMicroseconds / 1_000_000)));
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(timestampMicroseconds % 1_000_000));
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], included);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], original);
        stream.Write(header);
        stream.Write(frame[..included]);
        RecordsWritten++;
    }

    /// <summary>Appends a captured frame with its timestamp and original length.</summary>
    public void WriteRecord(CapturedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        WriteRecord(frame.Data, frame.Info.TimestampMicroseconds, frame.Info.OriginalLength);
    }

    /// <summary>Flushes the underlying stream.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => stream.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        stream.Flush();
        if (!leaveOpen)
        {
            stream.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await stream.FlushAsync().ConfigureAwait(false);
        if (!leaveOpen)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
