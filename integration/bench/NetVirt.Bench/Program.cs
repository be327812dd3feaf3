namespace NetVirt.Bench;

/// <summary>Runs one benchmark by name, or lists them.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        var benchmarks = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToList();

        var chosen = args.Length > 0 ? benchmarks.FirstOrDefault(b => b.Name == args[0]) : null;
        if (chosen is null)
        {
            Console.Error.WriteLine("usage: NetVirt.Bench <benchmark> [options]\n\nbenchmarks:");
            foreach (var b in benchmarks)
            {
                Console.Error.WriteLine($"  {b.Name,-16} {b.Description}");
            }

            return args.Length == 0 ? 0 : 2;
        }

        if (args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            // Asked what it takes, not to run: a benchmark raises host limits and makes thousands of objects.
            Console.WriteLine($"{chosen.Name}: {chosen.Description}");
            return 0;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        try
        {
            return await chosen.RunAsync(args[1..], cts.Token);
        }
        catch (OptionsException ex)
        {
            Console.Error.WriteLine($"{chosen.Name}: {ex.Message}");
            return 2;
        }
    }
}
