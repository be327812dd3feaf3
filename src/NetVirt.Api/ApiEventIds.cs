namespace NetVirt.Api;

/// <summary>
/// Event ids of the API and the reconcile service (the 7xxx range of NetVirt's event ids: 1xxx store, 2xxx planning,
/// 3xxx execution, 4xxx illumos, 5xxx linux, 6xxx audit, 7xxx api).
/// </summary>
public static class ApiEventIds
{
    /// <summary>The server listens.</summary>
    public const int Listening = 7001;

    /// <summary>A request failed with an unexpected error (a bug): logged with its trace id, never sent to the client.</summary>
    public const int UnhandledError = 7002;

    /// <summary>A request was refused for a missing or wrong token (the token itself is never logged).</summary>
    public const int AuthRefused = 7003;

    /// <summary>One request, as the access log shows it.</summary>
    public const int Request = 7004;

    /// <summary>A reconcile run started.</summary>
    public const int RunStarted = 7101;

    /// <summary>A reconcile run finished.</summary>
    public const int RunFinished = 7102;

    /// <summary>An automatic run failed and the service backs off.</summary>
    public const int RunBackingOff = 7103;

    /// <summary>A container was attached through CNI (ADD).</summary>
    public const int CniAttached = 7201;

    /// <summary>A container's attachment was removed (DEL).</summary>
    public const int CniDetached = 7202;

    /// <summary>A CNI request was refused or failed (the CNI error code and message).</summary>
    public const int CniRefused = 7203;

    /// <summary>A connection on the unix socket from a user other than root or the server's was closed.</summary>
    public const int CniPeerRefused = 7204;
}
