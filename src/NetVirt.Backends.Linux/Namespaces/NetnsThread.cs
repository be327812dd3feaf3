using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace NetVirt.Backends.Linux.Namespaces;

/// <summary>
/// Runs code inside a named network namespace on a dedicated thread.
/// </summary>
/// <remarks>
/// <c>setns(2)</c> changes the namespace of the calling OS thread only. Doing that on a thread-pool thread would
/// leave the namespace attached to a thread that later runs unrelated work, so every namespace switch happens on a
/// thread created for that purpose and discarded afterwards (the reasoning of CNI's <c>pkg/ns</c>). Sockets and
/// capture handles opened there stay bound to the namespace they were opened in, so the usual pattern is: enter,
/// open, return the handle, and use it from any thread.
/// </remarks>
public static partial class NetnsThread
{
    /// <summary>Directory where <c>ip netns</c> keeps the bind mounts that name network namespaces.</summary>
    public const string NetnsDirectory = "/run/netns";

    /// <summary><c>CLONE_NEWNET</c>, for <c>unshare(2)</c> and <c>setns(2)</c>.</summary>
    internal const int CloneNewNet = 0x40000000;

    /// <summary>Runs <paramref name="action"/> inside namespace <paramref name="netns"/> and returns its result.</summary>
    public static T Run<T>(string netns, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return RunInEach([netns], _ => action())[0];
    }

    /// <summary>
    /// Runs <paramref name="action"/> once per namespace, in order, on a single dedicated thread that enters each
    /// namespace in turn. Much cheaper than a thread per namespace when there are hundreds of them.
    /// </summary>
    public static IReadOnlyList<T> RunInEach<T>(IReadOnlyList<string> namespaces, Func<string, T> action)
    {
        ArgumentNullException.ThrowIfNull(namespaces);
        ArgumentNullException.ThrowIfNull(action);
        var results = new T[namespaces.Count];
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                for (var i = 0; i < namespaces.Count; i++)
                {
                    Enter(namespaces[i]);
                    results[i] = action(namespaces[i]);
                }
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                Sysctl.ReleaseThreadInstance();
            }
        })
        {
            IsBackground = true,
            Name = "netvirt-netns",
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return results;
    }

    /// <summary>
    /// Path of the file that names a network namespace: <c>/run/netns/NAME</c>, or for a container's namespace (a
    /// runtime's, <see cref="Resources.LinuxNaming.ContainerNetns"/>) the path its runtime gave.
    /// </summary>
    public static string PathOf(string netns) =>
        Resources.LinuxNaming.IsContainerNetns(netns) ? Resources.LinuxNaming.ContainerNetnsPath(netns) : Path.Combine(NetnsDirectory, netns);

    /// <summary>Moves the calling (dedicated) thread into <paramref name="netns"/>.</summary>
    internal static void Enter(string netns)
    {
        ArgumentException.ThrowIfNullOrEmpty(netns);
        if (netns.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"network namespace name '{netns}' must not contain '/'", nameof(netns));
        }

        using var handle = File.OpenHandle(PathOf(netns), FileMode.Open, FileAccess.Read);
        Enter(handle, netns);
    }

    /// <summary>Moves the calling (dedicated) thread into the namespace <paramref name="handle"/> refers to, to be named <paramref name="netns"/>.</summary>
    internal static void Enter(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string netns)
    {
        if (Setns(handle, CloneNewNet) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"setns into network namespace '{netns}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int Setns(Microsoft.Win32.SafeHandles.SafeFileHandle fd, int nstype);
}
