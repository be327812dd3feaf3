using System.Reflection;
using System.Runtime.InteropServices;

namespace NetVirt.Cli;

/// <summary>
/// <c>netvirt serve</c> and <c>netvirt agent</c> run for days and answer bursts of small requests (a CNI call per step
/// of a container). The runtime's tiered compilation, right for short commands, has a new daemon count calls and
/// recompile its hot paths in the background over its first hundreds of requests, on the cores the container
/// runtimes need at that moment: 20 <c>podman run</c> were 8–13 % slower one after the other and 17–20 % slower in
/// parallel than with the reference plugins, and no slower with tiered compilation off (docs/performance.md, CNI). A
/// daemon therefore starts itself again once, in place, with <c>DOTNET_TieredCompilation=0</c>: <c>execve</c> keeps
/// the process id, the open standard streams and the arguments, so a service manager, a shell's job control and
/// <c>kill</c> see one process. ReadyToRun code is then final and the rest is compiled once, fully optimized.
/// </summary>
internal static partial class DaemonCompilation
{
    private const string Variable = "DOTNET_TieredCompilation";

    /// <summary>
    /// Replaces this process with itself under <c>DOTNET_TieredCompilation=0</c>, unless the variable is set (by the
    /// first start, or by an operator who chose otherwise), the process is not the <c>netvirt</c> executable (a test
    /// host running the command in process), or this is not Linux. Returns only when it did not replace the process;
    /// a failed <c>execve</c> leaves the daemon running as it is, only with tiered compilation.
    /// </summary>
    public static void SettleBeforeServing()
    {
        if (!OperatingSystem.IsLinux() || Assembly.GetEntryAssembly()?.GetName().Name != "netvirt")
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(Variable) is not null)
        {
            KeepName();
            return;
        }

        string[] argv;
        try
        {
            // The exact arguments this process was started with ("dotnet netvirt.dll …" or the apphost's), each ended by a
            // NUL: only the last NUL goes, so an empty last argument stays an argument.
            var cmdline = File.ReadAllText("/proc/self/cmdline");
            argv = (cmdline.EndsWith('\0') ? cmdline[..^1] : cmdline).Split('\0');
        }
        catch (IOException)
        {
            return;
        }

        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => $"{e.Key}={e.Value}").Append($"{Variable}=0").ToArray();
        var nativeArgv = ToNative(argv);
        var nativeEnvironment = ToNative(environment);
        try
        {
            Execve("/proc/self/exe", nativeArgv, nativeEnvironment);
        }
        finally
        {
            // Reached only when execve failed.
            foreach (var pointer in nativeArgv.Concat(nativeEnvironment).Where(p => p != 0))
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    /// <summary>
    /// After the <c>execve</c> of <c>/proc/self/exe</c> the kernel names the process after that path, "exe", which is
    /// what <c>ps</c>, <c>top</c> and <c>pgrep netvirt</c> would show: it gets its executable's name back ("netvirt",
    /// or "dotnet" when started as <c>dotnet netvirt.dll</c>). Writing <c>/proc/self/comm</c> names the main thread, the
    /// process's name, whichever thread writes it.
    /// </summary>
    private static void KeepName()
    {
        try
        {
            if (File.ReadAllText("/proc/self/comm").Trim() == "exe" && Path.GetFileName(Environment.ProcessPath) is { Length: > 0 } name && name != "exe")
            {
                File.WriteAllText("/proc/self/comm", name.Length > 15 ? name[..15] : name);
            }
        }
        catch (IOException)
        {
            // Only the name ps shows.
        }
    }

    // A NULL-terminated array of NUL-terminated UTF-8 strings, as execve(2) takes them.
    private static nint[] ToNative(string[] strings) => [.. strings.Select(Marshal.StringToCoTaskMemUTF8), 0];

    [LibraryImport("libc", EntryPoint = "execve", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Execve(string path, nint[] argv, nint[] environment);
}
