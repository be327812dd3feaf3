namespace NetVirt.Backends.Linux.Namespaces;

/// <summary>
/// Network sysctls of the calling thread's namespace: <c>/proc/sys/net</c> shows the namespace of the thread that
/// opens the file, so these are called on a thread that has entered the namespace (<see cref="NetnsThread"/>).
/// </summary>
public static class Sysctl
{
    /// <summary>Reads <c>/proc/sys/{key}</c> (<c>net/ipv4/ip_forward</c>), trimmed.</summary>
    public static string Read(string key) => File.ReadAllText("/proc/sys/" + key).Trim();

    /// <summary>Writes <paramref name="value"/> to <c>/proc/sys/{key}</c>.</summary>
    public static void Write(string key, string value) => File.WriteAllText("/proc/sys/" + key, value + "\n");
}
