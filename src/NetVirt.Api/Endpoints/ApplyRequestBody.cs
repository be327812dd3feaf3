namespace NetVirt.Api.Endpoints;

/// <summary>The optional body of <c>POST /apply</c>.</summary>
/// <param name="Generation">Apply only if the desired state is still at this generation (the one whose plan was approved).</param>
/// <param name="KeepGoing">Continue after a failed step instead of rolling the run back.</param>
public sealed record ApplyRequestBody(long? Generation, bool? KeepGoing);
