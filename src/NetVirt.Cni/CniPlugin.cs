using NetVirt.Cni.Protocol;

namespace NetVirt.Cni;

/// <summary>
/// The plugin: the runtime's environment and stdin become one request to the NetVirt daemon, its answer becomes the
/// CNI result (or error JSON) in the configuration's spec version. Pure apart from <see cref="IDaemonClient"/>.
/// </summary>
public static class CniPlugin
{
    /// <summary>Runs one execution.</summary>
    public static CniOutcome Run(Func<string, string?> environment, ReadOnlySpan<byte> stdin, IDaemonClient daemon)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(daemon);
        PluginConfig? config = null;
        try
        {
            var env = CniEnvironment.Parse(environment);
            if (env.Command == CniCommand.Version)
            {
                return new CniOutcome(0, CniResultWriter.Version());
            }

            config = PluginConfig.Parse(stdin);
            var version = config.CniVersion;
            if (env.Command is CniCommand.Status or CniCommand.Gc && !CniVersions.HasStatusAndGc(version))
            {
                throw new CniException(CniErrorCode.IncompatibleVersion, $"{env.Command.ToString().ToUpperInvariant()} needs a configuration of CNI version 1.1.0; this one is {version}");
            }

            if (env.Command == CniCommand.Gc && config.ValidAttachments is null)
            {
                throw new CniException(CniErrorCode.InvalidConfig, "GC needs 'cni.dev/valid-attachments' (an empty list removes every attachment of the network)");
            }

            var request = BuildRequest(env, config);
            var result = daemon.Send(config.Socket, env.Command, request);
            return env.Command == CniCommand.Add
                ? new CniOutcome(0, CniResultWriter.Result(version, result ?? throw new CniException(CniErrorCode.IoFailure, "the NetVirt daemon answered ADD without a result"), config.Dns, config.PrevResult))
                : new CniOutcome(0, "");
        }
        catch (CniException ex)
        {
            // The spec answers an error in the configuration's version, also when the configuration itself is what failed.
            var version = config?.CniVersion ?? PluginConfig.DeclaredVersion(stdin) ?? CniVersions.Latest;
            return new CniOutcome(1, CniResultWriter.Error(version, ex.Code, ex.Message, ex.Details));
        }
    }

    /// <summary>The daemon request for one execution: runtime arguments and capabilities merged (capabilities first).</summary>
    public static AttachmentRequest BuildRequest(CniEnvironment env, PluginConfig config)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(config);
        var ips = config.Ips.Concat(env.Args.Ips).Distinct(StringComparer.Ordinal).ToList();
        var mac = config.Mac ?? env.Args.Mac;
        if (config.Mac is not null && env.Args.Mac is not null && !string.Equals(config.Mac, env.Args.Mac, StringComparison.OrdinalIgnoreCase))
        {
            throw new CniException(CniErrorCode.InvalidConfig, $"runtimeConfig.mac '{config.Mac}' and CNI_ARGS MAC '{env.Args.Mac}' differ");
        }

        return new AttachmentRequest
        {
            CniVersion = config.CniVersion,
            CniNetwork = config.Name,
            Network = config.Network,
            ContainerId = env.ContainerId,
            Netns = env.Netns,
            Ifname = env.Ifname,
            Ips = ips,
            Mac = mac,
            MaxBandwidth = config.MaxBandwidth,
            Labels = env.Args.Labels,
            ValidAttachments = config.ValidAttachments,
        };
    }
}
