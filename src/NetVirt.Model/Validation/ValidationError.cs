namespace NetVirt.Model.Validation;

/// <summary>
/// One thing wrong with a document or model: where (<c>zones[2].vnics[0].addresses[1]</c>), a stable code for
/// scripts and tests (<c>address.outside-subnet</c>), and a message for people.
/// </summary>
public sealed record ValidationError(string Path, string Code, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message} [{Code}]";
}
