using System.Net.Sockets;
using System.Net;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Backends.Linux;
using NetVirt.Documents;
using NetVirt.Integration.Audit;
using NetVirt.Integration.Infrastructure;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Reconciliation;
using NetVirt.Store;
using NetVirt.Testing;

namespace NetVirt.Integration.Linux;

/// <summary>
/// A NetVirt installation of its own on this host: a test prefix (<c>nvt</c> + 3 hex), a temporary database with the
/// shipped sample (or a given model) as desired state and a deployment id of its own, and a reconciler over the real
/// Linux backend. Disposal runs destroy and then removes anything left with the prefix (namespaces, links, the
/// nftables table), also when the test failed half-way.
/// </summary>
public sealed class LinuxLab : IAsyncDisposable
{
    private readonly string _directory;

    private LinuxLab(string prefix, string deploymentId, string directory, NetVirtStore store, IHostBackend backend)
    {
        Prefix = prefix;
        DeploymentId = deploymentId;
        _directory = directory;
        Store = store;
        Backend = backend;
        Reconciler = new Reconciler(store, backend);
    }

    public string Prefix { get; }

    /// <summary>The deployment id of the lab's database, which its backend records.</summary>
    public string DeploymentId { get; }

    public NetVirtStore Store { get; }

    public IHostBackend Backend { get; }

    public Reconciler Reconciler { get; }

    public static string SamplePath => Path.Combine(RepositoryRoot(), "schemas", "examples", "multi-tenant.yaml");

    public static Task<LinuxLab> CreateAsync(string? yaml = null, Func<IHostBackend, IHostBackend>? decorate = null) =>
        CreateAsync(yaml is null ? null : _ => yaml, decorate);

    /// <summary>
    /// A lab whose model is written for its prefix (to name host objects the test makes itself); with
    /// <paramref name="prefix"/>, a second lab on another lab's prefix (another database of the same prefix).
    /// </summary>
    public static Task<LinuxLab> CreateAsync(Func<string, string>? yamlForPrefix, Func<IHostBackend, IHostBackend>? decorate = null, string? prefix = null)
    {
        Prerequisites.EnsureAvailable();
        var chosen = prefix ?? TestPrefix.Any();
        LoadResult Load(string p) => yamlForPrefix?.Invoke(p) is { } text ? DocumentLoader.Load("model.yaml", text) : DocumentLoader.LoadFiles([SamplePath]);
        var loaded = Load(chosen);
        // Any test prefix serves a test equally: take one whose hashed host end names are distinct (TestPrefix).
        for (var attempt = 0; prefix is null && attempt < 20 && !TestPrefix.HostEndsDistinct(chosen, VnicsOf(loaded.Model)); attempt++)
        {
            chosen = TestPrefix.Any();
            loaded = Load(chosen);
        }

        prefix = chosen;
        var directory = Directory.CreateTempSubdirectory("netvirt-lab-").FullName;
        var store = NetVirtStore.Open(Path.Combine(directory, "netvirt.db"));
        Assert.Empty(loaded.Errors);
        store.Replace(loaded.Model, HostTarget.Linux);
        IHostBackend backend = new LinuxBackend(new ProcessCommandRunner(), new LinuxBackendOptions { Prefix = prefix, DeploymentId = store.DeploymentId });
        return Task.FromResult(new LinuxLab(prefix, store.DeploymentId, directory, store, decorate?.Invoke(backend) ?? backend));
    }

    private static IEnumerable<(string Zone, string Vnic)> VnicsOf(NetworkModel model) => model.Zones.SelectMany(z => z.Vnics.Select(v => (z.Name, v.Name)));

    public string Netns(string zone) => $"{Prefix}-z-{zone}";

    /// <summary>The host end (bridge port) of a zone's VNIC.</summary>
    public string HostEndOf(string zone, string vnic = "net0") => new LinuxNaming(Prefix).VnicHostEnd(zone, vnic);

    public NetworkModel Model => Store.Load().Resolved;

