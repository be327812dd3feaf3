using System.Diagnostics;
using System.Net;
using Microsoft.Win32.SafeHandles;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Backends.Linux.Observation;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Backends.Linux.Tc;
using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Execution;

/// <summary>
/// Carries out a batch of independent steps with as few processes and system calls as the kernel allows: namespaces
/// are created on dedicated threads (unshare + bind mount, then loopback and sysctls from inside); links in the host
/// namespace go out as one netlink batch (veth peers are created directly in their namespace); work inside
/// namespaces runs on parallel dedicated threads, one netlink socket and one batch per namespace; nftables changes
/// are one atomic <c>nft -f -</c> transaction and tc changes one <c>tc -batch</c>. These groups run at the same
/// time. "Exists" on create and "not found" on delete are tolerated and mark the step <see cref="StepExecution.NoOp"/>.
/// </summary>
internal sealed class LinuxExecutor(LinuxNaming naming, LinuxTools tools, ICommandRunner runner, LinuxCommands commands, int threads)
{
    private const int EEXIST = 17;
    private const int ENODEV = 19;
    private const int ENOENT = 2;
    private const int ESRCH = 3;
    private const int EADDRNOTAVAIL = 99;
    private const int HostChunk = 200;

    /// <summary>How long a deleted namespace may take to release its interfaces before the step fails.</summary>
    public static readonly TimeSpan NamespaceReleaseTimeout = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<StepExecution>> ExecuteAsync(IReadOnlyList<PlanStep> batch, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var states = batch.Select(s => new StepState(s)).ToArray();
        bool Is(StepState s, params ResourceKind[] kinds) => kinds.Contains(s.Step.Resource.Kind);

        var netns = states.Where(s => Is(s, LinuxKinds.Netns)).ToList();
        var nft = states.Where(s => Is(s, LinuxKinds.NftTable, LinuxKinds.Protection)).ToList();
        var shaping = states.Where(s => Is(s, LinuxKinds.Shaping)).ToList();
        var links = states.Where(s => Is(s, LinuxKinds.Bridge, LinuxKinds.Veth, LinuxKinds.Leg, LinuxKinds.Macvlan, LinuxKinds.Link)).ToList();
        var inside = states.Where(s => Is(s, LinuxKinds.Address, LinuxKinds.Route, LinuxKinds.Forwarding)).ToList();

        var tasks = new List<Task>();
        if (netns.Count > 0)
        {
            tasks.Add(Task.Run(() => RunNamespaces(netns), cancellationToken));
        }

        if (nft.Count > 0)
        {
            tasks.Add(RunNftAsync(nft, cancellationToken));
        }

        if (shaping.Count > 0)
        {
            tasks.Add(RunShapingAsync(shaping, cancellationToken));
        }

        if (links.Count > 0 || inside.Count > 0)
        {
            tasks.Add(Task.Run(() =>
            {
                RunHostLinks(links);
                RunInsideNamespaces([.. links, .. inside]);
            }, cancellationToken));
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        var share = clock.Elapsed / Math.Max(1, batch.Count);
        return [.. states.Select(s => s.ToExecution(commands.Describe(s.Step), share))];
    }

    // ---- namespaces -------------------------------------------------------------------------------------------

    private void RunNamespaces(List<StepState> steps)
    {
        var action = steps[0].Step.Action;
        var names = steps.Select(s => s.Step.Resource.Name).ToList();
        if (action == StepAction.Delete)
        {
            for (var i = 0; i < steps.Count; i++)
            {
                try
                {
                    steps[i].NoOp = !NetnsMounts.Delete(names[i]);
                }
                catch (IOException ex)
                {
                    steps[i].Fail($"removing the name {NetnsThread.PathOf(names[i])} failed: {ex.Message}");
                }
            }

            WaitForRelease(steps.Where(s => s.Error is null).ToList());
            return;
        }

        _ = InheritsHostDevconf.Value;
        var results = NetnsThread.CreateEach(names, threads, InitializeNamespace);
        for (var i = 0; i < steps.Count; i++)
        {
            if (results[i].Error is { } error)
            {
                steps[i].Fail(error.Message);
            }
            else
            {
                steps[i].NoOp = !results[i].Created;
            }
        }
    }

    // Read in the host namespace: RunNamespaces reads it on a pool thread before any namespace thread starts.
    private static readonly Lazy<bool> InheritsHostDevconf = new(() =>
        !File.Exists("/proc/sys/net/core/devconf_inherit_init_net") || Sysctl.Read("net/core/devconf_inherit_init_net") != "0");

    /// <summary>Inside a new namespace: loopback up, and no duplicate address detection (IPv6 addresses are usable at once).</summary>
    private static void InitializeNamespace(string netns)
    {
        // DAD runs when either 'all' or the interface's value asks for it. A new namespace starts with all=0 and
        // default=1 unless the host makes namespaces inherit its own values (devconf_inherit_init_net), so usually
        // 'default' is the only one to clear.
        Sysctl.Write("net/ipv6/conf/default/accept_dad", "0");
        if (InheritsHostDevconf.Value)
        {
            Sysctl.Write("net/ipv6/conf/all/accept_dad", "0");
        }
        using var socket = NetlinkSocket.Open();
        var batch = new NetlinkBatch();
        RtnlRequests.Up(batch, "lo");
        var result = socket.Execute(batch)[0];
        if (!result.Succeeded)
        {
            throw new IOException($"setting lo up in network namespace '{netns}' failed: {result}");
        }
    }

    /// <summary>
    /// The kernel destroys a namespace (and the host ends of its veth pairs) asynchronously, in batches. Waits until
    /// no host interface still belongs to one of the deleted namespaces, so that a create right after cannot meet
    /// the old host end.
    /// </summary>
    private void WaitForRelease(List<StepState> deleted)
    {
        if (deleted.Count == 0)
        {
            return;
        }

        var gone = deleted.Select(s => s.Step.Resource.Name).ToHashSet(StringComparer.Ordinal);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var holding = LinuxObserver.HostLinks().Where(l => naming.IsOwned(l.Name) && NamespaceOf(l) is { } ns && gone.Contains(ns)).ToList();
            if (holding.Count == 0)
            {
                return;
            }

            if (deadline.Elapsed > NamespaceReleaseTimeout)
            {
                foreach (var step in deleted)
                {
                    var left = holding.Where(l => NamespaceOf(l) == step.Step.Resource.Name).Select(l => l.Name).ToList();
                    if (left.Count > 0)
                    {
                        step.Fail($"the name is removed, but after {NamespaceReleaseTimeout.TotalSeconds:0} s the kernel still holds the namespace (host ends {string.Join(", ", left)}): "
                            + "a process still runs in it or holds it open; see 'ip netns pids' before the delete");
                    }
                }

                return;
            }

            Thread.Sleep(10);
        }
    }

