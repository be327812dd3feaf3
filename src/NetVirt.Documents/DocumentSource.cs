namespace NetVirt.Documents;

/// <summary>The text of one document and the name to report errors under (a file path, <c>-</c>, <c>request body</c>).</summary>
public sealed record DocumentSource(string Name, string Text)
{
    /// <summary>
    /// Reads a file; <c>-</c> reads standard input. Reads at most one character past <see cref="DocumentLimits.MaxChars"/>,
    /// so a huge file or an endless pipe costs no more memory than the limit before the loader refuses it.
    /// </summary>
    public static DocumentSource FromFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == "-")
        {
            return new DocumentSource("<stdin>", ReadBounded(Console.In));
        }

        using var reader = new StreamReader(path);
        return new DocumentSource(path, ReadBounded(reader));
    }

    private static string ReadBounded(TextReader reader)
    {
        var buffer = new char[64 * 1024];
        var text = new System.Text.StringBuilder();
        int read;
        while (text.Length <= DocumentLimits.MaxChars && (read = reader.Read(buffer, 0, Math.Min(buffer.Length, DocumentLimits.MaxChars + 1 - text.Length))) > 0)
        {
            text.Append(buffer, 0, read);
        }

        return text.ToString();
    }
}
