using System.Net;
using NetVirt.Api;
using NetVirt.Api.Security;
using NetVirt.Model.Errors;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Api;

/// <summary>Bearer tokens: write, read-only, none; where they come from; refusing to listen openly without one.</summary>
public sealed class AuthTests
{
    [Fact]
    public async Task NoOrWrongToken_Is401WithChallenge_HealthAndOpenApiStayOpen()
    {
        await using var api = await ApiTestHost.StartAsync();
        foreach (var client in new[] { api.NewClient(null), api.NewClient("wrong") })
        {
            var response = await client.GetAsync("/networks");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.OK, (await api.NewClient(null).GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.NewClient(null).GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task ReadToken_ReadsButCannotChange()
    {
        await using var api = await ApiTestHost.StartAsync();
        var reader = api.NewClient(ApiTestHost.ReadToken);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/etherstubs")).StatusCode);
        var post = await reader.PostAsync("/etherstubs", ApiTestHost.Json("""{"name": "stub0"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(0, (await api.GetJsonAsync("/etherstubs")).GetArrayLength());
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/etherstubs", """{"name": "stub0"}""")).StatusCode);
    }

    [Fact]
    public async Task AuthNone_OnLoopback_NeedsNoToken()
    {
        await using var api = await ApiTestHost.StartAsync(tokens: ApiTokens.None);
        Assert.Equal(HttpStatusCode.Created, (await api.NewClient(null).PostAsync("/etherstubs", ApiTestHost.Json("""{"name": "stub0"}"""))).StatusCode);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8470")]
    [InlineData("http://*:8470")]
    [InlineData("http://192.0.2.10:8470")]
    [InlineData("http://[::]:8470")]
    [InlineData("http://x@127.0.0.1:18471")]      // Kestrel's host is 'x@127.0.0.1': every interface
    [InlineData("http://unix:/run/netvirt.sock")]
    public void Build_NonLoopbackWithoutToken_RefusesToStart(string url)
    {
        using var db = new TempDatabase();
        var ex = Assert.Throws<InvalidInputException>(() => ApiHost.Build(new ApiOptions { Database = NetVirt.Store.StoreLocation.Parse(db.Path), Urls = [url] }, ApiTokens.None,
            _ => throw new InvalidOperationException("not reached")));
        Assert.Contains(url, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8470", true)]
    [InlineData("http://127.3.4.5:1", true)]
    [InlineData("http://localhost:8470", true)]
    [InlineData("http://[::1]:8470", true)]
    [InlineData("http://10.0.0.1:8470", false)]
    [InlineData("http://+:8470", false)]
    [InlineData("http://x@127.0.0.1:18471", false)]
    [InlineData("http://x:y@localhost:18471", false)]
    [InlineData("http://127.1:8470", false)]
    [InlineData("http://[::ffff:127.0.0.1]:8470", false)]
    [InlineData("http://myhost:8470", false)]
    [InlineData("http://[::1:8470", false)]
    [InlineData("http://LOCALHOST:8470", true)]
    public void IsLoopback_TellsLoopbackFromEverythingElse(string url, bool loopback) => Assert.Equal(loopback, ApiHost.IsLoopback(url));

    [Theory]
    [InlineData("http://x@127.0.0.1:18471", "user information")]
    [InlineData("http://[::1", "neither localhost nor an IP address")]
    [InlineData("http://127.0.0.1:8470/api", "no path")]
    [InlineData("http://127.0.0.1:port", "neither localhost nor an IP address")]
    [InlineData("http://myhost:8470", "neither localhost nor an IP address")]
    [InlineData("http://127.0.0.1:99999", "outside 0-65535")]
    public void Build_UrlKestrelCannotBindAsWritten_IsRefusedEvenWithAToken(string url, string why)
    {
        using var db = new TempDatabase();
        var ex = Assert.Throws<InvalidInputException>(() => ApiHost.Build(new ApiOptions { Database = NetVirt.Store.StoreLocation.Parse(db.Path), Urls = [url] }, new ApiTokens("w", "r"),
            _ => throw new InvalidOperationException("not reached")));
        Assert.Contains(why, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Load_NoTokens_GeneratesPrivateFileOnce_ThenReadsIt()
    {
        using var db = new TempDatabase();
        var file = ApiTokens.DefaultFile(NetVirt.Store.StoreLocation.Parse(db.Path));
        var (generated, notice) = ApiTokens.Load(file, _ => null);
        Assert.NotNull(notice);
        Assert.Contains(generated.Write!, notice, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.DoesNotContain(generated.Write!, generated.ToString(), StringComparison.Ordinal);

        var (again, secondNotice) = ApiTokens.Load(file, _ => null);
        Assert.Null(secondNotice);
        Assert.Equal(generated, again);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Load_EnvironmentWins_AndOpenFileIsRefused()
    {
        using var db = new TempDatabase();
        var file = ApiTokens.DefaultFile(NetVirt.Store.StoreLocation.Parse(db.Path));
        var env = new Dictionary<string, string> { [ApiTokens.WriteVariable] = "from-env", [ApiTokens.ReadVariable] = "read-env" };
        Assert.Equal(new ApiTokens("from-env", "read-env"), ApiTokens.Load(file, k => env.GetValueOrDefault(k)).Tokens);
        Assert.False(File.Exists(file));

        File.WriteAllText(file, "write: abc\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Throws<InvalidInputException>(() => ApiTokens.ReadFile(file));
    }

    [Fact]
    public void ReadFile_MissingFileOrDirectory_SaysWhatToGive()
    {
        using var db = new TempDatabase();
        var missing = Assert.Throws<InvalidInputException>(() => ApiTokens.ReadFile(db.Path + ".nope"));
        Assert.Contains("there is no token file", missing.Message, StringComparison.Ordinal);
        var directory = Assert.Throws<InvalidInputException>(() => ApiTokens.ReadFile(Path.GetDirectoryName(db.Path)!));
        Assert.Contains("is a directory", directory.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Matches_ComparesWholeTokens()
    {
        Assert.True(ApiTokens.Matches("abc", "abc"));
        Assert.False(ApiTokens.Matches("abd", "abc"));
        Assert.False(ApiTokens.Matches("ab", "abc"));
        Assert.False(ApiTokens.Matches(null, "abc"));
        Assert.False(ApiTokens.Matches("abc", null));
    }
}

/// <summary><c>netvirt serve</c>'s own parsing.</summary>
public sealed class ServeCommandTests
{
    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("90", 90)]
    public void ParseDuration_Units(string text, double seconds) => Assert.Equal(seconds, NetVirt.Cli.Commands.ServeCommand.ParseDuration(text).TotalSeconds);

    [Theory]
    [InlineData("soon")]
    [InlineData("-5m")]
    [InlineData("0s")]
    public void ParseDuration_Nonsense_IsInvalidInput(string text) =>
        Assert.Throws<InvalidInputException>(() => NetVirt.Cli.Commands.ServeCommand.ParseDuration(text));
}
