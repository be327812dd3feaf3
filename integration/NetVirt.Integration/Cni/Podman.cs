namespace NetVirt.Integration.Cni;

/// <summary>
/// podman with the lab's own configuration (<c>CONTAINERS_CONF</c>: the CNI backend over the lab's plugin and conflist
/// folders, runc, ulimits it may set here) and its own storage, so nothing under /etc or /var/lib/containers is used.
/// Containers are named with the test prefix and removed at disposal.
/// </summary>
public sealed class Podman : IAsyncDisposable
{
    private readonly RuntimeLab _lab;
    private readonly string _configuration;

    public Podman(RuntimeLab lab, string? pluginDir = null, string? confDir = null)
    {
        _lab = lab;
        // podman refuses a runroot longer than 50 characters: short names.
        var folder = System.IO.Directory.CreateDirectory(Path.Combine(lab.Directory, $"p-{Guid.NewGuid().ToString("N")[..8]}")).FullName;
        Root = Path.Combine(folder, "root");
        RunRoot = Path.Combine(folder, "rr");
        _configuration = Path.Combine(folder, "containers.conf");
        // crun 1.8.1 fails here ("cgroups in hybrid mode not supported"); without CAP_SYS_RESOURCE podman cannot raise
        // its default ulimits. See shared/reference/runtimes-and-hosts.md.
        File.WriteAllText(_configuration, $"""
            [containers]
            default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
            [engine]
            runtime = "runc"
            cgroup_manager = "cgroupfs"
            events_logger = "none"
            [network]
            network_backend = "cni"
            cni_plugin_dirs = ["{pluginDir ?? lab.PluginDir}"]
            network_config_dir = "{confDir ?? lab.ConfDir}"
            """);
    }

    public string Root { get; }

    public string RunRoot { get; }

    public Task<Tool.Result> RunAsync(params string[] args) =>
        Tool.RunAsync("/usr/bin/podman", ["--root", Root, "--runroot", RunRoot, "--storage-driver", "vfs", .. args],
            new Dictionary<string, string> { ["CONTAINERS_CONF"] = _configuration }, TimeSpan.FromMinutes(3));

    /// <summary>Starts a container that sleeps on <paramref name="network"/>; returns its name.</summary>
    public async Task<string> StartAsync(string name, string network, params string[] extra)
    {
        (await RunAsync(["run", "-d", "--name", $"{_lab.Prefix}-{name}", "--network", network, .. extra, "--rootfs", _lab.Rootfs, "/bin/busybox", "sleep", "600"]))
            .Ok($"podman run {name}");
        return $"{_lab.Prefix}-{name}";
    }

    public Task<Tool.Result> ExecAsync(string container, params string[] command) => RunAsync(["exec", container, "/bin/busybox", .. command]);

    /// <summary>The IPv4 address of eth0 inside <paramref name="container"/>.</summary>
    public async Task<string> Ipv4Async(string container)
    {
        var output = (await ExecAsync(container, "ip", "-4", "-o", "addr", "show", "eth0")).Ok("ip addr").Stdout;
        return output.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != "inet").Skip(1).First().Split('/')[0];
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("rm", "-f", "-a", "-t", "0");
        await Sweep.MountsUnderAsync(Path.GetDirectoryName(Root)!);
    }
}
