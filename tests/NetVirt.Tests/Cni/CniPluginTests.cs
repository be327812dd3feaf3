using System.Text;
using System.Text.Json;
using NetVirt.Cni;

namespace NetVirt.Tests.Cni;

public sealed class CniPluginTests
{
    private static Dictionary<string, string> Env(string command, string? args = null) => new()
    {
        ["CNI_COMMAND"] = command,
        ["CNI_CONTAINERID"] = "abc123",
        ["CNI_NETNS"] = "/run/netns/x",
        ["CNI_IFNAME"] = "eth0",
        ["CNI_PATH"] = "/opt/cni/bin",
        ["CNI_ARGS"] = args ?? "",
    };

    private static string Config(string version = "1.0.0", string extra = "") =>
        $$"""{"cniVersion": "{{version}}", "name": "acme-net", "type": "netvirt", "network": "acme"{{extra}}}""";

    private static (CniOutcome Outcome, JsonElement Json) Run(IDictionary<string, string> env, string stdin, FakeDaemon? daemon = null)
    {
        var outcome = CniPlugin.Run(name => env.TryGetValue(name, out var v) ? v : null, Encoding.UTF8.GetBytes(stdin), daemon ?? new FakeDaemon());
        return (outcome, outcome.Stdout.Length == 0 ? default : JsonDocument.Parse(outcome.Stdout).RootElement.Clone());
    }

