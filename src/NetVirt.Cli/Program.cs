namespace NetVirt.Cli;

/// <summary>Entry point of the <c>netvirt</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("netvirt: no commands yet");
        return args.Length == 0 ? 2 : 2;
    }
}
