namespace NetVirt.Audit.Verdicts;

/// <summary>
/// What an audit report names so it cannot be mistaken for another: the host, the ownership prefix of the objects
/// audited, the database the desired state came from, its generation, and the NetVirt version that ran it. The audit
/// layer cannot know most of these; the caller (CLI, API) supplies them.
/// </summary>
/// <param name="Host">Host name.</param>
/// <param name="Prefix">Ownership prefix of the host objects audited.</param>
/// <param name="Database">Path of the database the desired state was read from.</param>
/// <param name="Generation">Desired-state generation audited.</param>
/// <param name="Version">NetVirt version (informational, with the commit).</param>
public sealed record AuditHeader(string Host, string Prefix, string Database, long Generation, string Version);