    private string? NamespaceOf(LinkObserved hostLink)
    {
        if (LinuxNaming.ParseAlias(hostLink.Alias) is not { } alias || alias.Identity.IndexOf('/', StringComparison.Ordinal) is var slash && slash <= 0)
        {
            return null;
        }

        var owner = alias.Identity[..slash];
        return alias.Kind switch
        {
            LinuxObservation.VnicAlias => naming.ZoneNetns(owner),
            LinuxObservation.LegAlias => naming.RouterNetns(owner),
            _ => null,
        };
    }

    // ---- host namespace links ---------------------------------------------------------------------------------

    private void RunHostLinks(List<StepState> steps)
    {
        var host = steps.Where(s => s.Step.Resource.Kind != LinuxKinds.Macvlan || s.Step.Action == StepAction.Create).ToList();
        if (host.Count == 0)
        {
            return;
        }

        using var socket = NetlinkSocket.Open();
        Dictionary<string, int>? indexes = null;
        int IndexOf(string name)
        {
            indexes ??= LinuxObserver.DumpLinks(socket).ToDictionary(l => l.Name, l => l.Index, StringComparer.Ordinal);
            return indexes.TryGetValue(name, out var index) ? index : throw new IOException($"interface '{name}' does not exist");
        }

        foreach (var chunk in host.Chunk(HostChunk))
        {
            var batch = new NetlinkBatch();
            var roles = new List<(StepState Step, Role Role, string Label)>();
            var fds = new Dictionary<string, SafeFileHandle>(StringComparer.Ordinal);
            try
            {
                foreach (var state in chunk)
                {
                    try
                    {
                        AddHostRequests(state, batch, roles, fds, IndexOf);
                    }
                    catch (IOException ex)
                    {
                        state.Fail(ex.Message);
                    }
                }

                Apply(socket.Execute(batch), roles);
            }
            finally
            {
                foreach (var fd in fds.Values)
                {
                    fd.Dispose();
                }
            }
        }
    }

