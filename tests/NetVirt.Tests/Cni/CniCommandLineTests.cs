using System.Text.Json;
using NetVirt.Api.Cni;
using NetVirt.Cli;
using NetVirt.Cni;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Cni;

/// <summary><c>netvirt cni install|config</c> in process, into a test's own folders.</summary>
public sealed class CniCommandLineTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await Program.RunAsync(["--db", _db.Path, .. args], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private async Task StoreNetworksAsync()
    {
        var document = Path.Combine(_db.Directory, "n.yaml");
        await File.WriteAllTextAsync(document, """
            etherstubs: [{name: stub0}]
            networks:
              - {name: acme, over: stub0, vlan: 100, ipv4: {subnet: 10.100.0.0/24}}
              - {name: globex, over: stub0, vlan: 200, ipv4: {subnet: 10.200.0.0/24}}
            pools: [{name: both, networks: [acme, globex]}]
            """);
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "-f", document, "--store-only")).Exit);
    }

    [Fact]
    public async Task Config_PrintsTheConflistWithTheDatabasesSocket()
    {
        await StoreNetworksAsync();
        var (exit, output, errors) = await Run("cni", "config", "acme");
        Assert.True(exit == ExitCodes.Ok, errors);
        var conflist = JsonDocument.Parse(output).RootElement;
        Assert.Equal("1.0.0", conflist.GetProperty("cniVersion").GetString());
        Assert.Equal("acme", conflist.GetProperty("name").GetString());
        var plugin = Assert.Single(conflist.GetProperty("plugins").EnumerateArray());
        Assert.Equal("netvirt", plugin.GetProperty("type").GetString());
        Assert.Equal("acme", plugin.GetProperty("network").GetString());
        Assert.Equal(_db.Path + ".sock", plugin.GetProperty("socket").GetString());
        Assert.True(plugin.GetProperty("capabilities").GetProperty("bandwidth").GetBoolean());

        // The plugin reads what the command writes (the runtime adds cniVersion and name to the entry).
        var entry = System.Text.Json.Nodes.JsonNode.Parse(plugin.GetRawText())!.AsObject();
        entry["cniVersion"] = "1.0.0";
        entry["name"] = "acme";
        Assert.Equal("acme", PluginConfig.Parse(System.Text.Encoding.UTF8.GetBytes(entry.ToJsonString())).Network);
    }

    [Fact]
    public async Task Config_PoolAndVersionAndSocket()
    {
        await StoreNetworksAsync();
        var (_, output, _) = await Run("cni", "config", "both", "--cni-version", "1.1.0", "--socket", DaemonSocket.SystemDefault);
        var conflist = JsonDocument.Parse(output).RootElement;
        Assert.Equal("1.1.0", conflist.GetProperty("cniVersion").GetString());
        Assert.False(conflist.GetProperty("plugins")[0].TryGetProperty("socket", out _));
    }

    [Fact]
    public async Task Config_UnknownNetworkOrMissingDatabase_IsExitTwoNamingIt()
    {
        var (missing, _, missingErrors) = await Run("cni", "config", "acme");
        Assert.Equal(ExitCodes.InvalidInput, missing);
        Assert.Contains(_db.Path, missingErrors, StringComparison.Ordinal);
        await StoreNetworksAsync();
        var (exit, _, errors) = await Run("cni", "config", "nope");
        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("'nope' is neither a network nor a pool (defined: acme, globex, both)", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_PutsThePluginAsNetvirtAndAConflistPerNetwork()
    {
        await StoreNetworksAsync();
        var plugin = Path.Combine(_db.Directory, "netvirt-cni");
        await File.WriteAllTextAsync(plugin, "#!/bin/sh\n");
        var bin = Path.Combine(_db.Directory, "bin");
        var conf = Path.Combine(_db.Directory, "net.d");
        var (exit, _, errors) = await Run("cni", "install", "--dir", bin, "--conf-dir", conf, "--plugin", plugin);
        Assert.True(exit == ExitCodes.Ok, errors);
        Assert.Equal(["netvirt"], Directory.GetFiles(bin).Select(Path.GetFileName));
        if (OperatingSystem.IsLinux())
        {
            Assert.True(File.GetUnixFileMode(Path.Combine(bin, "netvirt")).HasFlag(UnixFileMode.OtherExecute));
        }

        Assert.Equal(["netvirt-acme.conflist", "netvirt-globex.conflist"], Directory.GetFiles(conf).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("globex", JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(conf, "netvirt-globex.conflist"))).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Install_WithoutThePlugin_SaysHowToBuildIt()
    {
        await StoreNetworksAsync();
        var (exit, _, errors) = await Run("cni", "install", "--dir", Path.Combine(_db.Directory, "bin"), "--conf-dir", Path.Combine(_db.Directory, "d"), "--plugin", "/nonexistent/netvirt-cni");
        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("scripts/setup.sh", errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_db.Directory, "d")));
    }

    [Fact]
    public void DaemonSocket_SystemDatabaseUsesTheRunFolder_OthersSitBesideTheirDatabase()
    {
        Assert.Equal("/run/netvirt/netvirt.sock", DaemonSocket.DefaultFor(NetVirt.Store.StoreAddress.File(NetVirt.Store.StoreLocation.SystemDefault)));
        Assert.Equal("/tmp/x/nv.db.sock", DaemonSocket.DefaultFor(NetVirt.Store.StoreAddress.File("/tmp/x/nv.db")));
        Assert.Throws<NetVirt.Model.Errors.InvalidInputException>(() => DaemonSocket.Check("/" + new string('a', 120)));
        Assert.Throws<NetVirt.Model.Errors.InvalidInputException>(() => DaemonSocket.Check("relative.sock"));
    }
}
