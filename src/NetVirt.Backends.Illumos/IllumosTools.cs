namespace NetVirt.Backends.Illumos;

/// <summary>
/// Absolute paths of the tools the backend runs. Never resolved through <c>PATH</c> and never run through a shell:
/// these are the locations on every illumos distribution, SmartOS included.
/// </summary>
public static class IllumosTools
{
    /// <summary>Datalink administration.</summary>
    public const string Dladm = "/usr/sbin/dladm";

    /// <summary>IP interface and address administration.</summary>
    public const string Ipadm = "/usr/sbin/ipadm";

    /// <summary>Zone listing.</summary>
    public const string Zoneadm = "/usr/sbin/zoneadm";

    /// <summary>Runs a command inside a zone (its exit status is passed through).</summary>
    public const string Zlogin = "/usr/sbin/zlogin";

    /// <summary>Routing table changes.</summary>
    public const string Route = "/usr/sbin/route";

    /// <summary>Routing table listing (<c>netstat -rnv</c>).</summary>
    public const string Netstat = "/usr/bin/netstat";
}
