using NetVirt.Model.Errors;

namespace NetVirt.Cli.Agent;

/// <summary>
/// The agent must share the host's mount namespace: a network namespace is named by a bind mount in <c>/run/netns</c>,
/// and one made in a private mount namespace is invisible outside it and vanishes with the agent. <c>ip netns exec</c>
/// gives the command such a private mount namespace (to remount <c>/sys</c>); <c>nsenter --net=/run/netns/NAME</c> does
/// not.
/// </summary>
public static class MountNamespace
{
    /// <summary>Throws when this process's mount namespace is not init's (checked only where both can be read).</summary>
    public static void RequireHost()
    {
        string mine, init;
        try
        {
            mine = new FileInfo("/proc/self/ns/mnt").LinkTarget ?? "";
            init = new FileInfo("/proc/1/ns/mnt").LinkTarget ?? "";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        if (mine.Length > 0 && init.Length > 0 && mine != init)
        {
            throw new InvalidInputException(
                $"netvirt agent runs in a private mount namespace ({mine}, the host's is {init}), as 'ip netns exec' makes: the network namespaces it created would be " +
                "invisible outside it and vanish when it stops. Start it in the host's mount namespace: directly, or in a network namespace with 'nsenter --net=/run/netns/NAME netvirt agent …'");
        }
    }
}
