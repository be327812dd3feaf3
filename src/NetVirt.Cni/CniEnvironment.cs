using System.Diagnostics.CodeAnalysis;

namespace NetVirt.Cni;

/// <summary>The <c>CNI_*</c> environment of one plugin execution, checked against what the command needs.</summary>
public sealed record CniEnvironment
{
    /// <summary>The command.</summary>
    public required CniCommand Command { get; init; }

    /// <summary><c>CNI_CONTAINERID</c> (ADD, DEL, CHECK).</summary>
    public string? ContainerId { get; init; }

    /// <summary><c>CNI_NETNS</c>: a path (ADD, CHECK; DEL may send none).</summary>
    public string? Netns { get; init; }

    /// <summary><c>CNI_IFNAME</c> (ADD, DEL, CHECK).</summary>
    public string? Ifname { get; init; }

    /// <summary><c>CNI_ARGS</c>, parsed.</summary>
    public CniArgs Args { get; init; } = new();

    /// <summary>Reads and checks the environment.</summary>
    /// <exception cref="CniException">Code 4 naming the variable that is missing or malformed.</exception>
    public static CniEnvironment Parse(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var commandText = variable("CNI_COMMAND");
        var command = commandText switch
        {
            "ADD" => CniCommand.Add,
            "DEL" => CniCommand.Del,
            "CHECK" => CniCommand.Check,
            "VERSION" => CniCommand.Version,
            "STATUS" => CniCommand.Status,
            "GC" => CniCommand.Gc,
            null or "" => throw new CniException(CniErrorCode.InvalidEnvironment, "CNI_COMMAND is not set (expected ADD, DEL, CHECK, VERSION, STATUS or GC)"),
            _ => throw new CniException(CniErrorCode.InvalidEnvironment, $"CNI_COMMAND '{commandText}' is not one of ADD, DEL, CHECK, VERSION, STATUS, GC"),
        };

        if (command is CniCommand.Version or CniCommand.Status or CniCommand.Gc)
        {
            return new CniEnvironment { Command = command };
        }

        var containerId = Required(variable, "CNI_CONTAINERID", commandText);
        CheckContainerId(containerId);
        var ifname = Required(variable, "CNI_IFNAME", commandText);
        CheckIfname(ifname);

        // DEL needs no namespace (the runtime may send none, or one already gone): NetVirt knows the host side.
        string? netns = null;
        if (command != CniCommand.Del)
        {
            netns = Required(variable, "CNI_NETNS", commandText);
            CheckNetns(netns);
        }

        return new CniEnvironment
        {
            Command = command,
            ContainerId = containerId,
            Ifname = ifname,
            Netns = netns,
            Args = CniArgs.Parse(variable("CNI_ARGS")),
        };
    }

    /// <summary>
    /// The spec's rule for container ids: alphanumerics, then also '_', '.' and '-'. Checked by the plugin and again by
    /// the daemon, which takes requests from any root process on its socket.
    /// </summary>
    /// <exception cref="CniException">Code 4 naming <c>CNI_CONTAINERID</c>.</exception>
    public static void CheckContainerId([NotNull] string? containerId)
    {
        if (string.IsNullOrEmpty(containerId) || !char.IsAsciiLetterOrDigit(containerId[0]) || containerId.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-')))
        {
            throw new CniException(CniErrorCode.InvalidEnvironment,
                $"CNI_CONTAINERID '{containerId}' is not a valid container id (letters, digits, '_', '.' and '-', starting with a letter or digit)");
        }
    }

    /// <summary>A Linux interface name the container's interface can take: not its loopback. Checked by the plugin and the daemon.</summary>
    /// <exception cref="CniException">Code 4 naming <c>CNI_IFNAME</c>.</exception>
    public static void CheckIfname([NotNull] string? ifname)
    {
        if (string.IsNullOrEmpty(ifname) || ifname.Length > 15 || ifname is "." or ".." || ifname.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new CniException(CniErrorCode.InvalidEnvironment, $"CNI_IFNAME '{ifname}' is not a valid Linux interface name (at most 15 characters, no '/', ':' or spaces)");
        }

        if (ifname == "lo")
        {
            throw new CniException(CniErrorCode.InvalidEnvironment, "CNI_IFNAME 'lo' is the namespace's loopback, not an interface a network attaches");
        }
    }

    /// <summary>An absolute path, as a network namespace's must be. Checked by the plugin and the daemon.</summary>
    /// <exception cref="CniException">Code 4 naming <c>CNI_NETNS</c>.</exception>
    public static void CheckNetns([NotNull] string? netns)
    {
        if (string.IsNullOrEmpty(netns) || netns[0] != '/' || netns.Any(char.IsControl))
        {
            throw new CniException(CniErrorCode.InvalidEnvironment, $"CNI_NETNS '{netns}' is not an absolute path to a network namespace");
        }
    }

    private static string Required(Func<string, string?> variable, string name, string command) =>
        variable(name) is { Length: > 0 } value ? value : throw new CniException(CniErrorCode.InvalidEnvironment, $"{name} is not set; {command} needs it");
}
