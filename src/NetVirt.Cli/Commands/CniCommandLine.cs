using System.CommandLine;
using NetVirt.Api.Cni;
using NetVirt.Cni;
using NetVirt.Model.Errors;

namespace NetVirt.Cli.Commands;

/// <summary>
/// <c>netvirt cni install|config</c>: puts the CNI plugin where runtimes find it and writes a network configuration list
/// per NetVirt network, so podman, containerd or Kubernetes attach containers to NetVirt networks.
/// </summary>
public static class CniCommandLine
{
    /// <summary>The plugin's file name.</summary>
    public const string PluginFile = "netvirt-cni";

    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("cni", """
            Attach containers of podman, containerd or Kubernetes to NetVirt networks (the CNI plugin netvirt-cni)

            Examples:
              netvirt cni install                                   # plugin to /opt/cni/bin/netvirt, a conflist per network to /etc/cni/net.d
              netvirt cni install --dir /usr/lib/cni --conf-dir /etc/cni/net.d
              netvirt cni config acme > /etc/cni/net.d/10-acme.conflist
            """);
        command.Subcommands.Add(Install(stdout, stderr));
        command.Subcommands.Add(Config(stdout, stderr));
        return command;
    }

    private static Command Install(TextWriter stdout, TextWriter stderr)
    {
        var dir = new Option<string>("--dir") { Description = $"Where the plugin goes (default {CniConflist.DefaultPluginDir}; podman's Debian package also reads /usr/lib/cni)", DefaultValueFactory = _ => CniConflist.DefaultPluginDir };
        var confDir = new Option<string>("--conf-dir") { Description = $"Where the conflists go (default {CniConflist.DefaultConfDir})", DefaultValueFactory = _ => CniConflist.DefaultConfDir };
        var plugin = new Option<string?>("--plugin") { Description = $"The plugin to install (default: {PluginFile} beside this netvirt, as scripts/setup.sh builds it; or $NETVIRT_CNI_PLUGIN)" };
        var socket = new Option<string?>("--socket") { Description = "The daemon's socket the conflists name (default: where 'netvirt serve' listens for this database)" };
        var command = new Command("install", """
            Install the CNI plugin (as DIR/netvirt: runtimes run the conflist's type) and write one conflist per NetVirt network

            Examples:
              netvirt cni install
              netvirt cni install --dir /tmp/cni/bin --conf-dir /tmp/cni/net.d --db /tmp/nv.db
            """) { dir, confDir, plugin, socket };
        command.SetAction((result, _) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var networks = context.Store.Infrastructure().Networks.Select(n => n.Name).ToList();
            var source = FindPlugin(result.GetValue(plugin));
            var pluginDir = Path.GetFullPath(result.GetValue(dir)!);
            var conflistDir = Path.GetFullPath(result.GetValue(confDir)!);
            Directory.CreateDirectory(pluginDir);
            Directory.CreateDirectory(conflistDir);
            // Runtimes find a plugin by its conflist 'type': the executable is installed as 'netvirt'. Written beside and
            // renamed over, so a runtime executing the plugin or reading the list never sees half a file.
            var target = Path.Combine(pluginDir, PluginConfig.PluginType);
            var temporary = Path.Combine(pluginDir, $".{PluginConfig.PluginType}.{Environment.ProcessId}");
            File.Copy(source, temporary, overwrite: true);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            File.Move(temporary, target, overwrite: true);
            context.Info($"installed {target}");
            var daemonSocket = SocketFor(context, result.GetValue(socket));
            foreach (var network in networks)
            {
                var path = Path.Combine(conflistDir, CniConflist.FileName(network));
                WriteAtomically(path, CniConflist.Write(network, daemonSocket));
                context.Info($"wrote {path}");
            }

            if (networks.Count == 0)
            {
                context.Info("no networks are defined yet: no conflist written (apply a document with networks, then run this again)");
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Config(TextWriter stdout, TextWriter stderr)
    {
        var network = new Argument<string>("network") { Description = "The NetVirt network (or pool) containers attach to" };
        var socket = new Option<string?>("--socket") { Description = "The daemon's socket the conflist names (default: where 'netvirt serve' listens for this database)" };
        var version = new Option<string>("--cni-version") { Description = $"cniVersion of the list ({string.Join(", ", CniVersions.Supported)}; 1.1.0 adds STATUS and GC for runtimes that call them; podman 4 and containerd 1.6 do not)", DefaultValueFactory = _ => CniVersions.Default };
        version.AcceptOnlyFromAmong([.. CniVersions.Supported]);
        var command = new Command("config", """
            Print the conflist of one NetVirt network or pool

            Examples:
              netvirt cni config acme
              netvirt cni config acme-pool --cni-version 1.1.0 > /etc/cni/net.d/10-acme.conflist
            """) { network, socket, version };
        command.SetAction((result, _) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var name = result.GetValue(network)!;
            var infrastructure = context.Store.Infrastructure();
            if (!infrastructure.Networks.Any(n => n.Name == name) && !infrastructure.Pools.Any(p => p.Name == name))
            {
                var known = infrastructure.Networks.Select(n => n.Name).Concat(infrastructure.Pools.Select(p => p.Name)).ToList();
                throw new UnknownObjectException($"'{name}' is neither a network nor a pool ({(known.Count == 0 ? "none is defined" : $"defined: {string.Join(", ", known)}")})");
            }

            stdout.Write(CniConflist.Write(name, SocketFor(context, result.GetValue(socket)), result.GetValue(version)!));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    /// <summary>The socket to name in a conflist: null when it is the plugin's default.</summary>
    private static string? SocketFor(CliContext context, string? given)
    {
        var socket = given is not null ? DaemonSocket.Check(Path.GetFullPath(given)) : DaemonSocket.DefaultFor(context.Database);
        return socket == DaemonSocket.SystemDefault ? null : socket;
    }

    /// <summary>The plugin binary: <c>--plugin</c>, <c>$NETVIRT_CNI_PLUGIN</c>, or the one beside this netvirt.</summary>
    public static string FindPlugin(string? given)
    {
        var path = given ?? Environment.GetEnvironmentVariable("NETVIRT_CNI_PLUGIN") ?? Path.Combine(AppContext.BaseDirectory, PluginFile);
        return File.Exists(path)
            ? Path.GetFullPath(path)
            : throw new InvalidInputException(
                $"the CNI plugin is not at {path}: scripts/setup.sh builds it (dotnet publish src/NetVirt.Cni.Plugin with Native AOT) and puts it beside netvirt; or give --plugin FILE");
    }

    private static void WriteAtomically(string path, string text)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
