using NetVirt.Model.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace NetVirt.Documents;

/// <summary>
/// Bounds on what a document may cost to read, so hostile input is refused with an error instead of taking the process
/// down: YamlDotNet builds its node tree by recursion, one level per nesting level, so 50,000 nested <c>[</c> (100 KB)
/// overflowed the stack and killed the CLI and the API server with it; and aliases can make a small document expand
/// into billions of nodes ("billion laughs"). The limits are far above any real document: a model of 10,000 zones
/// nests 7 levels deep and has about 40 nodes per zone.
/// </summary>
public static class DocumentLimits
{
    /// <summary>Deepest nesting of mappings and lists.</summary>
    public const int MaxDepth = 64;

    /// <summary>Largest document text, in characters (64 Mi): some 200,000 zones.</summary>
    public const int MaxChars = 64 * 1024 * 1024;

    /// <summary>Most nodes a document may hold once its aliases are expanded (each alias counts the nodes it stands for).</summary>
    public const long MaxExpandedNodes = 10_000_000;

    /// <summary>
    /// Parses <paramref name="text"/> into a YAML stream within the limits. Returns null with the error to report when
    /// the text is not YAML or breaks a limit.
    /// </summary>
    internal static YamlStream? Load(string source, string text, string errorPath, out ValidationError? error)
    {
        error = null;
        if (text.Length > MaxChars)
        {
            error = new ValidationError(errorPath, "document.too-large",
                $"{source} is {text.Length:N0} characters long; documents may have at most {MaxChars:N0} (split the desired state over several files)");
            return null;
        }

        var stream = new YamlStream();
        var parser = new LimitedParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
            return stream;
        }
        catch (DocumentLimitException ex)
        {
            var location = new SourceLocation(source, (int)ex.Start.Line, (int)ex.Start.Column);
            error = new ValidationError(errorPath, ex.Code, $"{location}: {ex.Message}");
            return null;
        }
        catch (YamlException ex)
        {
            var location = new SourceLocation(source, (int)ex.Start.Line, (int)ex.Start.Column);
            error = new ValidationError(errorPath, "yaml.syntax", $"{location}: {Innermost(ex).Message}");
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or IndexOutOfRangeException)
        {
            // YamlDotNet's scanner throws these on some malformed input (found by the hostile-input property test, e.g. a
            // plain scalar cut off inside a flow mapping) instead of a YamlException: still a syntax error, not a crash.
            var location = new SourceLocation(source, (int)parser.Last.Line, (int)parser.Last.Column);
            error = new ValidationError(errorPath, "yaml.syntax", $"{location}: the text is not valid YAML after this point");
            return null;
        }
    }

    private static Exception Innermost(Exception ex) => ex.InnerException is YamlException inner ? Innermost(inner) : ex;

    /// <summary>A document that breaks a limit; not a <see cref="YamlException"/>, so it keeps its own code.</summary>
    private sealed class DocumentLimitException(string code, Mark start, string message) : Exception(message)
    {
        public string Code { get; } = code;

        public Mark Start { get; } = start;
    }

    /// <summary>
    /// Passes the parser's events on while counting nesting depth and nodes (aliases count the nodes of what they
    /// name), and stops at the first event past a limit, before the tree builder recurses into it.
    /// </summary>
    private sealed class LimitedParser(IParser inner) : IParser
    {
        private readonly Dictionary<string, long> _anchorSizes = new(StringComparer.Ordinal);
        private readonly Stack<(string? Anchor, long StartCount)> _open = new();
        private long _nodes;

        public ParsingEvent? Current => inner.Current;

        /// <summary>Where the last event that was read ended.</summary>
        public Mark Last { get; private set; } = Mark.Empty;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            Last = inner.Current?.End ?? Last;
            switch (inner.Current)
            {
                case NodeEvent { } node and (MappingStart or SequenceStart):
                    if (_open.Count >= MaxDepth)
                    {
                        throw new DocumentLimitException("document.too-deep", node.Start,
                            $"mappings and lists are nested more than {MaxDepth} levels deep; a NetVirt document needs fewer than 10");
                    }

                    Count(1, node.Start);
                    _open.Push((node.Anchor.IsEmpty ? null : node.Anchor.Value, _nodes));
                    break;
                case MappingEnd or SequenceEnd when _open.Count > 0:
                    var (anchor, start) = _open.Pop();
                    if (anchor is not null)
                    {
                        _anchorSizes[anchor] = _nodes - start + 1;
                    }

                    break;
                case Scalar scalar:
                    Count(1, scalar.Start);
                    if (!scalar.Anchor.IsEmpty)
                    {
                        _anchorSizes[scalar.Anchor.Value] = 1;
                    }

                    break;
                case AnchorAlias alias:
                    Count(_anchorSizes.GetValueOrDefault(alias.Value.Value, 1), alias.Start);
                    break;
            }

            return true;
        }

        private void Count(long nodes, Mark at)
        {
            _nodes += nodes;
            if (_nodes > MaxExpandedNodes)
            {
                throw new DocumentLimitException("document.too-large", at,
                    $"the document holds more than {MaxExpandedNodes:N0} values once its aliases (*name) are expanded; that is no network model");
            }
        }
    }
}
