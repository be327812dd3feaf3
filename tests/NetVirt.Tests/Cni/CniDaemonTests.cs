using System.Net;
using System.Text;
using System.Text.Json;
using NetVirt.Api;
using NetVirt.Backends.Execution;
using NetVirt.Cni;
using NetVirt.Cni.Transport;
using NetVirt.Model.Validation;
using NetVirt.Tests.Api;

namespace NetVirt.Tests.Cni;

/// <summary>The plugin's core and transport against a real server on its unix socket, over a fake host that holds containers.</summary>
public sealed class CniDaemonTests : IAsyncLifetime
{
    private readonly FakeContainerHost _host = new();
    private ApiTestHost _api = null!;
    private string _socket = "";

    public async Task InitializeAsync()
    {
        _api = await ApiTestHost.StartAsync(
            backend: _ => Task.FromResult<IHostBackend>(_host), loopback: true,
            options: o => o with { Target = HostTarget.Linux, Socket = o.Database.FilePath + ".sock" });
        _socket = Path.GetFullPath(_api.Database.Path + ".sock");
        await _api.SeedAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private string Config(string version = "1.0.0", string network = "acme", string extra = "") =>
        $$"""{"cniVersion": "{{version}}", "name": "acme-net", "type": "netvirt", "network": "{{network}}", "socket": "{{_socket}}"{{extra}}}""";

    private static Task<(int Exit, JsonElement Json)> Run(string command, string config, string id = "c1", string? args = null, string ifname = "eth0", string netns = "/run/netns/c1")
    {
        var env = new Dictionary<string, string?>
        {
            ["CNI_COMMAND"] = command,
            ["CNI_CONTAINERID"] = id,
            ["CNI_NETNS"] = netns,
            ["CNI_IFNAME"] = ifname,
            ["CNI_ARGS"] = args,
        };
        // The plugin blocks on its socket: a thread of its own each, so 40 at once do not starve the server's thread pool.
        return Task.Factory.StartNew(() =>
        {
            var outcome = CniPlugin.Run(n => env.GetValueOrDefault(n), Encoding.UTF8.GetBytes(config), new UnixSocketDaemonClient());
            return (outcome.ExitCode, outcome.Stdout.Length == 0 ? default : JsonDocument.Parse(outcome.Stdout).RootElement.Clone());
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    [Fact]
    public void Socket_IsRootsOnly()
    {
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_socket));
        }
    }

    [Fact]
    public async Task Add_AttachesStoresAndAnswersTheResult()
    {
        var (exit, json) = await Run("ADD", Config(), args: "K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-1");
        Assert.True(exit == 0, json.ToString());
        Assert.Equal(["nvt-v4", "eth0"], json.GetProperty("interfaces").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        Assert.Equal("/run/netns/c1", json.GetProperty("interfaces")[1].GetProperty("sandbox").GetString());
        Assert.Equal(["10.100.0.10/24", "fd10:100::2/64"], json.GetProperty("ips").EnumerateArray().Select(i => i.GetProperty("address").GetString()));
        Assert.Equal(["10.100.0.1", "fd10:100::1"], json.GetProperty("ips").EnumerateArray().Select(i => i.GetProperty("gateway").GetString()));
        Assert.Equal(["0.0.0.0/0", "::/0"], json.GetProperty("routes").EnumerateArray().Select(r => r.GetProperty("dst").GetString()));
        var vnic = Assert.Single(_host.Attached).Value;
        Assert.Equal(json.GetProperty("interfaces")[1].GetProperty("mac").GetString(), vnic.Mac.ToString());

        var zones = await _api.GetJsonAsync("/zones");
        var zone = Assert.Single(zones.EnumerateArray());
        Assert.Equal("container", zone.GetProperty("kind").GetString());
        Assert.Equal("c1", zone.GetProperty("container").GetString());
        var who = await _api.GetJsonAsync("/ips/10.100.0.10");
        Assert.Equal("c-c1", who[0].GetProperty("zone").GetString());
    }

    [Fact]
    public async Task Add_Repeated_AnswersTheSameAttachment()
    {
        var (_, first) = await Run("ADD", Config());
        var (exit, again) = await Run("ADD", Config());
        Assert.Equal(0, exit);
        Assert.Equal(first.GetProperty("ips").ToString(), again.GetProperty("ips").ToString());
        Assert.Equal(first.GetProperty("interfaces")[1].GetProperty("mac").GetString(), again.GetProperty("interfaces")[1].GetProperty("mac").GetString());
    }

    [Fact]
    public async Task Add_HostFails_LeavesNothingAndSaysWhy()
    {
        _host.FailNextAttach();
        var (exit, json) = await Run("ADD", Config());
        Assert.Equal(1, exit);
        Assert.Equal(CniErrorCode.HostFailure, json.GetProperty("code").GetInt32());
        Assert.Contains("fake host refused", json.ToString(), StringComparison.Ordinal);
        Assert.Empty(_host.Attached);
        Assert.Empty((await _api.GetJsonAsync("/zones")).EnumerateArray());
        Assert.Equal(0, (await Run("DEL", Config())).Exit);
    }

    [Theory]
    [InlineData("c/1", "eth0", "/run/netns/c1", "CNI_CONTAINERID")]
    [InlineData("c1", "eth0/../x", "/run/netns/c1", "CNI_IFNAME")]
    [InlineData("c1", "lo", "/run/netns/c1", "CNI_IFNAME 'lo'")]
    [InlineData("c1", "eth0", "relative/path", "CNI_NETNS")]
    public void Add_SentToTheSocketWithoutThePlugin_IsCheckedAgain_AndChangesNothing(string id, string ifname, string netns, string named)
    {
        // Any root process can write to the socket: the daemon does not rely on the plugin's checks.
        var request = new NetVirt.Cni.Protocol.AttachmentRequest { CniVersion = "1.0.0", CniNetwork = "acme-net", Network = "acme", ContainerId = id, Ifname = ifname, Netns = netns };
        var refused = Assert.Throws<CniException>(() => new UnixSocketDaemonClient().Send(_socket, CniCommand.Add, request));
        Assert.Equal(CniErrorCode.InvalidEnvironment, refused.Code);
        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
        Assert.Empty(_host.Attached);
    }

    [Fact]
    public void Refusals_AreCode100_NotTheInvalidInputTheyDeriveFrom()
    {
        // A full network or bridge (RequestRefusedException) is an InvalidInputException too: the order of the mapping decides.
        Assert.Equal(CniErrorCode.Refused, NetVirt.Api.Cni.CniEndpoints.ToError(new NetVirt.Model.Errors.RequestRefusedException("network 'acme' is full"))!.Code);
        Assert.Equal(CniErrorCode.InvalidConfig, NetVirt.Api.Cni.CniEndpoints.ToError(new NetVirt.Model.Errors.InvalidInputException("bad"))!.Code);
    }

    [Fact]
    public async Task Add_Refusals_CarryTheirCodes()
    {
        var (_, unknown) = await Run("ADD", Config(network: "nope"));
        Assert.Equal(CniErrorCode.InvalidConfig, unknown.GetProperty("code").GetInt32());
        Assert.Contains("'nope' is neither a network nor a pool", unknown.GetProperty("msg").GetString(), StringComparison.Ordinal);

        Assert.Equal(0, (await Run("ADD", Config(), args: "IP=10.100.0.50")).Exit);
        var (_, taken) = await Run("ADD", Config(), id: "c2", args: "IP=10.100.0.50");
        Assert.Equal(CniErrorCode.Refused, taken.GetProperty("code").GetInt32());
        Assert.Contains("c-c1", taken.GetProperty("msg").GetString(), StringComparison.Ordinal);

        var (_, outside) = await Run("ADD", Config(), id: "c3", args: "IP=192.168.9.9");
        Assert.Equal(CniErrorCode.InvalidConfig, outside.GetProperty("code").GetInt32());
        var (_, badMac) = await Run("ADD", Config(), id: "c4", args: "MAC=zz:zz");
        Assert.Equal(CniErrorCode.InvalidConfig, badMac.GetProperty("code").GetInt32());
        Assert.Single(_host.Attached);
    }

    [Fact]
    public async Task Del_ReleasesAndIsIdempotent()
    {
        var (_, added) = await Run("ADD", Config());
        var address = added.GetProperty("ips")[0].GetProperty("address").GetString()!.Split('/')[0];
        Assert.Equal(0, (await Run("DEL", Config(), netns: "")).Exit);
        Assert.Empty(_host.Attached);
        Assert.Equal("released", (await _api.GetJsonAsync($"/ips/{address}"))[0].GetProperty("state").GetString());
        Assert.Equal(0, (await Run("DEL", Config(), netns: "")).Exit);
        Assert.Equal(0, (await Run("DEL", Config(), id: "never-added")).Exit);
    }

    [Fact]
    public async Task Check_ComparesTheHostWithTheStore()
    {
        var (_, unknown) = await Run("CHECK", Config());
        Assert.Equal(CniErrorCode.UnknownContainer, unknown.GetProperty("code").GetInt32());
        await Run("ADD", Config());
        Assert.Equal(0, (await Run("CHECK", Config())).Exit);
        _host.Differences.Add("eth0 has MAC 02:00:00:00:00:99, not 02:08:20:00:00:00");
        var (exit, json) = await Run("CHECK", Config());
        Assert.Equal(1, exit);
        Assert.Equal(CniErrorCode.CheckFailed, json.GetProperty("code").GetInt32());
        Assert.Contains("02:00:00:00:00:99", json.GetProperty("details").GetString(), StringComparison.Ordinal);
        var (_, otherNetns) = await Run("CHECK", Config(), netns: "/run/netns/other");
        Assert.Equal(CniErrorCode.CheckFailed, otherNetns.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Gc_RemovesWhatThePartialListDoesNotName()
    {
        await Run("ADD", Config(), id: "keep");
        await Run("ADD", Config(), id: "gone1");
        await Run("ADD", Config(), id: "gone2");
        await Run("ADD", Config().Replace("acme-net", "other-net", StringComparison.Ordinal), id: "other");
        var (exit, json) = await Run("GC", Config("1.1.0", extra: """, "cni.dev/valid-attachments": [{"containerID": "keep", "ifname": "eth0"}]"""));
        Assert.True(exit == 0, json.ToString());
        Assert.Equal(["c-keep", "c-other"], _host.Attached.Keys.Select(k => k.Zone).Order(StringComparer.Ordinal));
        Assert.Equal(["c-keep", "c-other"], (await _api.GetJsonAsync("/zones")).EnumerateArray().Select(z => z.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Status_ReadyWithTheNetwork()
    {
        Assert.Equal(0, (await Run("STATUS", Config("1.1.0"))).Exit);
        Assert.Equal(CniErrorCode.PluginNotAvailable, (await Run("STATUS", Config("1.1.0", network: "nope"))).Json.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task ParallelAdds_GetDistinctAddressesAndMacs_AndDelsReleaseAll()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Run("ADD", Config(), id: $"p{i}", netns: $"/run/netns/p{i}")));
        Assert.All(results, r => Assert.Equal(0, r.Exit));
        Assert.Equal(40, results.Select(r => r.Json.GetProperty("ips")[0].GetProperty("address").GetString()).Distinct().Count());
        Assert.Equal(40, results.Select(r => r.Json.GetProperty("interfaces")[1].GetProperty("mac").GetString()).Distinct().Count());
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Run("DEL", Config(), id: $"p{i}")));
        var usage = await _api.GetJsonAsync("/ips");
        Assert.All(usage.EnumerateArray(), u => Assert.Equal(0, u.GetProperty("used").GetInt32()));
        Assert.Empty(_host.Attached);
    }

    [Fact]
    public async Task DaemonDown_IsTryAgainLater()
    {
        var (exit, json) = await Run("ADD", Config().Replace(_socket, _socket + ".missing", StringComparison.Ordinal));
        Assert.Equal(1, exit);
        Assert.Equal(CniErrorCode.TryAgainLater, json.GetProperty("code").GetInt32());
        Assert.Contains("there is no socket there", json.GetProperty("msg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CniEndpoints_AreNotServedOverTcp()
    {
        using var response = await _api.Client.PostAsync("/cni/add", ApiTestHost.Json("{}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task RemovingTheNetworkOfAnAttachment_IsRefusedNamingIt()
    {
        await Run("ADD", Config());
        using var response = await _api.Client.DeleteAsync("/networks/acme");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is 409 or 422, text);
        Assert.Contains("container 'c1'", text, StringComparison.Ordinal);
        using var removeZone = await _api.Client.DeleteAsync("/zones/c-c1");
        Assert.Equal(HttpStatusCode.Conflict, removeZone.StatusCode);
    }
}
