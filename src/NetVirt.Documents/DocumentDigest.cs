using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace NetVirt.Documents;

/// <summary>
/// A SHA-256 digest of documents as the loader reads them, for "are these the documents stored last?" (the store keeps
/// it beside the generation they made: <c>NetVirtStore.UnchangedDocuments</c>). It covers each text, in order and with
/// its length (a merge depends on both), and a context the caller gives: whatever else decides what storing them does,
/// such as the host target and the build of the code that reads, validates and stores them. Not the files' names: they
/// only name where an error is, and documents with errors are never stored. Pure.
/// </summary>
public static class DocumentDigest
{
    // Bumped when what the digest covers changes, so digests of different meanings never match.
    private const string Format = "netvirt-documents-digest/1";

    /// <summary>The digest of <paramref name="sources"/> under <paramref name="context"/>: 64 lowercase hex characters.</summary>
    public static string Of(IReadOnlyList<DocumentSource> sources, string context)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(context);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, Format);
        Append(hash, context);
        foreach (var source in sources)
        {
            Append(hash, source.Text);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // The text's UTF-16 code units as they are (no encoding step that could map two texts to the same bytes), after
    // their count, so that no two lists of texts give the same stream.
    private static void Append(IncrementalHash hash, string text)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, text.Length);
        hash.AppendData(length);
        hash.AppendData(MemoryMarshal.AsBytes(text.AsSpan()));
    }
}
