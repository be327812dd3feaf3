namespace NetVirt.Bench;

/// <summary>
/// One committed benchmark. Each measures a figure from an issue side by side with the baseline the issue names,
/// and prints a Markdown table that goes into docs/performance.md.
/// </summary>
public interface IBenchmark
{
    /// <summary>Name used on the command line: <c>dotnet run --project integration/bench/NetVirt.Bench -c Release -- NAME</c>.</summary>
    string Name { get; }

    /// <summary>One line: what it measures and against which baseline.</summary>
    string Description { get; }

    /// <summary>Runs the benchmark; <paramref name="args"/> are the remaining command-line arguments.</summary>
    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}