    private void AddHostRequests(StepState state, NetlinkBatch batch, List<(StepState, Role, string)> roles, Dictionary<string, SafeFileHandle> fds, Func<string, int> indexOf)
    {
        var r = state.Step.Resource;
        var p = r.Properties;
        var action = state.Step.Action;
        void Add(Role role, string label) => roles.Add((state, role, label));
        int Fd(string netns)
        {
            if (!fds.TryGetValue(netns, out var handle))
            {
                try
                {
                    fds[netns] = handle = File.OpenHandle(NetnsThread.PathOf(netns), FileMode.Open, FileAccess.Read);
                }
                catch (FileNotFoundException)
                {
                    throw new IOException($"network namespace '{netns}' does not exist");
                }
            }

            return (int)handle.DangerousGetHandle();
        }

        if (r.Kind == LinuxKinds.Bridge)
        {
            if (action == StepAction.Delete)
            {
                RtnlRequests.DeleteLink(batch, r.Name);
                Add(Role.Delete, "RTM_DELLINK " + r.Name);
                return;
            }

            if (action == StepAction.Create)
            {
                RtnlRequests.CreateLink(batch, r.Name, "bridge");
                Add(Role.Create, "RTM_NEWLINK bridge " + r.Name);
                RtnlRequests.SetLink(batch, r.Name, alias: LinuxCommands.BridgeAlias(r.Name), noIpv6LinkLocal: true, up: true);
                Add(Role.Modify, "RTM_NEWLINK set alias/addrgenmode/up " + r.Name);
                return;
            }

            RtnlRequests.Up(batch, r.Name);
            Add(Role.Modify, "RTM_NEWLINK set up " + r.Name);
            return;
        }

        if (r.Kind == LinuxKinds.Link)
        {
            RtnlRequests.DeleteLink(batch, r.Name);
            Add(Role.Delete, "RTM_DELLINK " + r.Name);
            return;
        }

        if (r.Kind == LinuxKinds.Macvlan)
        {
            var (netns, name) = LinuxNames.Split(r.Name);
            RtnlRequests.CreateMacvlan(batch, name, indexOf(p[LinuxProperties.Lower]!), MacAddress.Parse(p[LinuxProperties.Mac]!), Int(p[LinuxProperties.Mtu]), Fd(netns));
            Add(Role.Create, "RTM_NEWLINK macvlan " + r.Name);
            return;
        }

        // veth or leg: the host end.
        var hostEnd = p[LinuxProperties.HostEnd]!;
        if (action == StepAction.Delete)
        {
            RtnlRequests.DeleteLink(batch, hostEnd);
            Add(Role.Delete, "RTM_DELLINK " + hostEnd);
            return;
        }

        var mtu = Int(p[LinuxProperties.Mtu]);
        var bridge = indexOf(p[LinuxProperties.Bridge]!);
        if (action == StepAction.Create)
        {
            var (netns, inside) = LinuxNames.Split(r.Name);
            MacAddress? mac = p[LinuxProperties.Mac] is { Length: > 0 } m ? MacAddress.Parse(m) : null;
            RtnlRequests.CreateVeth(batch, hostEnd, mtu, bridge, inside, mac, Fd(netns));
            Add(Role.Create, "RTM_NEWLINK veth " + hostEnd);
            RtnlRequests.SetLink(batch, hostEnd, alias: commands.Alias(r), noIpv6LinkLocal: true, up: true);
            Add(Role.Modify, "RTM_NEWLINK set alias/addrgenmode/up " + hostEnd);
            return;
        }

        RtnlRequests.SetLink(batch, hostEnd, master: bridge, mtu: mtu, up: true);
        Add(Role.Modify, "RTM_NEWLINK set master/mtu/up " + hostEnd);
    }

