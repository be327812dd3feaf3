using System.Text.Json;
using NetVirt.Cli;
using NetVirt.Cli.Output;
using NetVirt.Cli.Services;
using NetVirt.Planning.Plans;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Cli;

/// <summary>The CLI conventions of issue 16: JSON export, host commands on the wrong OS, plan summaries and colour, help examples, --quiet.</summary>
public sealed class OperatorCliTests : IDisposable
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

    private static string Zones(int count) =>
        "version: 1\netherstubs: [{ name: stub0 }]\nnetworks:\n  - { name: big, over: stub0, vlan: 10, ipv4: { subnet: 10.8.0.0/20, gateway: 10.8.0.1 } }\nzones:\n" +
        string.Join("\n", Enumerable.Range(0, count).Select(i => $"  - {{ name: z{i}, vnics: [{{ name: net0, network: big, addresses: [{{ tag: v4, address: auto }}] }}] }}")) + "\n";

    [Fact]
    public async Task Export_OutputJson_IsJsonThatAppliesBack()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "--store-only", "-f", RepoPaths.MultiTenantSample)).Exit);
        var (exit, json, _) = await Run("export", "-o", "json");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal(1, JsonDocument.Parse(json).RootElement.GetProperty("version").GetInt32());
        var file = Path.Combine(_db.Directory, "state.json");
        await File.WriteAllTextAsync(file, json);
        var (again, output, errors) = await Run("apply", "--store-only", "-f", file);
        Assert.True(again == ExitCodes.Ok, errors);
        Assert.Contains("unchanged", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostCommand_OnTheWrongOs_OneClearLine()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "--store-only", "-f", RepoPaths.MultiTenantSample)).Exit);
        var target = OperatingSystem.IsLinux() ? "illumos" : "linux";
        foreach (var command in new[] { "drift", "destroy" })
        {
            var (exit, _, err) = await Run("--target", target, command);
            Assert.Equal(ExitCodes.InvalidInput, exit);
            Assert.Single(err.TrimEnd().Split('\n'));
            Assert.Contains($"works on the {target} host itself", err, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", err, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Plan_300Zones_SummaryByDefault_FullOnRequest_NoColourWhenPiped()
    {
        var file = Path.Combine(_db.Directory, "zones.yaml");
        await File.WriteAllTextAsync(file, Zones(300));
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "--store-only", "-f", file)).Exit);
        var (exit, summary, _) = await Run("--target", "illumos", "plan");
        Assert.Equal(ExitCodes.Ok, exit);
        var lines = summary.TrimEnd().Split('\n');
        Assert.True(lines.Length < 20, $"{lines.Length} lines:\n{summary}");
        Assert.Contains("  + create   ", summary, StringComparison.Ordinal);
        Assert.Contains("'netvirt plan --full' lists every one", summary, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', summary);

        var (_, full, _) = await Run("--target", "illumos", "plan", "--full");
        Assert.True(full.Split('\n').Length > 900, "every step");
        var (_, forced, _) = await Run("--target", "illumos", "plan", "--summary");
        Assert.Equal(summary, forced);
    }

    [Fact]
    public void PlanPrinter_Colour_OnlyWhenAsked()
    {
        var plan = new Plan { Steps = [new PlanStep { Index = 1, Action = StepAction.Create, Change = ChangeKind.Create, Reason = "not on the host",
            Resource = new() { Kind = NetVirt.Planning.Resources.ResourceKind.Create("etherstub", 1, []), Name = "nv_stub0" } }] };
        var outcome = new PlanOutcome(1, "illumos", true, plan, _ => []);
        var plain = new StringWriter();
        PlanPrinter.Print(plain, outcome, false);
        Assert.DoesNotContain('\u001b', plain.ToString());
        var coloured = new StringWriter();
        PlanPrinter.Print(coloured, outcome, false, PlanDetail.Auto, color: true);
        Assert.Contains("\u001b[32m  +\u001b[0m", coloured.ToString(), StringComparison.Ordinal);
        // A context writing anywhere but the terminal never colours.
        Assert.False(new CliContext(new StringWriter(), new StringWriter(), _db.Path, "table", NetVirt.Model.Validation.HostTarget.Linux).Color);
    }

    [Fact]
    public async Task Quiet_StoreOnly_PrintsNothing()
    {
        var (exit, output, _) = await Run("--quiet", "apply", "--store-only", "-f", RepoPaths.MultiTenantSample);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("", output);
        Assert.NotEqual("", (await Run("-q", "show", "zones")).Out);
    }

    [Fact]
    public async Task Prefix_Invalid_IsRefused()
    {
        var (exit, _, err) = await Run("--prefix", "no-dash!", "show", "zones");
        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("--prefix 'no-dash!'", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apply")]
    [InlineData("plan")]
    [InlineData("show")]
    [InlineData("serve")]
    [InlineData("export")]
    [InlineData("completion")]
    public async Task Help_CarriesExamples(string command)
    {
        var (exit, output, _) = await Run(command, "--help");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("Examples:", output, StringComparison.Ordinal);
        Assert.Contains("netvirt " + command, output, StringComparison.Ordinal);
    }
}