    /// <summary>The first address of <paramref name="family"/> of a zone's VNIC.</summary>
    public IPAddress AddressOf(string zone, string vnic = "net0", AddressFamily family = AddressFamily.InterNetwork)
    {
        var model = Model;
        var index = new Model.Topology.ModelIndex(model);
        var spec = model.Zones.Single(z => z.Name == zone).Vnics.Single(v => v.Name == vnic);
        return index.InterfaceAddresses(spec).Select(a => a.Address.Address).First(a => a.AddressFamily == family);
    }

    public Model.Addressing.MacAddress MacOf(string zone, string vnic = "net0") =>
        Model.Zones.Single(z => z.Name == zone).Vnics.Single(v => v.Name == vnic).Mac!.Value;

    public async Task<ApplyReport> ApplyAsync()
    {
        var (plan, report) = await Reconciler.ApplyAsync(new ApplyOptions { Trigger = "test" }, null, CancellationToken.None);
        Assert.True(plan.Plan.Problems.IsEmpty, string.Join("; ", plan.Plan.Problems));
        Assert.NotNull(report);
        // Every apply of every Linux test checks what one destroy test used to: CI once saw a deleted zone's namespace
        // held for 30 s by something unnamed, and a runtime thread born on a namespace thread is such a holder.
        var strays = StrayThreads();
        Assert.True(strays.Count == 0, "after the apply, threads of this process outside the host namespace: " + string.Join(", ", strays));
        return report!;
    }

    /// <summary>
    /// Threads of this process inside another network namespace than the host's, by name and namespace, but NetVirt's
    /// own dedicated ones (<c>netvirt-*</c>, of work still running). A runtime thread born on a namespace thread (the
    /// background GC's, once) stays in that zone: it keeps a destroyed namespace alive, and what it opens lands there.
    /// </summary>
    public static IReadOnlyList<string> StrayThreads()
    {
        var host = new FileInfo("/proc/self/ns/net").LinkTarget;
        var strays = new List<string>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var netns = new FileInfo(Path.Combine(task, "ns", "net")).LinkTarget;
                var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                if (netns is not null && netns != host && !name.StartsWith("netvirt-", StringComparison.Ordinal))
                {
                    strays.Add($"thread {Path.GetFileName(task)} ({name}) in {netns}");
                }
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return strays;
    }

    public async Task<bool> PingAsync(string zone, IPAddress target, int requests = 3)
    {
        // Echo requests 0.2 s apart (three by default), each waited for up to a second: one reply is enough, so neighbour
        // resolution or a busy CI machine does not fail a reachable pair, and an unreachable one costs 1.4 s. The kernel
        // asks again for a neighbour only after a second, so a pair whose first request may be lost needs more.
        var (exit, _, _) = await NamespacePair.RunAsync("/usr/sbin/ip", "netns", "exec", Netns(zone), "ping", "-c", requests.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-i", "0.2", "-W", "1", "-q", target.ToString());
        return exit == 0;
    }

    /// <summary>A UDP socket bound in <paramref name="zone"/>'s namespace to <paramref name="address"/>, on a free port.</summary>
    public Socket BindUdp(string zone, IPAddress address) => NetnsThread.Run(Netns(zone), () =>
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return socket;
    });

    /// <summary>
    /// Frames injected at <paramref name="fromZone"/>'s VNIC (below its stack, so with any source) towards a UDP socket
    /// bound in <paramref name="toZone"/> to its IPv4 address; <see cref="UdpInjection.Delivered"/> says whether one arrived.
    /// </summary>
    public UdpInjection InjectUdp(string fromZone, string toZone) => new(this, fromZone, toZone);

    /// <summary>See <see cref="InjectUdp"/>.</summary>
    public sealed class UdpInjection : IDisposable
    {
        private readonly Socket _receiver;
        private readonly NetVirt.Audit.Capture.ICaptureHandle _sender;
        private readonly Model.Addressing.MacAddress _targetMac;
        private readonly IPAddress _target;
        private readonly ushort _port;

        internal UdpInjection(LinuxLab lab, string fromZone, string toZone)
        {
            _target = lab.AddressOf(toZone);
            _targetMac = lab.MacOf(toZone);
            _receiver = lab.BindUdp(toZone, _target);
            _port = (ushort)((IPEndPoint)_receiver.LocalEndPoint!).Port;
            _sender = new NetVirt.Audit.Capture.SharpPcapCaptureEngine().Open(lab.Netns(fromZone), "net0");
        }