    // ---- inside namespaces ------------------------------------------------------------------------------------

    private void RunInsideNamespaces(List<StepState> steps)
    {
        var work = steps
            .Where(s => s.Error is null && NeedsInside(s))
            .GroupBy(s => s.Step.Resource.Kind == LinuxKinds.Forwarding ? s.Step.Resource.Name : LinuxNames.Split(s.Step.Resource.Name).Netns, StringComparer.Ordinal)
            .ToList();
        if (work.Count == 0)
        {
            return;
        }

        var byNetns = work.ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var results = NetnsThread.RunInEachParallel([.. work.Select(g => g.Key)], threads, ns =>
        {
            RunInside(byNetns[ns]);
            return true;
        });
        for (var i = 0; i < work.Count; i++)
        {
            if (results[i].Error is { } error)
            {
                foreach (var state in work[i])
                {
                    // A delete inside a namespace that is gone has nothing left to delete.
                    if (state.Step.Action == StepAction.Delete && !File.Exists(NetnsThread.PathOf(work[i].Key)))
                    {
                        state.NoOp = true;
                    }
                    else
                    {
                        state.Fail($"in network namespace '{work[i].Key}': {error.Message}");
                    }
                }
            }
        }
    }

    private static bool NeedsInside(StepState state)
    {
        var kind = state.Step.Resource.Kind;
        var action = state.Step.Action;
        return kind == LinuxKinds.Address || kind == LinuxKinds.Route || kind == LinuxKinds.Forwarding || kind == LinuxKinds.Macvlan
            || ((kind == LinuxKinds.Veth || kind == LinuxKinds.Leg) && action != StepAction.Delete);
    }

