using System.Text.RegularExpressions;

namespace NetVirt.Model.Validation;

/// <summary>
/// Naming rules. Each check returns null when the name is fine, else what is wrong with it (a phrase that fits
/// after "name 'x' ").
/// </summary>
public static partial class NameRules
{
    /// <summary>Longest datalink name dladm accepts (dladm_valid_linkname: 32-byte buffer with NUL).</summary>
    public const int MaxLinkName = 31;

    /// <summary>Longest Linux interface name (IFNAMSIZ 16 with NUL).</summary>
    public const int MaxLinuxInterfaceName = 15;

    /// <summary>Longest illumos zone name (ZONENAME_MAX 64 with NUL).</summary>
    public const int MaxZoneName = 63;

    /// <summary>
    /// dladm link names: letters, digits and underscore; at most 31 characters; not starting with a digit; ending
    /// in a number that has no leading zero when it has more than one digit (<c>net0</c>, <c>net10</c>; not
    /// <c>net01</c>).
    /// </summary>
    public static string? CheckLinkName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "is empty";
        }

        if (name.Length > MaxLinkName)
        {
            return $"is {name.Length} characters long; datalink names have at most {MaxLinkName}";
        }

        if (!LinkCharacters().IsMatch(name))
        {
            return "may contain only letters, digits and underscore";
        }

        if (char.IsAsciiDigit(name[0]))
        {
            return "must not start with a digit";
        }

        var digits = TrailingNumber().Match(name).Value;
        if (digits.Length == 0)
        {
            return "must end in a number (e.g. net0)";
        }

        return digits.Length > 1 && digits[0] == '0' ? $"ends in '{digits}', a number with a leading zero" : null;
    }

    /// <summary>Linux interface names: 1–15 characters, no '/', ':', whitespace or control characters, and not '.' or '..'.</summary>
    public static string? CheckLinuxInterfaceName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "is empty";
        }

        if (name.Length > MaxLinuxInterfaceName)
        {
            return $"is {name.Length} characters long; Linux interface names have at most {MaxLinuxInterfaceName}";
        }

        return name is "." or ".." || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c)) ? "is not a valid Linux interface name" : null;
    }

    /// <summary>ipadm address object tags: a letter, then letters and digits, at most 31 characters.</summary>
    public static string? CheckAddressTag(string? tag)
    {
        if (string.IsNullOrEmpty(tag))
        {
            return "is empty";
        }

        if (tag.Length > MaxLinkName)
        {
            return $"is {tag.Length} characters long; address object tags have at most {MaxLinkName}";
        }

        return AddressTag().IsMatch(tag) ? null : "must start with a letter and contain only letters and digits (e.g. v4, lan6)";
    }

    /// <summary>Zone names: a letter or digit, then letters, digits, '-', '_' and '.', at most 63 characters.</summary>
    public static string? CheckZoneName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "is empty";
        }

        if (name.Length > MaxZoneName)
        {
            return $"is {name.Length} characters long; zone names have at most {MaxZoneName}";
        }

        return ObjectName().IsMatch(name) ? null : "must start with a letter or digit and contain only letters, digits, '-', '_' and '.'";
    }

    /// <summary>Names of networks, pools and tenants: like zone names.</summary>
    public static string? CheckObjectName(string? name) => CheckZoneName(name);

    [GeneratedRegex(@"\A[A-Za-z0-9_]+\z")]
    private static partial Regex LinkCharacters();

    [GeneratedRegex(@"[0-9]+\z")]
    private static partial Regex TrailingNumber();

    [GeneratedRegex(@"\A[A-Za-z][A-Za-z0-9]*\z")]
    private static partial Regex AddressTag();

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9_.-]*\z")]
    private static partial Regex ObjectName();
}