    [Fact]
    public void Version_ReportsEverySupportedVersion()
    {
        var (outcome, json) = Run(new Dictionary<string, string> { ["CNI_COMMAND"] = "VERSION" }, "");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("1.1.0", json.GetProperty("cniVersion").GetString());
        Assert.Equal(["0.4.0", "1.0.0", "1.1.0"], json.GetProperty("supportedVersions").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public void Add_SendsTheRequestAndWritesTheResultInTheConfigsVersion()
    {
        var daemon = new FakeDaemon();
        var (outcome, json) = Run(Env("ADD", "IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-1;FOO=bar"), Config(), daemon);
        Assert.Equal(0, outcome.ExitCode);
        var (socket, command, request) = Assert.Single(daemon.Sent);
        Assert.Null(socket);
        Assert.Equal(CniCommand.Add, command);
        Assert.Equal(("acme-net", "acme", "abc123", "/run/netns/x", "eth0"), (request.CniNetwork, request.Network, request.ContainerId, request.Netns, request.Ifname));
        Assert.Equal("shop", request.Labels["k8s-pod-namespace"]);
        Assert.Equal("web-1", request.Labels["k8s-pod-name"]);
        Assert.Equal("1.0.0", json.GetProperty("cniVersion").GetString());
        Assert.Equal("/run/netns/x", json.GetProperty("interfaces")[1].GetProperty("sandbox").GetString());
        Assert.False(json.GetProperty("interfaces")[1].TryGetProperty("mtu", out _)); // mtu is 1.1.0's
        var ip = json.GetProperty("ips")[0];
        Assert.Equal("10.100.0.5/24", ip.GetProperty("address").GetString());
        Assert.Equal("10.100.0.1", ip.GetProperty("gateway").GetString());
        Assert.Equal(1, ip.GetProperty("interface").GetInt32());
        Assert.False(ip.TryGetProperty("version", out _));
        Assert.Equal("0.0.0.0/0", json.GetProperty("routes")[0].GetProperty("dst").GetString());
    }

    [Fact]
    public void Add_Version040_HasIpVersions_And110_HasMtu()
    {
        var (_, old) = Run(Env("ADD"), Config("0.4.0"));
        Assert.Equal(["4", "6"], old.GetProperty("ips").EnumerateArray().Select(i => i.GetProperty("version").GetString()));
        var (_, current) = Run(Env("ADD"), Config("1.1.0"));
        Assert.Equal(1500, current.GetProperty("interfaces")[1].GetProperty("mtu").GetInt32());
    }

    [Fact]
    public void Add_WithPrevResultAndDns_PassesThemThroughAndShiftsInterfaceIndices()
    {
        var prev = """, "prevResult": {"cniVersion": "1.0.0", "interfaces": [{"name": "lo"}], "ips": [{"address": "127.0.0.2/8", "interface": 0}], "routes": []}""";
        var (outcome, json) = Run(Env("ADD"), Config(extra: prev + """, "dns": {"nameservers": ["10.100.0.53"]}"""));
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(["lo", "nv-v1234", "eth0"], json.GetProperty("interfaces").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        Assert.Equal([0, 2, 2], json.GetProperty("ips").EnumerateArray().Select(i => i.GetProperty("interface").GetInt32()));
        Assert.Equal("10.100.0.53", json.GetProperty("dns").GetProperty("nameservers")[0].GetString());
    }

    [Fact]
    public void Add_RequestedAddressesMacAndBandwidth_ComeFromArgsAndRuntimeConfig()
    {
        var daemon = new FakeDaemon();
        Run(Env("ADD", "IP=10.100.0.20,fd10::20;MAC=02:aa:bb:cc:dd:ee"),
            Config(extra: """, "runtimeConfig": {"ips": ["10.100.0.21/24"], "bandwidth": {"ingressRate": 10000000, "egressRate": 10000000, "ingressBurst": 2147483647, "egressBurst": 2147483647}}"""), daemon);
        var request = daemon.Sent.Single().Request;
        Assert.Equal(["10.100.0.21/24", "10.100.0.20", "fd10::20"], request.Ips);
        Assert.Equal("02:aa:bb:cc:dd:ee", request.Mac);
        Assert.Equal(10_000_000, request.MaxBandwidth);
    }

    [Theory]
    [InlineData("""{"cniVersion": "1.0.0", "name": "n", "type": "netvirt", "network": "a", "runtimeConfig": {"portMappings": [{"hostPort": 80, "containerPort": 80}]}}""", 7, "portMappings")]
    [InlineData("""{"cniVersion": "1.0.0", "name": "n", "type": "netvirt", "network": "a", "ipam": {"type": "host-local"}}""", 7, "unknown key 'ipam'")]
    [InlineData("""{"cniVersion": "1.0.0", "name": "n", "type": "netvirt"}""", 7, "no 'network'")]
    [InlineData("""{"cniVersion": "0.3.1", "name": "n", "type": "netvirt", "network": "a"}""", 1, "0.3.1")]
    [InlineData("""{"cniVersion": "2.0.0", "name": "n", "type": "netvirt", "network": "a"}""", 1, "2.0.0")]
    [InlineData("""{"cniVersion": "1.0.0", "name": "n", "type": "bridge", "network": "a"}""", 7, "'bridge'")]
    [InlineData("""{"cniVersion": "1.0.0", "name": "n", "type": "netvirt", "network": "a", "socket": "relative.sock"}""", 7, "absolute")]
    [InlineData("""{"cniVersion": "1.0.0", "name": "n", "type": "netvirt", "network": 5}""", 6, "'network' must be a string")]
    [InlineData("""{"cniVersion": "1.0.0", "name": "n", "type": "netvirt", "network": "a", "runtimeConfig": {"bandwidth": {"egressRate": 1000000}}}""", 7, "differ")]
    [InlineData("""{"cniVersion": "1.0.0", "name": "n", "type": "netvirt", "network": "a", "runtimeConfig": {"ips": "10.0.0.1"}}""", 6, "runtimeConfig.ips")]
    [InlineData("""{"cniVersion": "1.0.0", "name": "n", "type": "netvirt", "network": "a", "runtimeConfig": {"bandwidth": {"ingressRate": 10000000000000000000}}}""", 6, "from 0 to 9223372036854775807, not 10000000000000000000")]
    [InlineData("""{"cniVersion": "1.0.0", "name": "n", "type": "netvirt", "network": "a", "runtimeConfig": {"bandwidth": {"ingressRate": -1}}}""", 6, "not -1")]
    [InlineData("""{"cniVersion": "1.0.0", "name": "n", "type": "netvirt", "network": "a", "runtimeConfig": {"bandwidth": {"ingressRate": "fast"}}}""", 6, "must be a non-negative integer, not a JSON string")]
    [InlineData("""{"cniVersion": "1.0.0", "name": "n" """, 6, "not valid JSON")]
    [InlineData("""[1, 2]""", 6, "JSON array")]
    [InlineData("", 6, "not valid JSON")]
    public void Add_BadConfig_IsCniErrorWithItsCodeAndSendsNothing(string stdin, int code, string text)
    {
        var daemon = new FakeDaemon();
        var (outcome, json) = Run(Env("ADD"), stdin, daemon);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal(code, json.GetProperty("code").GetInt32());
        Assert.Contains(text, json.GetProperty("msg").GetString() + (json.TryGetProperty("details", out var details) ? details.GetString() : ""), StringComparison.Ordinal);
        Assert.Empty(daemon.Sent);
    }

    [Theory]
    [InlineData("CNI_COMMAND", null, "CNI_COMMAND is not set")]
    [InlineData("CNI_COMMAND", "FROB", "FROB")]
    [InlineData("CNI_CONTAINERID", null, "CNI_CONTAINERID is not set")]
    [InlineData("CNI_CONTAINERID", "bad id", "not a valid container id")]
    [InlineData("CNI_NETNS", null, "CNI_NETNS is not set")]
    [InlineData("CNI_NETNS", "relative", "absolute path")]
    [InlineData("CNI_IFNAME", "a-name-longer-than-15", "not a valid Linux interface name")]
    [InlineData("CNI_IFNAME", "lo", "the namespace's loopback")]
    [InlineData("CNI_ARGS", "FOO=bar", "unknown key 'FOO'")]
    [InlineData("CNI_ARGS", "justtext", "not a KEY=VALUE pair")]
    public void Add_BadEnvironment_IsCode4(string variable, string? value, string text)
    {
        var env = Env("ADD");
        if (value is null)
        {
            env.Remove(variable);
        }
        else
        {
            env[variable] = value;
        }

        var (outcome, json) = Run(env, Config());
        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal(4, json.GetProperty("code").GetInt32());
        Assert.Contains(text, json.GetProperty("msg").GetString(), StringComparison.Ordinal);
        Assert.Equal("1.0.0", json.GetProperty("cniVersion").GetString());
    }

    [Theory]
    [InlineData("unknown key", "1.0.0", ", \"bogus\": 1")]
    [InlineData("portMappings", "0.4.0", ", \"runtimeConfig\": {\"portMappings\": []}")]
    [InlineData("bad nesting", "1.0.0", ", \"dns\": {\"x\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}")]
    public void Add_ConfigError_IsAnsweredInTheConfigsVersion(string what, string version, string extra)
    {
        var (outcome, json) = Run(Env("ADD"), Config(version, extra));
        Assert.True(outcome.ExitCode == 1, what);
        Assert.Equal(version, json.GetProperty("cniVersion").GetString());
    }

    [Fact]
    public void Add_HugeConfig_IsRefusedByItsSizeAndSendsNothing()
    {
        // The defect: two million DNS servers (20 MB) were accepted, stored nowhere, and echoed back in the result.
        var servers = string.Join(",", Enumerable.Repeat("\"10.0.0.53\"", 2_000_000));
        var daemon = new FakeDaemon();
        var (outcome, json) = Run(Env("ADD"), Config(extra: $", \"dns\": {{\"nameservers\": [{servers}]}}"), daemon);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal(7, json.GetProperty("code").GetInt32());
        Assert.Contains("larger than 1048576 bytes", json.GetProperty("msg").GetString(), StringComparison.Ordinal);
        Assert.Empty(daemon.Sent);
    }

    [Fact]
    public void Del_NeedsNoNamespace_AndPrintsNothing()
    {
        var env = Env("DEL");
        env.Remove("CNI_NETNS");
        var daemon = new FakeDaemon();
        var (outcome, _) = Run(env, Config(), daemon);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("", outcome.Stdout);
        Assert.Null(daemon.Sent.Single().Request.Netns);
        env["CNI_NETNS"] = "dummy"; // podman's placeholder; DEL does not look at it
        Assert.Equal(0, (Run(env, Config())).Outcome.ExitCode);
    }

    [Fact]
    public void DaemonError_IsPrintedWithItsCode()
    {
        var daemon = new FakeDaemon { Error = new CniException(CniErrorCode.TryAgainLater, "the NetVirt daemon does not answer on /x.sock: nothing listens on it", "start it") };
        var (outcome, json) = Run(Env("ADD"), Config(), daemon);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal(11, json.GetProperty("code").GetInt32());
        Assert.Equal("start it", json.GetProperty("details").GetString());
        Assert.Equal("1.0.0", json.GetProperty("cniVersion").GetString());
    }

    [Fact]
    public void StatusAndGc_Need110()
    {
        var (old, json) = Run(new Dictionary<string, string> { ["CNI_COMMAND"] = "STATUS" }, Config("1.0.0"));
        Assert.Equal(1, json.GetProperty("code").GetInt32());
        var daemon = new FakeDaemon();
        var (status, _) = Run(new Dictionary<string, string> { ["CNI_COMMAND"] = "STATUS" }, Config("1.1.0"), daemon);
        Assert.Equal(0, status.ExitCode);
        var (gc, _) = Run(new Dictionary<string, string> { ["CNI_COMMAND"] = "GC" },
            Config("1.1.0", """, "cni.dev/valid-attachments": [{"containerID": "a", "ifname": "eth0"}]"""), daemon);
        Assert.Equal(0, gc.ExitCode);
        Assert.Equal([("a", "eth0")], daemon.Sent[^1].Request.ValidAttachments!.Select(a => (a.ContainerId, a.Ifname)));
        var (noList, noListJson) = Run(new Dictionary<string, string> { ["CNI_COMMAND"] = "GC" }, Config("1.1.0"));
        Assert.Equal(7, noListJson.GetProperty("code").GetInt32());
    }

    [Fact]
    public void SocketFromConfig_GoesToTheDaemonClient()
    {
        var daemon = new FakeDaemon();
        Run(Env("DEL"), Config(extra: """, "socket": "/tmp/nvt.sock" """), daemon);
        Assert.Equal("/tmp/nvt.sock", daemon.Sent.Single().Socket);
    }
}
