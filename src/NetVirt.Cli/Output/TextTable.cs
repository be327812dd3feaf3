using Spectre.Console;
using Spectre.Console.Rendering;

namespace NetVirt.Cli.Output;

/// <summary>
/// A plain table as <c>kubectl get</c> prints one: a header line, one line per row, columns two spaces apart, no
/// borders, no blank lines and no trailing spaces. On a terminal it fits the width: the widest columns give way first
/// and their cells wrap at spaces and commas onto continuation lines. Piped, it is as wide as its content, so scripts
/// and <c>grep</c> see whole lines. Cells are shown as given: callers escape control characters
/// (<see cref="Commands.ShowCommand.Cells"/>).
/// </summary>
public sealed class TextTable : IRenderable
{
    private const int Gap = 2;
    private const int MinimumWidth = 8;
    private readonly string[] _headers;
    private readonly List<string[]> _rows = [];

    /// <summary>A table with these column headers.</summary>
    public TextTable(params string[] headers)
    {
        _headers = headers ?? throw new ArgumentNullException(nameof(headers));
    }

    /// <summary>Adds a row (missing cells are empty).</summary>
    public TextTable AddRow(params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        _rows.Add([.. Enumerable.Range(0, _headers.Length).Select(i => i < cells.Length ? cells[i] ?? "" : "")]);
        return this;
    }

    /// <summary>The rows added.</summary>
    public int Count => _rows.Count;

    /// <summary>The lines of the table within <paramref name="maxWidth"/> columns (null: no limit).</summary>
    public IReadOnlyList<string> Lines(int? maxWidth)
    {
        var widths = Enumerable.Range(0, _headers.Length).Select(c => _rows.Select(r => r[c].Length).Append(_headers[c].Length).Max()).ToArray();
        if (maxWidth is { } limit)
        {
            Fit(widths, limit);
        }

        var lines = new List<string>();
        foreach (var row in _rows.Prepend(_headers))
        {
            var wrapped = row.Select((cell, c) => Wrap(cell, widths[c])).ToArray();
            var height = wrapped.Max(w => w.Count);
            for (var line = 0; line < height; line++)
            {
                var text = string.Join(new string(' ', Gap), wrapped.Select((w, c) => (line < w.Count ? w[line] : "").PadRight(widths[c])));
                lines.Add(text.TrimEnd());
            }
        }

        return lines;
    }

    /// <inheritdoc />
    public Measurement Measure(RenderOptions options, int maxWidth) => new(Math.Min(maxWidth, MinimumWidth), maxWidth);

    /// <inheritdoc />
    public IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Spectre's width is the terminal's; piped output is not cut (the CLI sets a very wide profile then).
        foreach (var line in Lines(maxWidth >= Commands.ShowCommand.UnlimitedWidth ? null : maxWidth))
        {
            yield return new Segment(line);
            yield return Segment.LineBreak;
        }
    }

    /// <summary>Narrows the widest columns until the row fits, never below the header or <see cref="MinimumWidth"/>.</summary>
    private void Fit(int[] widths, int limit)
    {
        var floor = _headers.Select(h => Math.Max(MinimumWidth, h.Length)).ToArray();
        while (widths.Sum() + (Gap * (widths.Length - 1)) > limit)
        {
            var widest = Enumerable.Range(0, widths.Length).Where(c => widths[c] > floor[c]).OrderByDescending(c => widths[c]).FirstOrDefault(-1);
            if (widest < 0)
            {
                return; // Cannot fit: the terminal wraps the rest.
            }

            widths[widest]--;
        }
    }

    /// <summary>A cell as lines of at most <paramref name="width"/>, broken after spaces or commas where it can be.</summary>
    private static List<string> Wrap(string cell, int width)
    {
        var lines = new List<string>();
        var rest = cell;
        while (rest.Length > width)
        {
            var cut = rest.LastIndexOfAny([' ', ','], width);
            var take = cut > 0 ? cut + 1 : width;
            lines.Add(rest[..take].TrimEnd());
            rest = rest[take..].TrimStart();
        }

        lines.Add(rest);
        return lines;
    }
}
