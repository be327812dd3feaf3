namespace NetVirt.Bench.Cni;

/// <summary>Which plugin a measurement runs.</summary>
public enum PluginKind
{
    /// <summary>netvirt-cni talking to a netvirt serve of the benchmark's own.</summary>
    NetVirt,

    /// <summary>Debian's bridge + host-local (/usr/lib/cni).</summary>
    Reference,
}