        /// <summary>Injects one datagram from <paramref name="sourceMac"/> and <paramref name="sourceIp"/>; true when it arrived.</summary>
        public bool Delivered(Model.Addressing.MacAddress sourceMac, IPAddress sourceIp) =>
            Receives(_receiver, () => _sender.Inject(TestFrames.Udp(_targetMac, sourceMac, sourceIp, _target, _port)));

        public void Dispose()
        {
            _sender.Dispose();
            _receiver.Dispose();
        }
    }

    /// <summary>Sends one UDP datagram from a socket in one zone to a socket bound in another and says whether it arrived.</summary>
    public bool UdpArrives(string fromZone, string toZone, IPAddress to)
    {
        using var receiver = BindUdp(toZone, to);
        var port = ((IPEndPoint)receiver.LocalEndPoint!).Port;
        using var sender = NetnsThread.Run(Netns(fromZone), () => new Socket(to.AddressFamily, SocketType.Dgram, ProtocolType.Udp));
        return Receives(receiver, () => sender.SendTo("netvirt"u8.ToArray(), new IPEndPoint(to, port)));
    }

    /// <summary>Runs <paramref name="send"/> (up to three times, for neighbour resolution) and waits for a datagram.</summary>
    public static bool Receives(Socket receiver, Action send)
    {
        var buffer = new byte[2048];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                send();
            }
            catch (SocketException)
            {
                // No route from the sender: nothing can arrive.
                return false;
            }

            if (receiver.Poll(TimeSpan.FromMilliseconds(700), SelectMode.SelectRead))
            {
                receiver.Receive(buffer);
                return true;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Reconciler.DestroyAsync(new ApplyOptions { Trigger = "test cleanup" }, null, CancellationToken.None);
        }
        catch (Exception)
        {
            // The sweep below removes what destroy could not.
        }

        await SweepAsync(Prefix);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is harmless.
        }
    }

    /// <summary>Removes every namespace, link and nftables table whose name starts with <c>{prefix}-</c> / is <c>{prefix}</c>.</summary>
    public static async Task SweepAsync(string prefix)
    {
        foreach (var netns in NetnsMounts.List().Where(n => n.StartsWith(prefix + "-", StringComparison.Ordinal)))
        {
            await NamespacePair.RunAsync("/usr/sbin/ip", "netns", "delete", netns);
        }

        var links = await NamespacePair.RunAsync("/usr/sbin/ip", "-o", "link", "show");
        foreach (var line in links.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(": ")[1].Split('@')[0];
            if (name.StartsWith(prefix + "-", StringComparison.Ordinal) || name.StartsWith(prefix + "phy", StringComparison.Ordinal))
            {
                await NamespacePair.RunAsync("/usr/sbin/ip", "link", "delete", name);
            }
        }

        await NamespacePair.RunAsync("/usr/sbin/nft", "delete", "table", "bridge", prefix);
    }

    /// <summary>Host objects that still carry the prefix: namespaces, links and the table.</summary>
    public async Task<IReadOnlyList<string>> LeftoversAsync()
    {
        var left = NetnsMounts.List().Where(n => n.StartsWith(Prefix + "-", StringComparison.Ordinal)).Select(n => "netns " + n).ToList();
        var links = await NamespacePair.RunAsync("/usr/sbin/ip", "-o", "link", "show");
        left.AddRange(links.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(": ")[1].Split('@')[0])
            .Where(n => n.StartsWith(Prefix + "-", StringComparison.Ordinal)).Select(n => "link " + n));
        var tables = await NamespacePair.RunAsync("/usr/sbin/nft", "list", "tables");
        left.AddRange(tables.Stdout.Split('\n').Where(t => t.Trim() == $"table bridge {Prefix}").Select(t => t.Trim()));
        return left;
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NetVirt.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("cannot find the repository root (NetVirt.sln) above " + AppContext.BaseDirectory);
    }
}
