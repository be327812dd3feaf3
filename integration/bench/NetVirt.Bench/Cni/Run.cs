using System.Diagnostics;

namespace NetVirt.Bench.Cni;

/// <summary>Child processes of the benchmark.</summary>
internal static class Run
{
    public static async Task<(int Exit, string Stdout, string Stderr)> ExecAsync(string file, IEnumerable<string> args, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null, string? stdin = null, bool clearEnvironment = false)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (clearEnvironment)
        {
            start.Environment.Clear();
            start.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        try
        {
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program exited without reading its input (a plugin answering VERSION): nothing to deliver.
        }
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    public static async Task<string> OkAsync(string file, IEnumerable<string> args, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var list = args.ToList();
        var (exit, stdout, stderr) = await ExecAsync(file, list, cancellationToken, environment);
        return exit == 0 ? stdout : throw new InvalidOperationException($"{file} {string.Join(' ', list)} exited {exit}: {stderr}{stdout}");
    }

    public static async Task TryAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        try
        {
            await ExecAsync(file, args, CancellationToken.None, environment);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // cleanup: best effort
        }
    }
}
