using System.Text.RegularExpressions;

namespace NetVirt.Backends.Illumos.Resources;

/// <summary>
/// Host names of the datalinks NetVirt creates, and the ownership rule: a datalink can be NetVirt's only when its
/// name starts with <c>{prefix}_</c>. IP interfaces share their link's name, so the rule covers them and the address
/// objects and routes on them. Which database they belong to is recorded once per prefix, by a marker etherstub
/// <c>{prefix}_{deployment id}_1</c> (<see cref="Marker"/>): a datalink carries no free-form attribute that dladm
/// would keep, and an etherstub costs nothing. See the README for the scheme and why SmartOS and upstream illumos
/// differ.
/// </summary>
public sealed partial class IllumosNaming
{
    /// <summary>Name of the global zone, used as the zone part of global-zone resource names.</summary>
    public const string GlobalZone = "global";

    /// <summary>Creates the naming scheme for <paramref name="prefix"/> on <paramref name="variant"/>, for deployment <paramref name="deploymentId"/> (null: none).</summary>
    public IllumosNaming(string prefix, IllumosVariant variant, string? deploymentId = null)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!PrefixPattern().IsMatch(prefix))
        {
            throw new ArgumentException($"ownership prefix '{prefix}' must be 1–12 letters and digits, starting with a letter", nameof(prefix));
        }

        if (deploymentId is not null && !DeploymentPattern().IsMatch(deploymentId))
        {
            throw new ArgumentException($"deployment id '{deploymentId}' must be 16 lowercase hex digits", nameof(deploymentId));
        }

        Prefix = prefix;
        Variant = variant;
        DeploymentId = deploymentId;
    }

    /// <summary>The deployment (database) this backend acts for; null when none is recorded.</summary>
    public string? DeploymentId { get; }

    /// <summary>
    /// The marker etherstub of a deployment: <c>{prefix}_{id}_1</c> (a link name must end in a number; at most 31
    /// characters with a 12-character prefix).
    /// </summary>
    public string Marker(string deploymentId) => $"{OwnerMark}{deploymentId}_1";

    /// <summary>The deployment a datalink name marks, or null when it is no marker of this prefix.</summary>
    public string? MarkedDeployment(string linkName)
    {
        ArgumentNullException.ThrowIfNull(linkName);
        return linkName.Length == OwnerMark.Length + 18 && linkName.StartsWith(OwnerMark, StringComparison.Ordinal) && linkName.EndsWith("_1", StringComparison.Ordinal)
            && DeploymentPattern().IsMatch(linkName.AsSpan(OwnerMark.Length, 16).ToString())
            ? linkName.Substring(OwnerMark.Length, 16)
            : null;
    }

    /// <summary>True when objects whose prefix is marked for <paramref name="recorded"/> (null: no marker) belong to this deployment.</summary>
    public bool IsOurs(string? recorded) => recorded is null || recorded == DeploymentId;

    /// <summary>The ownership prefix.</summary>
    public string Prefix { get; }

    /// <summary>The variant the names are made for.</summary>
    public IllumosVariant Variant { get; }

    /// <summary><c>{prefix}_</c>: the start of every owned datalink name.</summary>
    public string OwnerMark => Prefix + "_";

    /// <summary>True when a datalink or IP interface called <paramref name="name"/> is NetVirt's.</summary>
    public bool IsOwned(string name) => name.StartsWith(OwnerMark, StringComparison.Ordinal);

    /// <summary>Host name of the etherstub the model calls <paramref name="modelName"/>: <c>nv_stub0</c>.</summary>
    public string Etherstub(string modelName) => $"{OwnerMark}{modelName}";

    /// <summary>
    /// Host name of a zone's VNIC, which is also its name inside the zone. SmartOS keys links by (zone, name) and
    /// lets the global zone address them with <c>-z</c>, so <c>nv_net0</c> can exist once per zone. Upstream illumos
    /// has no <c>-z</c> and no <c>ZONE</c> column, so names must be unique host-wide: <c>nv_web1_net0</c>.
    /// </summary>
    public string ZoneVnic(string zone, string vnic) =>
        Variant == IllumosVariant.SmartOs ? $"{OwnerMark}{vnic}" : $"{OwnerMark}{ZoneToken(zone)}_{vnic}";

    /// <summary>Host name of the global zone's gateway leg in an L2 domain: <c>nv_gw_stub0_100</c> (VLAN 0: <c>_0</c>).</summary>
    public string GatewayLeg(string etherstubModelName, int vlan) => $"{OwnerMark}gw_{etherstubModelName}_{vlan}";

    /// <summary>A zone name as it may appear in a link name: '-' and '.' become '_'.</summary>
    public static string ZoneToken(string zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return zone.Replace('-', '_').Replace('.', '_');
    }

    [GeneratedRegex(@"\A[A-Za-z][A-Za-z0-9]{0,11}\z")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex DeploymentPattern();
}