    /// <summary>Runs on a thread inside the namespace of every step in <paramref name="steps"/>.</summary>
    private void RunInside(List<StepState> steps)
    {
        using var socket = NetlinkSocket.Open();
        Dictionary<string, int>? indexes = null;
        int IndexOf(string name)
        {
            indexes ??= LinuxObserver.DumpLinks(socket).ToDictionary(l => l.Name, l => l.Index, StringComparer.Ordinal);
            return indexes.TryGetValue(name, out var index) ? index : throw new IOException($"interface '{name}' does not exist");
        }

        var batch = new NetlinkBatch();
        var roles = new List<(StepState, Role, string)>();
        foreach (var state in steps)
        {
            var r = state.Step.Resource;
            var p = r.Properties;
            var action = state.Step.Action;
            void Add(Role role, string label) => roles.Add((state, role, label));
            try
            {
                if (r.Kind == LinuxKinds.Forwarding)
                {
                    var on = action == StepAction.Delete ? "0" : "1";
                    Sysctl.Write("net/ipv4/ip_forward", on);
                    Sysctl.Write("net/ipv6/conf/all/forwarding", on);
                }
                else if (r.Kind == LinuxKinds.Address)
                {
                    var (_, ifname, address) = LinuxNames.SplitAddress(r.Name);
                    if (action == StepAction.Delete && !(indexes ?? Dump()).ContainsKey(ifname))
                    {
                        state.NoOp = true;
                        continue;
                    }

                    RtnlRequests.Address(batch, action != StepAction.Delete, InterfaceAddress.Parse(address), IndexOf(ifname));
                    Add(action == StepAction.Delete ? Role.Delete : Role.Create, $"RTM_{(action == StepAction.Delete ? "DEL" : "NEW")}ADDR {address} dev {ifname}");
                }
                else if (r.Kind == LinuxKinds.Route)
                {
                    var (_, destination) = LinuxNames.Split(r.Name);
                    var type = action == StepAction.Delete ? Rtnl.RTM_DELROUTE : Rtnl.RTM_NEWROUTE;
                    RtnlRequests.Route(batch, type, action == StepAction.Update, IPNetwork.Parse(destination), IPAddress.Parse(p[LinuxProperties.Via]!));
                    Add(action switch { StepAction.Delete => Role.Delete, StepAction.Create => Role.Create, _ => Role.Modify }, $"RTM_{(action == StepAction.Delete ? "DEL" : "NEW")}ROUTE {destination}");
                }
                else
                {
                    // The inside end of a veth, leg or macvlan.
                    var (_, name) = LinuxNames.Split(r.Name);
                    if (action == StepAction.Delete)
                    {
                        RtnlRequests.DeleteLink(batch, name);
                        Add(Role.Delete, "RTM_DELLINK " + name);
                        continue;
                    }

                    MacAddress? mac = action == StepAction.Update && p[LinuxProperties.Mac] is { Length: > 0 } m ? MacAddress.Parse(m) : null;
                    RtnlRequests.SetLink(batch, name, alias: action == StepAction.Create ? commands.Alias(r) : null,
                        mtu: action == StepAction.Update ? Int(p[LinuxProperties.Mtu]) : null, mac: mac, up: true);
                    Add(Role.Modify, "RTM_NEWLINK set/up " + name);
                }
            }
            catch (Exception ex) when (ex is IOException or FormatException)
            {
                state.Fail(ex.Message);
            }
        }

        Apply(socket.Execute(batch), roles);

        Dictionary<string, int> Dump() => indexes = LinuxObserver.DumpLinks(socket).ToDictionary(l => l.Name, l => l.Index, StringComparer.Ordinal);
    }

    // ---- nftables ---------------------------------------------------------------------------------------------

    private async Task RunNftAsync(List<StepState> steps, CancellationToken cancellationToken)
    {
        var table = naming.NftTable;
        var action = steps[0].Step.Action;
        var tables = steps.Where(s => s.Step.Resource.Kind == LinuxKinds.NftTable).ToList();
        var protections = steps.Where(s => s.Step.Resource.Kind == LinuxKinds.Protection).ToList();
        if (action == StepAction.Delete && tables.Count > 0)
        {
            // The table takes every element with it.
            var result = await RunNftAsync(["delete table bridge " + table], cancellationToken).ConfigureAwait(false);
            var gone = !result.Succeeded && result.Stderr.Contains("No such file or directory", StringComparison.Ordinal);
            foreach (var state in steps)
            {
                if (result.Succeeded || gone)
                {
                    state.NoOp = gone;
                }
                else
                {
                    state.Fail($"nft delete table bridge {table}: {result.Stderr.Trim()}");
                }
            }

            return;
        }

        var lines = new List<string>();
        foreach (var state in tables)
        {
            lines.AddRange(action == StepAction.Create ? NftRuleset.CreateTable(table) : NftRuleset.RewriteRules(table));
        }

        var first = await RunNftAsync([.. lines, .. protections.SelectMany(s => LinuxCommands.ProtectionCommands(s.Step, table))], cancellationToken).ConfigureAwait(false);
        if (first.Succeeded)
        {
            return;
        }

        // Deleting an element that is already gone fails the whole transaction: read the table and delete only
        // what is there, then try once more.
        if (first.Stderr.Contains("No such file or directory", StringComparison.Ordinal) && protections.Count > 0)
        {
            var listing = await runner.RunAsync(CommandSpec.Of(tools.Nft, "-j", "list", "table", "bridge", table), cancellationToken).ConfigureAwait(false);
            if (listing.Succeeded)
            {
                var present = NftJson.Parse(listing.Stdout).Ports;
                var retry = new List<string>(lines);
                foreach (var state in protections)
                {
                    var r = state.Step.Resource;
                    var wanted = state.Step.Action == StepAction.Delete ? [] : NftRuleset.Elements(r.Name, r.Properties).ToHashSet();
                    var there = present.TryGetValue(r.Properties[LinuxProperties.Port]!, out var port)
                        ? NftRuleset.Elements(r.Name, ObservedBag(r, port)).ToHashSet()
                        : [];
                    retry.AddRange(NftRuleset.ElementCommands("delete", table, there.Except(wanted)));
                    retry.AddRange(NftRuleset.ElementCommands("add", table, wanted.Except(there)));
                    state.NoOp = there.SetEquals(wanted);
                }

                var second = await RunNftAsync(retry, cancellationToken).ConfigureAwait(false);
                if (second.Succeeded)
                {
                    return;
                }

                first = second;
            }
        }

        foreach (var state in steps)
        {
            state.NoOp = false;
            state.Fail($"nft transaction failed (nothing of it was applied): {first.Stderr.Trim()}");
        }
    }

