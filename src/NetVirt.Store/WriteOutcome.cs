namespace NetVirt.Store;

/// <summary>The result of a desired-state write: the generation now stored and whether anything changed.</summary>
public sealed record WriteOutcome(long Generation, bool Changed);
