using System.Runtime.ExceptionServices;

namespace NetVirt.Backends.Linux.Namespaces;

public static partial class NetnsThread
{
    /// <summary>
    /// Runs <paramref name="action"/> once per namespace on <paramref name="threads"/> dedicated threads, each
    /// entering its share of the namespaces in turn. Results come back in input order. An exception in one call is
    /// returned for that namespace (the others go on), so one broken namespace cannot hide the state of the rest.
    /// </summary>
    public static IReadOnlyList<(T? Result, Exception? Error)> RunInEachParallel<T>(IReadOnlyList<string> namespaces, int threads, Func<string, T> action)
    {
        ArgumentNullException.ThrowIfNull(namespaces);
        ArgumentNullException.ThrowIfNull(action);
        var results = new (T? Result, Exception? Error)[namespaces.Count];
        RunPartitioned(namespaces.Count, threads, i =>
        {
            try
            {
                Enter(namespaces[i]);
                results[i] = (action(namespaces[i]), null);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                results[i] = (default, ex);
            }
        });
        return results;
    }

    /// <summary>
    /// Creates a new network namespace for each name, on <paramref name="threads"/> dedicated threads: the thread
    /// enters a spare made ahead (<see cref="SpareNamespaces"/>) or unshares a new one, names it (<see cref="NetnsMounts"/>),
    /// runs <paramref name="initialize"/> inside it (loopback up, sysctls) and moves on to the next. A name that already
    /// names a namespace is entered and initialized again instead (created: false).
    /// </summary>
    public static IReadOnlyList<(bool Created, Exception? Error)> CreateEach(IReadOnlyList<string> names, int threads, Action<string> initialize) =>
        CreateEach(names, threads, initialize, null);

    /// <inheritdoc cref="CreateEach(IReadOnlyList{string}, int, Action{string})"/>
    internal static IReadOnlyList<(bool Created, Exception? Error)> CreateEach(IReadOnlyList<string> names, int threads, Action<string> initialize, SpareNamespaces? spares)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(initialize);
        NetnsMounts.EnsureRunDirectory();
        var results = new (bool Created, Exception? Error)[names.Count];
        using var files = new ThreadLocal<NetnsMounts.NameFiles>(() => new NetnsMounts.NameFiles(), trackAllValues: true);
        try
        {
            RunPartitioned(names.Count, threads, i =>
            {
                try
                {
                    var created = false;
                    if (!TryEnterExisting(names[i]))
                    {
                        if (spares?.TryTake() is { } spare)
                        {
                            using (spare)
                            {
                                Enter(spare, names[i]);
                            }
                        }
                        else if (Netlink.Interop.Unshare(CloneNewNet) != 0)
                        {
                            throw new IOException($"unshare(CLONE_NEWNET) for network namespace '{names[i]}' failed: {Describe()}");
                        }

                        NetnsMounts.Bind(names[i], files.Value!);
                        created = true;
                    }

                    initialize(names[i]);
                    results[i] = (created, null);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    results[i] = (false, ex);
                }
            });
        }
        finally
        {
            foreach (var made in files.Values)
            {
                made.Dispose();
            }
        }

        return results;
    }

    // A name that exists but does not enter (an empty file left by a crash half-way through naming, or something
    // else mounted on it) is unmounted and removed, so the namespace can be created under it.
    private static bool TryEnterExisting(string netns)
    {
        if (!File.Exists(PathOf(netns)))
        {
            return false;
        }

        try
        {
            Enter(netns);
            return true;
        }
        catch (IOException)
        {
            NetnsMounts.Delete(netns);
            return false;
        }
    }

    private static void RunPartitioned(int count, int threads, Action<int> body)
    {
        threads = Math.Clamp(threads, 1, Math.Max(1, count));
        var workers = new Thread[threads];
        ExceptionDispatchInfo? failure = null;
        var next = -1;
        for (var t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                try
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < count)
                    {
                        body(i);
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
            workers[t].Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        failure?.Throw();
    }

    private static string Describe() => Netlink.Interop.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
}
