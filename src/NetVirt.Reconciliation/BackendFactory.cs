using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Illumos;
using NetVirt.Backends.Linux;
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

    /// <summary>True when this process runs on the host that <paramref name="target"/> drives.</summary>
    public static bool IsNative(HostTarget target) => target switch
    {
        HostTarget.Linux => OperatingSystem.IsLinux(),
        HostTarget.Illumos => System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Create("ILLUMOS"))
            || System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Create("SOLARIS")),
        _ => false,
    };

    /// <summary>The backend for <paramref name="target"/>.</summary>
    public static async Task<IHostBackend> CreateAsync(HostTarget target, BackendOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var runner = new ProcessCommandRunner();
        switch (target)
        {
            case HostTarget.Illumos:
                var variant = options.IllumosVariant
                    ?? (IsNative(target) ? await IllumosCapabilityProbe.ProbeAsync(runner, cancellationToken).ConfigureAwait(false) : IllumosVariant.SmartOs);
                return new IllumosBackend(runner, new IllumosBackendOptions { Prefix = options.Prefix, DeploymentId = options.DeploymentId, Variant = variant });
            case HostTarget.Linux:
                // Off Linux (an offline plan), Describe uses the Debian tool paths and no kernel is probed.
                return IsNative(target)
                    ? new LinuxBackend(runner, new LinuxBackendOptions { Prefix = options.Prefix, DeploymentId = options.DeploymentId })
                    : new LinuxBackend(runner, new LinuxBackendOptions { Prefix = options.Prefix, DeploymentId = options.DeploymentId, Capabilities = new LinuxCapabilities() }, LinuxTools.Default);
            default:
                throw new BackendUnavailableException($"the {target.ToString().ToLowerInvariant()} backend is not available in this build");
        }
    }
}