    private static PropertyBag ObservedBag(HostResource r, NftPortObserved port) => PropertyBag.Of(
        (LinuxProperties.Port, port.Port),
        (LinuxProperties.Flags, Model.Spec.SpecNames.Format(port.Flags)),
        (LinuxProperties.Mac, NftPortObserved.Join(port.Macs)),
        (LinuxProperties.DhcpChaddr, NftPortObserved.Join(port.Chaddrs)),
        (LinuxProperties.AllowedIps, NftPortObserved.Join(port.Allowed)));

    private Task<CommandResult> RunNftAsync(IEnumerable<string> lines, CancellationToken cancellationToken) =>
        runner.RunAsync(CommandSpec.Of(tools.Nft, "-f", "-") with { StandardInput = string.Join('\n', lines) + "\n" }, cancellationToken);

    // ---- tc shaping -------------------------------------------------------------------------------------------

    private async Task RunShapingAsync(List<StepState> steps, CancellationToken cancellationToken)
    {
        var action = steps[0].Step.Action;
        if (action == StepAction.Delete)
        {
            var clear = steps.Where(s => s.Step.Resource.Properties[LinuxProperties.HostEnd] is { Length: > 0 })
                .SelectMany(s => TcCommands.Clear(s.Step.Resource.Properties[LinuxProperties.HostEnd]!)).ToList();
            if (clear.Count > 0)
            {
                // Best effort: a host end that is gone took its qdiscs with it.
                await RunTcAsync(clear, force: true, cancellationToken).ConfigureAwait(false);
            }

            var deletes = steps.Where(s => s.Step.Resource.Properties[LinuxProperties.Ifb] is { Length: > 0 }).ToList();
            await Task.Run(() =>
            {
                using var socket = NetlinkSocket.Open();
                var batch = new NetlinkBatch();
                var roles = new List<(StepState, Role, string)>();
                foreach (var state in deletes)
                {
                    RtnlRequests.DeleteLink(batch, state.Step.Resource.Properties[LinuxProperties.Ifb]!);
                    roles.Add((state, Role.Delete, "RTM_DELLINK " + state.Step.Resource.Properties[LinuxProperties.Ifb]));
                }

                Apply(socket.Execute(batch), roles);
            }, cancellationToken).ConfigureAwait(false);
            return;
        }

        await Task.Run(() =>
        {
            using var socket = NetlinkSocket.Open();
            var batch = new NetlinkBatch();
            var roles = new List<(StepState, Role, string)>();
            foreach (var state in steps)
            {
                var r = state.Step.Resource;
                var ifb = r.Properties[LinuxProperties.Ifb]!;
                var (zone, vnic) = commands.ZoneAndVnic(r.Name);
                RtnlRequests.CreateLink(batch, ifb, "ifb");
                roles.Add((state, Role.Ensure, "RTM_NEWLINK ifb " + ifb));
                RtnlRequests.SetLink(batch, ifb, alias: LinuxNaming.Alias(LinuxObservation.IfbAlias, $"{zone}/{vnic}"), noIpv6LinkLocal: true);
                roles.Add((state, Role.Modify, "RTM_NEWLINK set alias " + ifb));
                RtnlRequests.Up(batch, ifb);
                roles.Add((state, Role.Modify, "RTM_NEWLINK set up " + ifb));
            }

            Apply(socket.Execute(batch), roles);
        }, cancellationToken).ConfigureAwait(false);

        var ready = steps.Where(s => s.Error is null).ToList();
        static IReadOnlyList<string> Lines(StepState s)
        {
            var p = s.Step.Resource.Properties;
            return TcCommands.Set(p[LinuxProperties.HostEnd]!, p[LinuxProperties.Ifb]!, LinuxCommands.Bits(p[LinuxProperties.Egress]), LinuxCommands.Bits(p[LinuxProperties.Ingress]));
        }

        if (ready.Count == 0 || (await RunTcAsync([.. ready.SelectMany(Lines)], force: false, cancellationToken).ConfigureAwait(false)).Succeeded)
        {
            return;
        }

        // Which one failed: every line is a replace, so running each step's lines again is harmless.
        foreach (var state in ready)
        {
            var result = await RunTcAsync(Lines(state), force: false, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                state.Fail($"tc: {result.Stderr.Trim()}");
            }
        }
    }

