namespace NetVirt.Backends.Linux;

/// <summary>Kernel features the model may need beyond namespaces, bridges and veth pairs. Probed once per backend.</summary>
public sealed record LinuxCapabilities
{
    /// <summary>802.1Q VLAN devices (the <c>8021q</c> module): needed for tagged VNICs over a physical link.</summary>
    public bool Has8021q { get; init; }

    /// <summary>Reads the running kernel's features: <c>/proc/net/vlan</c> exists once 8021q is loaded or built in, and a module file can be loaded on demand.</summary>
    public static LinuxCapabilities Probe()
    {
        var release = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "";
        var module = release.Length > 0 && Directory.Exists($"/lib/modules/{release}/kernel/net/8021q");
        return new LinuxCapabilities { Has8021q = Directory.Exists("/proc/net/vlan") || Directory.Exists("/sys/module/8021q") || module };
    }
}
