using NetVirt.Backends.Illumos;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Backends.Illumos;

/// <summary>
/// The shipped sample (<c>schemas/examples/multi-tenant.yaml</c>: three tenants on VLANs 100/200/300 over etherstub
/// stub0, an untagged management etherstub mgmt0, one zone in two networks, IPv4 and IPv6, maxbw on some VNICs),
/// loaded by the document loader and resolved by the store's IPAM into concrete MACs and addresses, as the
/// reconciler would hand it to a backend. The one place tests get their model from.
/// </summary>
public static class IllumosSampleModel
{
    private static readonly Lazy<NetworkModel> Resolved = new(LoadResolved);

    /// <summary>The resolved sample.</summary>
    public static NetworkModel Build() => Resolved.Value;

    public static IEnumerable<string> ZoneNames => Build().Zones.Select(z => z.Name);

    /// <summary>A simulated host of <paramref name="variant"/> with the sample's zones installed and running.</summary>
    public static SimulatedIllumosHost Host(IllumosVariant variant = IllumosVariant.SmartOs)
    {
        var host = SimulatedIllumosHost.Create(variant);
        foreach (var zone in ZoneNames)
        {
            host.AddZone(zone);
        }

        return host;
    }

    /// <summary>The model with one VNIC changed.</summary>
    public static NetworkModel WithVnic(NetworkModel model, string zone, string vnic, Func<VnicSpec, VnicSpec> change) => model with
    {
        Zones = [.. model.Zones.Select(z => z.Name != zone ? z : z with { Vnics = [.. z.Vnics.Select(v => v.Name == vnic ? change(v) : v)] })],
    };

    /// <summary>The model with one network changed.</summary>
    public static NetworkModel WithNetwork(NetworkModel model, string network, Func<NetworkSpec, NetworkSpec> change) => model with
    {
        Networks = [.. model.Networks.Select(n => n.Name == network ? change(n) : n)],
    };

    private static NetworkModel LoadResolved()
    {
        using var database = new TempDatabase();
        var store = database.Open(deploymentId: TempDatabase.ZeroDeployment);
        store.Replace(Models.Sample(), HostTarget.Illumos);
        return store.Load().Resolved;
    }
}
