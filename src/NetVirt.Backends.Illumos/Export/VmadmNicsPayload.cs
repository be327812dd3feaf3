namespace NetVirt.Backends.Illumos.Export;

/// <summary>A zone's NICs as a SmartOS vmadm payload, and what the payload cannot express exactly.</summary>
/// <param name="Json">The payload: <c>{ "nics": [ ... ] }</c>, indented, LF line ends, final newline.</param>
/// <param name="Notes">Differences between the model and what vmadm will do, one sentence each.</param>
public sealed record VmadmNicsPayload(string Json, IReadOnlyList<string> Notes);
