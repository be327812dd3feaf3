namespace NetVirt.Planning.Journal;

/// <summary>Quotes words for a POSIX shell, for scripts and for display. Commands are never run through a shell.</summary>
public static class ShellQuoting
{
    /// <summary>
    /// Returns <paramref name="word"/> unchanged when it contains only characters that are safe unquoted,
    /// otherwise wrapped in single quotes with embedded single quotes written as <c>'\''</c>.
    /// </summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length > 0 && word.All(IsSafe))
        {
            return word;
        }

        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static bool IsSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or ',' or '=' or '@' or '%' or '+';
}