    private Task<CommandResult> RunTcAsync(IReadOnlyList<string> lines, bool force, CancellationToken cancellationToken) =>
        runner.RunAsync((force ? CommandSpec.Of(tools.Tc, "-force", "-batch", "-") : CommandSpec.Of(tools.Tc, "-batch", "-")) with { StandardInput = string.Join('\n', lines) + "\n" }, cancellationToken);

    // ---- results ----------------------------------------------------------------------------------------------

    private static void Apply(NetlinkResult[] results, List<(StepState Step, Role Role, string Label)> roles)
    {
        for (var i = 0; i < results.Length; i++)
        {
            var (state, role, label) = roles[i];
            var result = results[i];
            if (result.Succeeded)
            {
                continue;
            }

            switch (role)
            {
                case Role.Create when result.Errno == EEXIST:
                    state.NoOp = true;
                    break;
                case Role.Ensure when result.Errno == EEXIST:
                    break;
                case Role.Delete when result.Errno is ENODEV or ENOENT or ESRCH or EADDRNOTAVAIL:
                    state.NoOp = true;
                    break;
                default:
                    state.Fail($"{label}: {result}");
                    break;
            }
        }
    }

    private static int Int(string? text) => int.Parse(text ?? "0", System.Globalization.CultureInfo.InvariantCulture);

    private enum Role
    {
        /// <summary>Creates the object: "exists" means it was already there (no-op).</summary>
        Create,

        /// <summary>Creates a helper object that may exist already (an ifb).</summary>
        Ensure,

        /// <summary>Changes an object.</summary>
        Modify,

        /// <summary>Deletes the object: "not found" means it was already gone (no-op).</summary>
        Delete,
    }

    /// <summary>What happened to one step, filled in by whichever group carries it out.</summary>
    private sealed class StepState(PlanStep step)
    {
        private readonly Lock _gate = new();

        public PlanStep Step { get; } = step;

        public string? Error { get; private set; }

        public bool NoOp { get; set; }

        public void Fail(string message)
        {
            lock (_gate)
            {
                Error ??= $"{PlanJson.Name(Step.Action)} {Step.Resource}: {message}";
            }
        }

        public StepExecution ToExecution(IReadOnlyList<CommandSpec> described, TimeSpan duration)
        {
            var records = described.Select((c, i) => new CommandRecord(c.Argv.ToEquatableArray(), Error is null ? 0 : i == 0 ? 1 : 0, i == 0 ? Error ?? "" : "", i == 0 ? duration : TimeSpan.Zero)).ToArray();
            return Error is null
                ? StepExecution.Success(Step, duration, records) with { NoOp = NoOp }
                : StepExecution.Failure(Step, Error, duration, records);
        }
    }
}
