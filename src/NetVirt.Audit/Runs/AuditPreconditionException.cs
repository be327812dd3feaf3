using NetVirt.Model.Errors;

namespace NetVirt.Audit.Runs;

/// <summary>The host is not ready for an audit (nothing applied, namespaces missing, not root).</summary>
public sealed class AuditPreconditionException(string message) : NetVirtException(message);
