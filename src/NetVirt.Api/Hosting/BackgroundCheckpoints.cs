namespace NetVirt.Api.Hosting;

/// <summary>Owns the store's background WAL checkpoints for the server's lifetime (disposed with the service provider).</summary>
/// <param name="checkpoints">What <see cref="Store.NetVirtDatabase.CheckpointInBackground"/> returned.</param>
public sealed class BackgroundCheckpoints(IDisposable checkpoints) : IDisposable
{
    /// <inheritdoc />
    public void Dispose() => checkpoints.Dispose();
}
