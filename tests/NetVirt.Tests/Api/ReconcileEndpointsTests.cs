using System.Net;
using NetVirt.Api.Reconcile;

namespace NetVirt.Tests.Api;

/// <summary>
/// Plan, apply, drift, runs and history over HTTP, against the simulated illumos host: the endpoints only ask the
/// reconcile service, which drives the real illumos backend.
/// </summary>
public sealed class ReconcileEndpointsTests
{
    [Fact]
    public async Task PlanApplyDriftHistory_OnRequest()
    {
        await using var api = await ApiTestHost.StartAsync(zones: ["web1"]);
        await api.SeedAsync();
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/vnics", """{"zone": "web1", "network": "acme"}""")).StatusCode);

        var plan = await api.GetJsonAsync("/plan");
        Assert.True(plan.GetProperty("host-observed").GetBoolean());
        Assert.True(plan.GetProperty("plan").GetProperty("summary").GetProperty("create").GetInt32() > 0);
        Assert.Contains(plan.GetProperty("plan").GetProperty("steps").EnumerateArray(),
            s => s.GetProperty("commands").EnumerateArray().Any(c => c.GetString()!.Contains("create-vnic", StringComparison.Ordinal)));
        Assert.Equal(0, api.Host.Mutations); // planning changes nothing

        var stale = await api.Client.PostAsync("/apply", ApiTestHost.Json("""{"generation": 999}"""));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        var accepted = await api.Client.PostAsync("/apply", ApiTestHost.Json($$"""{"generation": {{plan.GetProperty("generation").GetInt64()}}}"""));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var location = accepted.Headers.Location!.OriginalString;
        Assert.StartsWith("/runs/", location, StringComparison.Ordinal);
        var run = await api.GetJsonAsync(location + "?wait=30");
        Assert.Equal("succeeded", run.GetProperty("state").GetString());
        Assert.Equal("apply", run.GetProperty("kind").GetString());
        var journalRun = run.GetProperty("result").GetProperty("journal-run").GetInt64();
        Assert.Contains("vnic", api.Host.Snapshot(), StringComparison.Ordinal);

        var history = await api.GetJsonAsync($"/history/{journalRun}");
        Assert.Equal("succeeded", history.GetProperty("run").GetProperty("outcome").GetString());
        Assert.NotEqual(0, history.GetProperty("steps").GetArrayLength());
        Assert.Equal(journalRun, (await api.GetJsonAsync("/history"))[0].GetProperty("id").GetInt64());

        var drift = await api.GetJsonAsync("/drift");
        Assert.Equal(0, drift.GetProperty("drift").GetArrayLength());
        Assert.Equal("illumos", drift.GetProperty("target").GetString());
        Assert.Contains((await api.GetJsonAsync("/runs")).EnumerateArray(), r => r.GetProperty("kind").GetString() == "drift");
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync("/runs/424242")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync("/history/424242")).StatusCode);

        var destroy = await api.Client.PostAsync("/destroy", null);
        Assert.Equal(HttpStatusCode.Accepted, destroy.StatusCode);
        Assert.Equal("succeeded", (await api.GetJsonAsync(destroy.Headers.Location!.OriginalString + "?wait=30")).GetProperty("state").GetString());
        Assert.Contains((await api.GetJsonAsync("/drift")).GetProperty("drift").EnumerateArray(), d => d.GetProperty("kind").GetString() == "missing" && d.GetProperty("object").GetString() == "vnic");
    }

    [Fact]
    public async Task AutoMode_AppliesEveryWriteByItself()
    {
        await using var api = await ApiTestHost.StartAsync(mode: ReconcileMode.Auto, zones: ["web1", "web2"]);
        await api.SeedAsync();
        await api.PostAsync("/vnics", """{"zone": "web1", "network": "acme"}""");
        await api.PostAsync("/vnics", """{"zone": "web2", "network": "acme"}""");
        var generation = (await api.GetJsonAsync("/healthz")).GetProperty("generation").GetInt64();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await api.GetJsonAsync("/healthz")).GetProperty("reconcile") is var r && (!r.TryGetProperty("last-applied-generation", out var applied) || applied.GetInt64() != generation))
        {
            Assert.True(DateTime.UtcNow < deadline, "the automatic apply did not reach generation " + generation);
            await Task.Delay(50);
        }

        Assert.Equal(0, (await api.GetJsonAsync("/drift")).GetProperty("drift").GetArrayLength());
        Assert.All((await api.GetJsonAsync("/runs")).EnumerateArray().Where(x => x.GetProperty("kind").GetString() == "apply"),
            x => Assert.Equal("desired-state", x.GetProperty("trigger").GetString()));
    }

    [Fact]
    public async Task PlanWithoutBackend_Is502WithTheReason()
    {
        await using var api = await ApiTestHost.StartAsync(backend: _ => throw new NetVirt.Model.Errors.BackendUnavailableException("the linux backend is not available in this build"));
        var response = await api.Client.GetAsync("/plan");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("not available in this build", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
