namespace NetVirt.Documents;

/// <summary>The text of one document and the name to report errors under (a file path, <c>-</c>, <c>request body</c>).</summary>
public sealed record DocumentSource(string Name, string Text)
{
    /// <summary>Reads a file; <c>-</c> reads standard input.</summary>
    public static DocumentSource FromFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path == "-" ? new DocumentSource("<stdin>", Console.In.ReadToEnd()) : new DocumentSource(path, File.ReadAllText(path));
    }
}
