using System.Globalization;
using System.Text;

namespace NetVirt.Api.Views;

/// <summary>
/// Text from the store made safe for a terminal: control characters (C0, DEL, C1, and the bidi overrides that reorder
/// what a reader sees) are shown as <c>\xNN</c> / <c>\u202E</c> escapes, so a description holding an escape sequence
/// cannot recolour, move the cursor, retitle the window or hide text.
/// </summary>
public static class DisplayText
{
    /// <summary><paramref name="text"/> with every control character escaped; null stays null.</summary>
    public static string? Escape(string? text)
    {
        if (text is null || !text.Any(NeedsEscape))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (!NeedsEscape(c))
            {
                builder.Append(c);
            }
            else if (c <= 0xFF)
            {
                builder.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static bool NeedsEscape(char c) =>
        c < 0x20 || (c >= 0x7F && c <= 0x9F) || c is '\u200E' or '\u200F' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
}
