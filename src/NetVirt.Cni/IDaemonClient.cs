using NetVirt.Cni.Protocol;

namespace NetVirt.Cni;

/// <summary>The plugin's one door to the NetVirt daemon (the unix socket in the plugin; a fake in tests).</summary>
public interface IDaemonClient
{
    /// <summary>
    /// Sends <paramref name="request"/> for <paramref name="command"/> to the daemon at <paramref name="socket"/> (null:
    /// the default) and returns its result (ADD), null (other commands), or throws the daemon's refusal as a
    /// <see cref="CniException"/>; a daemon that does not answer is code 11 (try again later). Synchronous: the plugin is one
    /// short process, and blocking calls start no thread pool or socket event thread (see the transport).
    /// </summary>
    AttachmentResult? Send(string? socket, CniCommand command, AttachmentRequest request);
}
