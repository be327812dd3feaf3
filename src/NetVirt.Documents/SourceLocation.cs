namespace NetVirt.Documents;

/// <summary>A position in a document: file, 1-based line and column.</summary>
public sealed record SourceLocation(string Source, int Line, int Column)
{
    /// <summary><c>file:line:column</c>.</summary>
    public override string ToString() => $"{Source}:{Line}:{Column}";
}
