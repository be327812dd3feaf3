namespace NetVirt.Cni;

/// <summary>What one plugin execution prints on stdout and exits with.</summary>
public sealed record CniOutcome(int ExitCode, string Stdout);
