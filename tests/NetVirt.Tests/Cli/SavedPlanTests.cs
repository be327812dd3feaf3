using NetVirt.Cli;
using NetVirt.Cli.Plans;
using NetVirt.Planning;
using NetVirt.Planning.Resources;
using NetVirt.Reconciliation;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Cli;

/// <summary>
/// Saved plans run only on the state and host they were made from: the generation, the desired objects and the
/// observed host are compared when applying, and any difference refuses the apply.
/// </summary>
public sealed class SavedPlanTests
{
    private static readonly ResourceKind Bridge = ResourceKind.Create("bridge", 1, ["mtu"]);
    private static readonly ResourceKind Veth = ResourceKind.Create("veth", 2, ["mtu"]);

    private static HostResource R(ResourceKind kind, string name, string mtu = "1500") =>
        new() { Kind = kind, Name = name, Properties = PropertyBag.Of(("mtu", mtu)) };

    private static PlanResult Planned(long generation, HostState desired, HostState observed) =>
        new(generation, "linux", Planner.Plan(desired, observed, []), desired, observed);

    private static readonly HostState Desired = new([R(Bridge, "nvt1-stub0.100"), R(Veth, "nvt1-v1")]);
    private static readonly HostState Observed = new([R(Bridge, "nvt1-stub0.100")]);

    [Fact]
    public void Digest_IgnoresOrder_SeesEveryProperty()
    {
        Assert.Equal(SavedPlan.Digest(new HostState([R(Bridge, "a"), R(Veth, "b")])), SavedPlan.Digest(new HostState([R(Veth, "b"), R(Bridge, "a")])));
        Assert.NotEqual(SavedPlan.Digest(new HostState([R(Bridge, "a")])), SavedPlan.Digest(new HostState([R(Bridge, "a", mtu: "1400")])));
        Assert.NotEqual(SavedPlan.Digest(HostState.Empty), SavedPlan.Digest(new HostState([R(Bridge, "a")])));
    }

    [Fact]
    public void Refusal_SameStateAndHost_None()
    {
        var saved = SavedPlan.From(Planned(4, Desired, Observed), "nvt1", "/db", _ => [], DateTimeOffset.UnixEpoch);
        Assert.Null(saved.Refusal(Planned(4, Desired, Observed), "nvt1"));
    }

    [Fact]
    public void Refusal_GenerationMoved()
    {
        var saved = SavedPlan.From(Planned(4, Desired, Observed), "nvt1", "/db", _ => [], DateTimeOffset.UnixEpoch);
        Assert.Contains("moved from generation 4", saved.Refusal(Planned(5, Desired, Observed), "nvt1"), StringComparison.Ordinal);
    }

    [Fact]
    public void Refusal_HostChanged()
    {
        var saved = SavedPlan.From(Planned(4, Desired, Observed), "nvt1", "/db", _ => [], DateTimeOffset.UnixEpoch);
        var changed = new HostState([R(Bridge, "nvt1-stub0.100", mtu: "9000")]);
        Assert.Contains("the host changed", saved.Refusal(Planned(4, Desired, changed), "nvt1"), StringComparison.Ordinal);
    }

    [Fact]
    public void Refusal_SameGenerationOtherDesiredState_OrOtherPrefix()
    {
        var saved = SavedPlan.From(Planned(4, Desired, Observed), "nvt1", "/db", _ => [], DateTimeOffset.UnixEpoch);
        Assert.Contains("not the one planned", saved.Refusal(Planned(4, new HostState([R(Bridge, "nvt1-stub0.100")]), Observed), "nvt1"), StringComparison.Ordinal);
        Assert.Contains("prefix 'nvt1'", saved.Refusal(Planned(4, Desired, Observed), "nvt2"), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteRead_RoundTrips_AndStillApplies()
    {
        using var db = new TempDatabase();
        var path = Path.Combine(db.Directory, "tonight.plan");
        SavedPlan.From(Planned(4, Desired, Observed), "nvt1", db.Path, _ => ["ip link add nvt1-v1 type veth"], DateTimeOffset.UnixEpoch).Write(path);
        var read = SavedPlan.Read(path);
        Assert.Equal(4, read.Generation);
        Assert.Null(read.Refusal(Planned(4, Desired, Observed), "nvt1"));
        Assert.Contains("ip link add nvt1-v1 type veth", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyFile_NotAPlan_ClearErrorNothingChanged()
    {
        using var db = new TempDatabase();
        var stderr = new StringWriter();
        var exit = await Program.RunAsync(["--db", db.Path, "apply", RepoPaths.MultiTenantSample], new StringWriter(), stderr);
        Assert.NotEqual(ExitCodes.Ok, exit);
        Assert.Contains("apply -f", stderr.ToString(), StringComparison.Ordinal);
    }
}
