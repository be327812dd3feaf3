using NetVirt.Model.Collections;

namespace NetVirt.Planning.Plans;

/// <summary>
/// Host objects that carry the ownership prefix but record another deployment's id: another database manages them,
/// and this one leaves them alone. <see cref="Examples"/> names a few of them (<c>netns nv-z-web1</c>).
/// </summary>
public sealed record OtherDeployment(string Id, int Objects, EquatableArray<string> Examples)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Objects} object{(Objects == 1 ? "" : "s")} of deployment {Id} (another database), left alone: {string.Join(", ", Examples)}{(Objects > Examples.Count ? ", …" : "")}";
}
