using Dapper;
using Microsoft.Data.Sqlite;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Store;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Store;

/// <summary>
/// A database is a deployment: it has an id from the day it is created, only writers create one, and its automatic
/// MACs are its own. Also what a write may not do silently: empty the state, or preview by storing.
/// </summary>
public sealed class DeploymentTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void NewDatabase_HasARandomDeploymentIdThatNeverChanges()
    {
        var id = _db.Open().DeploymentId;
        SqliteConnection.ClearAllPools();

        Assert.True(DeploymentId.IsValid(id), id);
        Assert.Equal(id, NetVirtStore.Open(_db.Path).DeploymentId);
        Assert.Equal(id, NetVirtStore.OpenExisting(_db.Path).DeploymentId);
        using var other = new TempDatabase();
        Assert.NotEqual(id, other.Open().DeploymentId);

        using var c = new SqliteConnection($"Data Source={_db.Path}");
        c.Open();
        var ex = Assert.Throws<SqliteException>(() => c.Execute("UPDATE meta SET deployment_id = '0123456789abcdef'"));
        Assert.Contains("never changes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DatabaseFromBeforeDeploymentIds_GetsOneWhenItIsUpgraded()
    {
        // Build a version-3 database by hand, as the previous release left it.
        using (var c = new SqliteConnection($"Data Source={_db.Path}"))
        {
            c.Open();
            foreach (var (version, _, sql) in NetVirt.Store.Migrations.Migrator.Migrations.Where(m => m.Version <= 3))
            {
                c.Execute(sql);
                c.Execute($"PRAGMA user_version = {version}");
            }

            c.Execute($"PRAGMA application_id = {NetVirt.Store.Migrations.Migrator.ApplicationId}");
        }

        SqliteConnection.ClearAllPools();
        var store = NetVirtStore.OpenExisting(_db.Path);

        Assert.True(DeploymentId.IsValid(store.DeploymentId), store.DeploymentId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OpenExisting_MissingOrEmptyFile_NamesThePathAndCreatesNothing(bool emptyFile)
    {
        if (emptyFile)
        {
            File.WriteAllBytes(_db.Path, []);
        }

        var ex = Assert.Throws<InvalidInputException>(() => NetVirtStore.OpenExisting(_db.Path));

        Assert.Contains($"no NetVirt database at '{_db.Path}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(emptyFile, File.Exists(_db.Path));
        if (emptyFile)
        {
            Assert.Equal(0, new FileInfo(_db.Path).Length);
        }

        Assert.DoesNotContain(Directory.GetFiles(_db.Directory), f => f != _db.Path);
    }

    [Fact]
    public void TwoDatabases_SameDocument_HandOutDifferentMacs()
    {
        // The defect: every database started at 02:08:20:00:00:00, so two deployments on one host collided at once.
        using var second = new TempDatabase();
        var a = _db.Open(deploymentId: "00000000004a1f00");
        var b = second.Open(deploymentId: "0000000000c3e500");

        a.Replace(Models.Sample(), HostTarget.Linux);
        b.Replace(Models.Sample(), HostTarget.Linux);

        var macsA = Macs(a);
        var macsB = Macs(b);
        Assert.Empty(macsA.Intersect(macsB));
        // Each counts up from where its id puts it: auto MACs start at the id's last 24 bits under 2:8:20.
        Assert.Equal("02:08:20:4a:1f:00", macsA[0]);
        Assert.Equal("02:08:20:c3:e5:00", macsB[0]);
        // And stays put: storing the document again keeps every MAC.
        a.Replace(Models.Sample() with { Zones = [.. Models.Sample().Zones.Reverse()] }, HostTarget.Linux);
        Assert.Equal(macsA.Order(), Macs(a).Order());
    }

    [Fact]
    public void Macs_RandomDeployments_CountFromUnrelatedPlaces()
    {
        var starts = Enumerable.Range(0, 8).Select(_ =>
        {
            using var db = new TempDatabase();
            var store = db.Open();
            store.Replace(Models.OneNetwork(zones: 1), HostTarget.Linux);
            return Macs(store)[0];
        }).ToList();

        Assert.Equal(8, starts.Distinct(StringComparer.Ordinal).Count());
        Assert.All(starts, m => Assert.StartsWith("02:08:20:", m, StringComparison.Ordinal));
    }

    [Fact]
    public void Replace_EmptyDocumentOverAState_IsRefusedUnlessAllowed()
    {
        // The defect: `apply --store-only -f -` with empty input replaced everything with nothing, releasing every address.
        var store = _db.Open();
        store.Replace(Models.Sample(), HostTarget.Linux);
        var before = store.Load();

        var ex = Assert.Throws<InvalidInputException>(() => store.Replace(NetworkModel.Empty, HostTarget.Linux));
        Assert.Contains("--allow-empty", ex.Message, StringComparison.Ordinal);
        Assert.Contains("9 zone(s)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, store.Load());
        Assert.Throws<InvalidInputException>(() => store.Preview(NetworkModel.Empty, HostTarget.Linux));

        Assert.True(store.Replace(NetworkModel.Empty, HostTarget.Linux, allowEmpty: true).Changed);
        Assert.True(NetVirtStore.IsEmpty(store.Load().Authored));
        // An empty state may be stored over an empty one: nothing is lost.
        Assert.False(store.Replace(NetworkModel.Empty with { Settings = new ModelSettings() }, HostTarget.Linux).Changed);
    }

    [Fact]
    public void Preview_ShowsTheAllocationsAndStoresNothing()
    {
        var store = _db.Open();
        store.Replace(Models.OneNetwork(zones: 2), HostTarget.Linux);
        var before = store.Load();
        var cursor = MacCursor();

        var (current, preview) = store.Preview(Models.OneNetwork(zones: 4), HostTarget.Linux);

        Assert.Equal(before, current);
        Assert.Equal(before.Generation + 1, preview.Generation);
        Assert.Equal(["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"], preview.Resolved.Zones.Select(z => z.Vnics[0].Addresses[0].Address!.ToString()));
        Assert.Equal(before, store.Load());
        Assert.Equal(cursor, MacCursor());
        Assert.Throws<ModelValidationException>(() => store.Preview(Models.OneNetwork("10.0.0.0/30", zones: 4), HostTarget.Linux));
    }

    private long MacCursor()
    {
        using var c = new SqliteConnection($"Data Source={_db.Path}");
        c.Open();
        return c.ExecuteScalar<long>("SELECT mac_cursor FROM meta");
    }

    /// <summary>The MACs of the VNICs whose document says <c>mac: auto</c>, in document order.</summary>
    private static List<string> Macs(NetVirtStore store)
    {
        var state = store.Load();
        var auto = state.Authored.Zones.SelectMany(z => z.Vnics.Where(v => v.Mac is null).Select(v => (z.Name, v.Name))).ToHashSet();
        return [.. state.Resolved.Zones.SelectMany(z => z.Vnics.Where(v => auto.Contains((z.Name, v.Name))).Select(v => v.Mac!.Value.ToString()))];
    }
}
