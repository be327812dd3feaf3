using NetVirt.Backends.Execution;
using NetVirt.Model.Errors;
using NetVirt.Model.Validation;

namespace NetVirt.Reconciliation;

/// <summary>Creates the backend for a host target.</summary>
public static class BackendFactory
{
    /// <summary>Ownership prefix of every host object NetVirt creates, unless <c>NETVIRT_PREFIX</c> says otherwise.</summary>
    public const string DefaultPrefix = "nv";

    /// <summary>The ownership prefix in effect.</summary>
    public static string Prefix => Environment.GetEnvironmentVariable("NETVIRT_PREFIX") is { Length: > 0 } p ? p : DefaultPrefix;

    /// <summary>The backend for <paramref name="target"/>.</summary>
    public static IHostBackend Create(HostTarget target) => target switch
    {
        _ => throw new BackendUnavailableException($"the {target.ToString().ToLowerInvariant()} backend is not available in this build"),
    };
}
