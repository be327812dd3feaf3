using Dapper;
using NetVirt.Model.Validation;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Store;

/// <summary>WAL checkpoints moved off the write path for a server, and back.</summary>
public sealed class BackgroundCheckpointTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task CheckpointInBackground_CommitsStopCheckpointing_TheTimerDoes_DisposeRestores()
    {
        var store = _db.Open();
        using (var c = store.Database.OpenConnection())
        {
            Assert.Equal(NetVirt.Store.NetVirtDatabase.AutoCheckpointPages, c.ExecuteScalar<long>("PRAGMA wal_autocheckpoint"));
        }

        var background = store.Database.CheckpointInBackground(TimeSpan.FromMilliseconds(50));
        using (var c = store.Database.OpenConnection())
        {
            Assert.Equal(0, c.ExecuteScalar<long>("PRAGMA wal_autocheckpoint"));
        }

        store.Replace(Models.OneNetwork(zones: 50), HostTarget.Linux);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (background.Completed < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the timer ran no checkpoint");
            await Task.Delay(20);
        }

        background.Dispose();
        using (var c = store.Database.OpenConnection())
        {
            Assert.Equal(NetVirt.Store.NetVirtDatabase.AutoCheckpointPages, c.ExecuteScalar<long>("PRAGMA wal_autocheckpoint"));
        }
    }
}
