using System.Diagnostics;

namespace NetVirt.Integration.Cni;

/// <summary>
/// A containerd 1.6 of the test's own (root, state and socket under the lab's folder, CRI disabled) and <c>ctr</c>.
/// <c>ctr run --cni</c> reads its conflists from /etc/cni/net.d and plugins from /usr/lib/cni, with no option to say
/// otherwise, so it runs in a private mount namespace where the lab's folders are bind-mounted there: the host's /etc
/// is never changed.
/// </summary>
public sealed class Containerd : IAsyncDisposable
{
    private readonly RuntimeLab _lab;
    private readonly string _folder;
    private Process? _daemon;

    private Containerd(RuntimeLab lab, string folder)
    {
        _lab = lab;
        _folder = folder;
    }

    public string Address => Path.Combine(_folder, "containerd.sock");

    public static async Task<Containerd> StartAsync(RuntimeLab lab)
    {
        var folder = System.IO.Directory.CreateDirectory(Path.Combine(lab.Directory, $"ctrd-{Guid.NewGuid().ToString("N")[..8]}")).FullName;
        var runtime = new Containerd(lab, folder);
        var config = Path.Combine(folder, "config.toml");
        await File.WriteAllTextAsync(config, $"""
            version = 2
            root = "{folder}/root"
            state = "{folder}/state"
            disabled_plugins = ["io.containerd.grpc.v1.cri"]
            [grpc]
              address = "{runtime.Address}"
            [ttrpc]
              address = "{runtime.Address}.ttrpc"
            [debug]
              address = ""
            [metrics]
              address = ""
            """);
        var start = new ProcessStartInfo("/usr/bin/containerd") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(config);
        runtime._daemon = Process.Start(start) ?? throw new InvalidOperationException("cannot start containerd");
        runtime._daemon.BeginOutputReadLine();
        runtime._daemon.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await Tool.RunAsync("/usr/bin/ctr", ["-a", runtime.Address, "version"])).ExitCode != 0)
        {
            Assert.False(runtime._daemon.HasExited, "containerd exited at start");
            Assert.True(DateTime.UtcNow < deadline, "containerd did not answer within 30 s");
            await Task.Delay(200);
        }

        return runtime;
    }

    /// <summary><c>ctr run --rm --cni --rootfs</c> with the lab's conflists and plugins (the first conflist by file name).</summary>
    public Task<Tool.Result> RunAsync(string id, params string[] command)
    {
        var ctr = string.Join(' ', new[] { "/usr/bin/ctr", "-a", Address, "run", "--rm", "--cni", "--rootfs", _lab.Rootfs, $"{_lab.Prefix}-{id}", "/bin/busybox" }.Concat(command).Select(Quote));
        return Tool.RunAsync("/usr/bin/unshare", ["-m", "--propagation", "private", "/bin/sh", "-c",
            $"mount --bind {Quote(_lab.ConfDir)} /etc/cni/net.d && mount --bind {Quote(_lab.PluginDir)} /usr/lib/cni && exec {ctr}"], timeout: TimeSpan.FromMinutes(2));
    }

    public async ValueTask DisposeAsync()
    {
        var tasks = await Tool.RunAsync("/usr/bin/ctr", ["-a", Address, "tasks", "ls", "-q"]);
        foreach (var id in tasks.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            await Tool.RunAsync("/usr/bin/ctr", ["-a", Address, "tasks", "kill", "-s", "KILL", id]);
            await Tool.RunAsync("/usr/bin/ctr", ["-a", Address, "tasks", "rm", "-f", id]);
        }

        var containers = await Tool.RunAsync("/usr/bin/ctr", ["-a", Address, "containers", "ls", "-q"]);
        foreach (var id in containers.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            await Tool.RunAsync("/usr/bin/ctr", ["-a", Address, "containers", "rm", id]);
        }

        if (_daemon is { HasExited: false } daemon)
        {
            daemon.Kill(entireProcessTree: true);
            await daemon.WaitForExitAsync();
        }

        _daemon?.Dispose();
        await Sweep.MountsUnderAsync(_folder);
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
