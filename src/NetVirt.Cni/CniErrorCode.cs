namespace NetVirt.Cni;

/// <summary>The well-known error codes of the CNI spec (0–99), and NetVirt's own (100+).</summary>
public static class CniErrorCode
{
    /// <summary>The configuration's cniVersion is not one the plugin speaks.</summary>
    public const int IncompatibleVersion = 1;

    /// <summary>A field the plugin does not support.</summary>
    public const int UnsupportedField = 2;

    /// <summary>The container (or its attachment) is unknown or does not exist.</summary>
    public const int UnknownContainer = 3;

    /// <summary>A required environment variable is missing or malformed.</summary>
    public const int InvalidEnvironment = 4;

    /// <summary>An I/O failure (reading stdin, writing stdout).</summary>
    public const int IoFailure = 5;

    /// <summary>The configuration could not be decoded (not JSON, wrong types).</summary>
    public const int DecodeFailure = 6;

    /// <summary>The configuration is decoded but invalid.</summary>
    public const int InvalidConfig = 7;

    /// <summary>Transient: try again later (here: the NetVirt daemon does not answer).</summary>
    public const int TryAgainLater = 11;

    /// <summary>STATUS: the plugin cannot serve ADDs now.</summary>
    public const int PluginNotAvailable = 50;

    /// <summary>STATUS: not available, and existing containers may have limited connectivity.</summary>
    public const int PluginNotAvailableLimited = 51;

    /// <summary>NetVirt: the request is valid but the stored state refuses it (address taken, network full).</summary>
    public const int Refused = 100;

    /// <summary>NetVirt: the daemon stored the attachment but could not realize it on the host.</summary>
    public const int HostFailure = 101;

    /// <summary>NetVirt: CHECK found the attachment differing from what NetVirt stored.</summary>
    public const int CheckFailed = 102;
}
