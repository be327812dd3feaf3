namespace NetVirt.Audit.Expectations;

/// <summary>The expectation of a path and its reason, computed without allocating.</summary>
/// <param name="Expectation">What must happen.</param>
/// <param name="Reason">Why, in a form <see cref="PathRules.Explain"/> turns into words.</param>
public readonly record struct PathExpectation(Expectation Expectation, PathReason Reason);
