using NetVirt.Backends.Commands;

namespace NetVirt.Backends.Illumos.Execution;

/// <summary>One command of a step, with the failure it tolerates.</summary>
internal sealed record IllumosCommand(CommandSpec Spec, Tolerance Tolerance = Tolerance.None);
