using System.CommandLine;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux;
using NetVirt.Cli.Agent;
using NetVirt.Model.Errors;
using NetVirt.Store;

namespace NetVirt.Cli.Commands;

/// <summary>
/// <c>netvirt agent --server URL --host NAME</c>: keeps one host of a model with hosts equal to its slice of the central
/// desired state (see <see cref="HostAgent"/>), until stopped (Ctrl-C, SIGTERM). Linux only, as root.
/// </summary>
public static class AgentCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var host = new Option<string>("--host") { Description = "The host this agent serves: a host of the desired state ('hosts:'), whose underlay address this machine carries", Required = true };
        var stateDir = new Option<string?>("--state-dir") { Description = "Where the agent keeps its id, its journal and the last slice it read (default /var/lib/netvirt/agent-HOST)" };
        var resync = new Option<string?>("--resync") { Description = "Read the slice and repair drift this often even without a change (default 60s, ±20 %)" };
        var command = new Command("agent", """
            Run the agent of one host of a model with hosts: read the host's slice from the server, reconcile it with the
            Linux backend (zones, bridges, VXLAN to the other hosts), report state, drift and a heartbeat; again on every
            change, on every reconnect and periodically. The host keeps its network while the server is down.

            Examples:
              netvirt agent --server http://10.0.0.1:8470 --host h1 --prefix nv     # token from $NETVIRT_API_TOKEN
              nsenter --net=/run/netns/lab-h1 netvirt agent --server http://172.31.255.254:8470 --host h1 --prefix nvlab1
            (not 'ip netns exec …': it gives the agent a private mount namespace, and the namespaces it makes would vanish)
            """)
        {
            host, stateDir, resync,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            DaemonCompilation.SettleBeforeServing();
            var context = CommonOptions.Context(result, stdout, stderr);
            var name = result.GetValue(host)!;
            if (context.Server is null)
            {
                throw new InvalidInputException("'netvirt agent' needs --server URL: the server that holds the desired state");
            }

            if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
            {
                throw new InvalidInputException("'netvirt agent' runs on the Linux host it serves, as root (it creates namespaces, bridges and VXLAN devices)");
            }

            MountNamespace.RequireHost();
            var directory = result.GetValue(stateDir) ?? Path.Combine("/var/lib/netvirt", $"agent-{name}");
            var options = new AgentOptions
            {
                Host = name,
                Prefix = context.BackendOptions.Prefix,
                StateDirectory = directory,
                Resync = result.GetValue(resync) is { } text ? ServeCommand.ParseDuration(text) : TimeSpan.FromSeconds(60),
            };
            using var server = new AgentServer(CliContext.ServerUri(context.Server), context.ClientToken());
            // The agent's own journal and apply lock: 'netvirt --db STATE/journal.db history' shows its runs.
            var journal = NetVirtStore.Open(Path.Combine(directory, "journal.db"));
            var runner = new ProcessCommandRunner();
            var tools = LinuxTools.Resolve();
            var capabilities = LinuxCapabilities.Probe();
            var agent = new HostAgent(options, server, journal, o => new LinuxBackend(runner, o with { Capabilities = capabilities }, tools), stdout);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                stop.Cancel();
            });
            await agent.RunAsync(stop.Token);
            return ExitCodes.Ok;
        });
        return command;
    }
}
